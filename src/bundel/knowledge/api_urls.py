"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("documents/", api.DocumentList.as_view(), name="document-list"),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="document-detail"),
]

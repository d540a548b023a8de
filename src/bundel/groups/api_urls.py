"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("groups/", api.MyGroups.as_view(), name="groups-mine"),
    path("groups/threads/<int:pk>/posts/", api.ThreadPosts.as_view(), name="groups-thread-posts"),
    path("groups/<slug:slug>/", api.GroupDetail.as_view(), name="groups-detail"),
    path("groups/<slug:slug>/threads/", api.GroupThreads.as_view(), name="groups-threads"),
]

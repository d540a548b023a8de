"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

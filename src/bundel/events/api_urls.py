"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path

from . import api

event_list = api.EventViewSet.as_view({"get": "list"})
event_detail = api.EventViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("events/", event_list, name="event-list"),
    path("events/<int:pk>/", event_detail, name="event-detail"),
    path(
        "events/<int:pk>/registrations/",
        api.EventRegistrations.as_view(),
        name="event-registrations",
    ),
    path(
        "events/<int:pk>/registrations/<int:registration_pk>/",
        api.EventRegistrationDetail.as_view(),
        name="event-registration-detail",
    ),
]

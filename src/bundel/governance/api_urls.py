"""API paths of governance; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path

from . import api, api_bodies

urlpatterns = [
    # elections
    path("elections/", api.ElectionList.as_view(), name="election-list"),
    path("elections/<int:pk>/votes/", api.ElectionVotes.as_view(), name="election-votes"),
    path("elections/<int:pk>/results/", api.ElectionResults.as_view(), name="election-results"),
    # council, bodies and meetings
    path("council/", api_bodies.CouncilView.as_view(), name="council"),
    path(
        "meetings/",
        api_bodies.MeetingViewSet.as_view({"get": "list"}),
        name="meeting-list",
    ),
    path(
        "meetings/<int:pk>/",
        api_bodies.MeetingViewSet.as_view({"get": "retrieve"}),
        name="meeting-detail",
    ),
    path(
        "proposals/<int:pk>/votes/",
        api_bodies.ProposalVoteView.as_view(),
        name="proposal-votes",
    ),
]

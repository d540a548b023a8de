"""The API of the council, the bodies and the meetings: the same selectors (who sees what)
and services (the rules) as the pages.

The composition is public. Meetings, their documents, proposals and decisions are for
people of member boards and staff: anyone else gets 403.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .constants import Choice
from .models import Appointment, Meeting, MeetingDocument, Proposal, ProposalVote
from .selectors.bodies import composition_on
from .selectors.meetings import (
    may_see_meetings,
    meeting_list,
    meetings_visible_to,
    proposals_visible_to,
)
from .services import meetings as meeting_services

# -- the composition ------------------------------------------------------------------------


class SeatSerializer(serializers.ModelSerializer):
    board = serializers.CharField(
        source="board.duo_number", allow_null=True, default=None, help_text="DUO number"
    )
    board_name = serializers.CharField(source="board.display_name", allow_null=True, default=None)
    since = serializers.DateField(source="starts_on")
    until = serializers.DateField(help_text="the term's end, or the day it ended early")

    class Meta:
        model = Appointment
        fields = ["name", "board", "board_name", "role", "since", "until"]


class BoardSeatSerializer(SeatSerializer):
    class Meta(SeatSerializer.Meta):
        fields = [*SeatSerializer.Meta.fields, "seat_kind"]


class SupervisorySeatSerializer(SeatSerializer):
    class Meta(SeatSerializer.Meta):
        fields = ["name", "employer", "role", "since", "until"]


class ChamberSerializer(serializers.Serializer):
    chamber = serializers.CharField(source="chamber.value")
    label = serializers.CharField(source="chamber.label")
    seats = serializers.IntegerField(
        allow_null=True, help_text="as the latest counted election gave them"
    )
    vacant = serializers.IntegerField()
    members = SeatSerializer(many=True)


class BoardBodySerializer(serializers.Serializer):
    max_seats = serializers.IntegerField()
    vacant = serializers.IntegerField()
    members = BoardSeatSerializer(many=True)


class SupervisoryBodySerializer(serializers.Serializer):
    min_seats = serializers.IntegerField()
    max_seats = serializers.IntegerField()
    below_minimum = serializers.BooleanField(help_text="fewer members than the minimum")
    members = SupervisorySeatSerializer(many=True)


class CompositionSerializer(serializers.Serializer):
    day = serializers.DateField()
    council = ChamberSerializer(many=True)
    board = BoardBodySerializer()
    supervisory = SupervisoryBodySerializer()


class CouncilView(APIView):
    """Who sits in the council (by chamber), on the board and the supervisory board
    today, with their terms. Public."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=CompositionSerializer)
    def get(self, request):
        composition = composition_on(user=request.user)
        return Response(CompositionSerializer(composition).data)


# -- meetings -------------------------------------------------------------------------------


class IsMemberOrStaff(permissions.BasePermission):
    message = "Meetings are for the members of the cooperative."

    def has_permission(self, request, view):
        return may_see_meetings(request.user)


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingDocument
        fields = ["id", "title", "uploaded_at", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        path = reverse("governance:meeting_document", args=[obj.meeting_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProposalSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "text",
            "document",
            "outcome",
            "voting_opened_at",
            "closed_at",
            "electorate",
            "quorum",
            "votes_for",
            "votes_against",
            "abstentions",
        ]


class MeetingListSerializer(serializers.ModelSerializer):
    proposal_count = serializers.IntegerField()
    decided_count = serializers.IntegerField()
    document_count = serializers.IntegerField()
    minutes_published = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "starts_at",
            "place",
            "proposal_count",
            "decided_count",
            "document_count",
            "minutes_published",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_minutes_published(self, obj) -> bool:
        return obj.minutes_published_at is not None


class MeetingSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(many=True)
    proposals = ProposalSerializer(many=True)
    minutes = serializers.SerializerMethodField()
    minutes_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "starts_at",
            "place",
            "agenda",
            "documents",
            "proposals",
            "minutes",
            "minutes_published_at",
            "minutes_pdf",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_minutes(self, obj) -> str | None:
        return obj.minutes if obj.minutes_published_at else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_pdf(self, obj) -> str | None:
        if not obj.minutes_published_at:
            return None
        path = reverse("governance:minutes_pdf", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Council meetings and general member days with their documents, proposals and
    decisions: for people of member boards and staff."""

    permission_classes = [IsMemberOrStaff]

    def get_queryset(self):
        if self.action == "list":
            return meeting_list(self.request.user)
        return meetings_visible_to(self.request.user).prefetch_related("documents", "proposals")

    def get_serializer_class(self):
        return MeetingListSerializer if self.action == "list" else MeetingSerializer


class VoteInSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)


class VoteSerializer(serializers.ModelSerializer):
    as_board = serializers.CharField(
        source="board.duo_number", allow_null=True, default=None, help_text="at the member day"
    )

    class Meta:
        model = ProposalVote
        fields = ["proposal", "choice", "as_board", "cast_at"]


class ProposalVoteView(APIView):
    """Vote on a proposal that is open for votes: a seated council member at a council
    meeting, a member board's contact at the general member day; once."""

    permission_classes = [IsMemberOrStaff]

    @extend_schema(
        request=VoteInSerializer,
        responses={
            201: VoteSerializer,
            403: OpenApiResponse(description="not entitled to vote on this proposal"),
            404: OpenApiResponse(description="no such proposal"),
            409: OpenApiResponse(description="already voted, or the vote is not open"),
        },
    )
    def post(self, request, pk: int):
        proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
        data = VoteInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vote = meeting_services.proposal_vote(
            proposal=proposal, choice=data.validated_data["choice"], by=request.user
        )
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

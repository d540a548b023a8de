"""The seat-allocation what-if tool for staff; elections: the vote and the results."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bundel.api.exceptions import Conflict
from bundel.api.permissions import IsStaff
from bundel.membership.selectors import user_is_member
from bundel.registry.models import Board

from .constants import Phase
from .models import Candidate, Election
from .seats import METHODS, SeatAllocationError, allocate_seats
from .selectors.elections import election_results, elections_visible_to
from .services import vote_cast


class SeatRequestSerializer(serializers.Serializer):
    seats = serializers.IntegerField(min_value=1, max_value=1000)
    method = serializers.ChoiceField(choices=METHODS)
    votes = serializers.DictField(child=serializers.IntegerField(min_value=0), allow_empty=False)
    min_quota_fraction = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=0, max_value=1, required=False, default=0
    )
    seed = serializers.IntegerField(required=False, default=0, help_text="the lot for ties")


class StepSerializer(serializers.Serializer):
    seat = serializers.IntegerField(help_text="0: whole quotas given at once")
    party = serializers.CharField()
    reason = serializers.CharField()


class SeatResultSerializer(serializers.Serializer):
    seats = serializers.DictField(child=serializers.IntegerField())
    quota = serializers.DecimalField(max_digits=20, decimal_places=4)
    method = serializers.CharField()
    seed = serializers.IntegerField()
    steps = StepSerializer(many=True)


class SeatAllocationView(APIView):
    """Spread seats over parties by largest averages (D'Hondt) or largest remainders."""

    permission_classes = [IsStaff]

    @extend_schema(request=SeatRequestSerializer, responses=SeatResultSerializer)
    def post(self, request):
        serializer = SeatRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = allocate_seats(**serializer.validated_data)
        except SeatAllocationError as exc:
            raise ValidationError({"detail": [str(exc)]}) from None
        return Response(SeatResultSerializer(result).data)


# -- elections ----------------------------------------------------------------------------


class ElectionChamberSerializer(serializers.Serializer):
    chamber = serializers.CharField()
    seats = serializers.IntegerField()


class ElectionSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    chambers = ElectionChamberSerializer(many=True)

    class Meta:
        model = Election
        fields = [
            "id",
            "title",
            "phase",
            "nomination_opens_at",
            "nomination_closes_at",
            "voting_opens_at",
            "voting_closes_at",
            "term_starts_on",
            "seed",
            "seed_sha256",
            "chambers",
        ]

    seed = serializers.CharField(
        source="published_seed", allow_null=True, help_text="null until the votes are counted"
    )
    seed_sha256 = serializers.CharField()

    def get_phase(self, election) -> str:
        return election.phase().value


class ElectionList(generics.ListAPIView):
    """The council elections (members and staff)."""

    serializer_class = ElectionSerializer

    def get_queryset(self):
        return elections_visible_to(self.request.user).order_by("-voting_closes_at", "pk")


class VoteRequestSerializer(serializers.Serializer):
    board = serializers.CharField(help_text="the DUO number of the board that votes")
    candidate = serializers.IntegerField()


class VoteReceiptSerializer(serializers.Serializer):
    election = serializers.IntegerField(source="election_id")
    board = serializers.CharField(source="board.duo_number")
    chamber = serializers.CharField()
    via_proxy = serializers.BooleanField()
    cast_at = serializers.DateTimeField()


def _visible_election(request, pk: int) -> Election:
    election = elections_visible_to(request.user).filter(pk=pk).first()
    if election is None:
        if not user_is_member(request.user):
            raise PermissionDenied(_("Elections are for the cooperative's members and staff."))
        raise NotFound(_("No such election."))
    return election


class ElectionVotes(APIView):
    """Cast a board's vote: by its contact or its proxy holder. The receipt says that the
    board voted, never for whom."""

    @extend_schema(
        request=VoteRequestSerializer,
        responses={201: VoteReceiptSerializer, 400: None, 403: None, 409: None},
    )
    def post(self, request, pk: int):
        election = _visible_election(request, pk)
        serializer = VoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = Board.objects.filter(duo_number=serializer.validated_data["board"]).first()
        if board is None:
            raise ValidationError({"board": [_("No board with this DUO number.")]})
        candidate = Candidate.objects.filter(
            pk=serializer.validated_data["candidate"], election=election
        ).first()
        if candidate is None:
            raise ValidationError({"candidate": [_("No such candidate in this election.")]})
        receipt = vote_cast(election=election, board=board, candidate=candidate, by=request.user)
        return Response(VoteReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class ResultSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    candidate = serializers.IntegerField(source="candidate_id")
    name = serializers.CharField(source="candidate.name")
    board = serializers.CharField(source="candidate.board.duo_number")
    votes = serializers.IntegerField()
    elected = serializers.BooleanField()
    by_lot = serializers.BooleanField()


class ChamberResultSerializer(serializers.Serializer):
    chamber = serializers.CharField()
    seats = serializers.IntegerField()
    ballots = serializers.IntegerField()
    vacant = serializers.IntegerField()
    results = ResultSerializer(many=True)


class ElectionResultsSerializer(serializers.Serializer):
    election = serializers.IntegerField()
    seed = serializers.CharField()
    seed_sha256 = serializers.CharField()
    chambers = ChamberResultSerializer(many=True)


class ElectionResults(APIView):
    """The count per candidate and the elected, per chamber; after the count."""

    @extend_schema(responses={200: ElectionResultsSerializer, 403: None, 409: None})
    def get(self, request, pk: int):
        election = _visible_election(request, pk)
        if election.phase() != Phase.COUNTED:
            raise Conflict(
                {"detail": [_("The results are published after voting closes and is counted.")]}
            )
        data = {
            "election": election.pk,
            "seed": election.seed,
            "seed_sha256": election.seed_sha256,
            "chambers": election_results(election),
        }
        return Response(ElectionResultsSerializer(data).data)

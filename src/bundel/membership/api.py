"""The membership API: the same services and permissions as the web pages."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from bundel.api.fields import iso_date
from bundel.registry.models import Board

from . import selectors, services
from .constants import AgreementKind, Kind, NoticeBy, State
from .models import Agreement, Membership


class AgreementSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="version.kind")
    version = serializers.CharField(source="version.version")

    def to_representation(self, agreement):
        """As DRF's walk over the fields writes it (a test holds it to that), straight."""
        version = agreement.version
        return {
            "kind": str(version.kind),
            "version": str(version.version),
            "signed_on": iso_date(agreement.signed_on),
            "signer": agreement.signer,
        }

    class Meta:
        model = Agreement
        fields = ["kind", "version", "signed_on", "signer"]


class MembershipSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.duo_number")
    board_name = serializers.CharField(source="board.display_name")
    agreements = AgreementSerializer(many=True)

    def to_representation(self, membership):
        """The fields below, read straight off the row: DRF's generic walk over them was
        most of a list's time. A test of the membership API holds it to DRF's output."""
        m, agreement = membership, self.fields["agreements"].child
        return {
            "id": m.pk,
            "board": str(m.board.duo_number),
            "board_name": str(m.board.display_name),
            "state": m.state,
            "is_founding": m.is_founding,
            "founding_since": iso_date(m.founding_since),
            "interested_on": iso_date(m.interested_on),
            "applied_on": iso_date(m.applied_on),
            "admitted_on": iso_date(m.admitted_on),
            "rejected_on": iso_date(m.rejected_on),
            "rejection_reason": m.rejection_reason,
            "notice_on": iso_date(m.notice_on),
            "notice_by": m.notice_by,
            "notice_reason": m.notice_reason,
            "ends_on": iso_date(m.ends_on),
            "ended_on": iso_date(m.ended_on),
            "agreements": [agreement.to_representation(a) for a in m.agreements.all()],
        }

    class Meta:
        model = Membership
        fields = [
            "id",
            "board",
            "board_name",
            "state",
            "is_founding",
            "founding_since",
            "interested_on",
            "applied_on",
            "admitted_on",
            "rejected_on",
            "rejection_reason",
            "notice_on",
            "notice_by",
            "notice_reason",
            "ends_on",
            "ended_on",
            "agreements",
        ]


class StartSerializer(serializers.Serializer):
    board = serializers.CharField(help_text="DUO number of the board")
    kind = serializers.ChoiceField(choices=Kind.choices)
    date = serializers.DateField(required=False, help_text="staff only; default today")


class DateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="staff only; default today")


class RejectSerializer(DateSerializer):
    reason = serializers.CharField()


class NoticeSerializer(DateSerializer):
    by = serializers.ChoiceField(choices=NoticeBy.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    version = serializers.CharField()
    signed_on = serializers.DateField(required=False)
    signer = serializers.CharField()


class SettlementSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="default: the amount computed from the open commitments",
    )
    adjustment_reason = serializers.CharField(required=False, default="", allow_blank=True)
    basis = serializers.CharField(required=False, default="", allow_blank=True)
    decided_on = serializers.DateField()


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(
    parameters=[OpenApiParameter("state", str, enum=State.values)],
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Memberships: a board contact sees and acts for its own board; staff for all."""

    serializer_class = MembershipSerializer
    # Only digits reach the view: any other id is no URL of the API (a 404, never a 500).
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        memberships = selectors.memberships_visible_to(self.request.user).prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.select_related("version"))
        )
        # The `state` filter is the list's: an action answers with its membership in the
        # state it leaves it in, whatever the query string says.
        state = self.request.query_params.get("state") if self.action == "list" else None
        if state:
            if state not in State.values:
                raise ValidationError(
                    {
                        "state": _("Unknown state %(s)r; choose from: %(c)s.")
                        % {"s": state, "c": ", ".join(State.values)}
                    }
                )
            memberships = memberships.filter(state=state)
        return memberships.order_by("pk")

    def _respond(self, membership: Membership, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=membership.pk)
        return Response(MembershipSerializer(fresh).data, status=code)

    @extend_schema(request=StartSerializer, responses={201: MembershipSerializer})
    def create(self, request):
        data = _valid(StartSerializer, request)
        board = Board.objects.filter(duo_number=data["board"]).first()
        if board is None:
            raise ValidationError(
                {"board": _("No board with DUO number %(n)s.") % {"n": data["board"]}}
            )
        membership = services.membership_start(
            board=board, kind=data["kind"], by=request.user, on=data.get("date")
        )
        return self._respond(membership, status.HTTP_201_CREATED)

    def _membership(self) -> Membership:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _transition(self, request, serializer_class, service, **renames):
        data = _valid(serializer_class, request)
        on = data.pop("date", None)
        arguments = {renames.get(key, key): value for key, value in data.items()}
        membership = service(membership=self._membership(), by=request.user, on=on, **arguments)
        return self._respond(membership)

    @extend_schema(request=DateSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return self._transition(request, DateSerializer, services.membership_apply)

    @extend_schema(request=DateSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def admit(self, request, pk=None):
        return self._transition(request, DateSerializer, services.membership_admit)

    @extend_schema(request=RejectSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, RejectSerializer, services.membership_reject)

    @extend_schema(request=DateSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def founding(self, request, pk=None):
        return self._transition(request, DateSerializer, services.membership_mark_founding)

    @extend_schema(request=NoticeSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        return self._transition(
            request, NoticeSerializer, services.membership_give_notice, by="notice_by"
        )

    @extend_schema(request=DateSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-notice")
    def withdraw_notice(self, request, pk=None):
        return self._transition(request, DateSerializer, services.membership_withdraw_notice)

    @extend_schema(request=AgreementInSerializer, responses={201: MembershipSerializer})
    @action(detail=True, methods=["post"])
    def agreements(self, request, pk=None):
        data = _valid(AgreementInSerializer, request)
        membership = self._membership()
        services.agreement_sign(
            membership=membership,
            kind=data["kind"],
            version=data["version"],
            signed_on=data.get("signed_on"),
            signer=data["signer"],
            by=request.user,
        )
        return self._respond(membership, status.HTTP_201_CREATED)

    @extend_schema(request=SettlementSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def settlement(self, request, pk=None):
        data = _valid(SettlementSerializer, request)
        membership = self._membership()
        services.settlement_record(membership=membership, by=request.user, **data)
        return self._respond(membership)

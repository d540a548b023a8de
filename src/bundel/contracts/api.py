"""The framework contracts' JSON API: contracts with their rates (who sees which:
`selectors.contracts_visible_to`), a board joining, call-offs. The same services as the
pages; a contract a person may not see answers 404, a broken rule 400 (409 for a state
clash) with the rule's `code` and `params`."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.response import Response

from bundel.registry.models import Board

from . import selectors, services
from .models import CallOff, ContractParticipant, ContractRate, FrameworkContract

MONEY = {"max_digits": 14, "decimal_places": 2}


class RateSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    capacity = serializers.CharField(source="capacity.code")
    capacity_label = serializers.CharField(source="capacity.label")
    catalogue_price = serializers.DecimalField(
        source="capacity.monthly_price", max_digits=10, decimal_places=2
    )

    class Meta:
        model = ContractRate
        fields = [
            "product",
            "product_name",
            "capacity",
            "capacity_label",
            "monthly_rate",
            "catalogue_price",
        ]


class ContractSerializer(serializers.ModelSerializer):
    tender = serializers.IntegerField(source="lot.tender_id")
    tender_title = serializers.CharField(source="lot.tender.title")
    lot = serializers.IntegerField(source="lot.number")
    lot_title = serializers.CharField(source="lot.title")
    status = serializers.SerializerMethodField(help_text="upcoming, running or ended (today)")
    used = serializers.DecimalField(
        **MONEY, help_text="what the call-offs use of the maximum, in its unit (EUR or count)"
    )
    headroom = serializers.DecimalField(**MONEY, help_text="the maximum minus what is used")
    participant_count = serializers.IntegerField(help_text="boards taking part")
    takes_part = serializers.BooleanField(help_text="the user's board takes part")
    rates = RateSerializer(many=True)

    class Meta:
        model = FrameworkContract
        fields = [
            "id",
            "reference",
            "tender",
            "tender_title",
            "lot",
            "lot_title",
            "supplier_name",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "maximum_kind",
            "maximum_value",
            "maximum_quantity",
            "used",
            "headroom",
            "participant_count",
            "takes_part",
            "rates",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "running", "ended"]))
    def get_status(self, contract) -> str:
        return contract.status(timezone.localdate()).value


class ParticipantSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.reference")
    board = serializers.CharField(source="board.duo_number")
    board_name = serializers.CharField(source="board.name")

    class Meta:
        model = ContractParticipant
        fields = ["contract", "board", "board_name", "joined_on", "joined_later"]


class CallOffSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.reference")
    board = serializers.CharField(source="board.duo_number")
    product = serializers.CharField(source="product.code")
    capacity = serializers.CharField(source="capacity.code")

    class Meta:
        model = CallOff
        fields = [
            "id",
            "contract",
            "board",
            "product",
            "capacity",
            "quantity",
            "monthly_rate",
            "yearly_value",
            "starts_on",
            "placed_at",
        ]


class CallOffLineSerializer(serializers.Serializer):
    product = serializers.CharField(help_text="product code, e.g. connectivity")
    capacity = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="capacity code; may be left out when the contract has one rate for the product",
    )
    quantity = serializers.IntegerField(min_value=1, default=1)


class JoinSerializer(serializers.Serializer):
    board = serializers.CharField(required=False, help_text="DUO number; default: your own board")
    lines = CallOffLineSerializer(
        many=True, required=False, help_text="call off at once (within the headroom)"
    )


class CallOffInSerializer(serializers.Serializer):
    board = serializers.CharField(required=False, help_text="DUO number; default: your own board")
    lines = CallOffLineSerializer(many=True, allow_empty=True)
    start = serializers.DateField(required=False, help_text="from; default today")


class CallOffResultSerializer(serializers.Serializer):
    call_offs = CallOffSerializer(many=True)
    used = serializers.DecimalField(**MONEY)
    headroom = serializers.DecimalField(**MONEY)


def _board(request, number: str | None) -> Board:
    if not number:
        if request.user.board_id:
            return request.user.board
        raise ValidationError({"board": [_("Name the board (its DUO number).")]})
    board = Board.objects.filter(duo_number=number.strip()).first()
    if board is None:
        raise ValidationError(
            {"board": [_("No board with DUO number %(numbers)s.") % {"numbers": number}]}
        )
    return board


def _lines(data) -> list[services.CallOffLine]:
    return [
        services.CallOffLine(line["product"], line["capacity"] or None, line["quantity"])
        for line in data
    ]


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Framework contracts with their rates. Staff see every contract; people of member
    boards the running ones and those their board takes part in; a supplier its own;
    anyone else none."""

    serializer_class = ContractSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        user = self.request.user
        return selectors.with_rates(selectors.contracts_list(user=user))

    def _require_login(self):
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()

    @extend_schema(
        methods=["GET"],
        responses=ParticipantSerializer(many=True),
        description="The boards taking part that you may see (staff and the supplier: all; "
        "a board: its own).",
    )
    @extend_schema(
        methods=["POST"],
        request=JoinSerializer,
        responses={201: ParticipantSerializer},
        description="A member board joins the contract (until its last day, while headroom "
        "is left), optionally calling off at once.",
        examples=[OpenApiExample("A board joins", value={"board": "41211"}, request_only=True)],
    )
    @action(detail=True, methods=["get", "post"], url_path="participants")
    def participants(self, request, pk=None):
        self._require_login()
        contract = self.get_object()
        if request.method == "GET":
            rows = selectors.contract_participants(contract=contract, user=request.user)
            return Response(ParticipantSerializer(rows, many=True).data)
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        participant = services.contract_join(
            contract=contract,
            board=_board(request, data.get("board")),
            by=request.user,
            lines=_lines(data.get("lines", [])),
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses=CallOffSerializer(many=True),
        description="The call-offs you may see: a board its own, the supplier and staff all.",
    )
    @extend_schema(
        methods=["POST"],
        request=CallOffInSerializer,
        responses={201: CallOffResultSerializer},
        description="A participating board orders under the contract; refused as a whole "
        "(400, code `maximum`, with the headroom left) when it would pass the maximum.",
        examples=[
            OpenApiExample(
                "Call off",
                value={
                    "board": "41211",
                    "lines": [
                        {"product": "connectivity", "capacity": "1g", "quantity": 2},
                        {"product": "security", "quantity": 2},
                    ],
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get", "post"], url_path="call-offs")
    def call_offs(self, request, pk=None):
        self._require_login()
        contract = self.get_object()
        if request.method == "GET":
            rows = selectors.contract_call_offs(contract=contract, user=request.user)
            return Response(CallOffSerializer(rows, many=True).data)
        serializer = CallOffInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placed = services.call_off_place(
            contract=contract,
            board=_board(request, data.get("board")),
            lines=_lines(data["lines"]),
            by=request.user,
            on=data.get("start"),
        )
        fresh = FrameworkContract.objects.get(pk=contract.pk)
        used = Decimal(services.used(fresh))
        result = {"call_offs": placed, "used": used, "headroom": Decimal(fresh.maximum) - used}
        return Response(CallOffResultSerializer(result).data, status=status.HTTP_201_CREATED)

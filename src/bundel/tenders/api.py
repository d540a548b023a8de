"""The tenders' JSON API: tenders to read (who sees which: `tenders_visible_to`), the
award simulation for staff, a board's demand (`/tenders/{id}/participations/`) and the
bundled demand (`/tenders/{id}/demand/`)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from bundel.api.permissions import IsStaff
from bundel.registry.models import Board

from . import selectors, services
from .award import simulate
from .bundling import bundled_demand
from .constants import AwardMethod
from .models import AwardCriterion, DemandLine, Lot, Participation, Tender


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class SimulatedBidSerializer(serializers.Serializer):
    bidder = serializers.CharField(max_length=200)
    price = _decimal(help_text="EUR, more than 0")
    scores = serializers.DictField(
        child=_decimal(), help_text="a score for every criterion, by the criterion's name"
    )


class PointsCriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    weight = _decimal()
    scale_max = _decimal(help_text="scores run from 0 to this")


class ValueCriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_value = _decimal(help_text="EUR earned by a score at the scale's maximum")
    scale_min = _decimal(help_text="a score here earns nothing")
    scale_max = _decimal()


class PointsSimulationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=[AwardMethod.POINTS.value])
    price_weight = _decimal(help_text="with the criteria weights it adds up to 100")
    criteria = PointsCriterionSerializer(many=True)
    bids = SimulatedBidSerializer(many=True)


class ValueSimulationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=[AwardMethod.VALUE.value])
    criteria = ValueCriterionSerializer(many=True)
    bids = SimulatedBidSerializer(many=True)


class PointsResultSerializer(serializers.Serializer):
    bidder = serializers.CharField()
    rank = serializers.IntegerField(help_text="equal totals share a rank")
    price = _decimal()
    price_points = _decimal(help_text="lowest price / this price x price weight")
    quality_points = serializers.DictField(
        child=_decimal(), help_text="score / scale maximum x weight, by criterion"
    )
    quality_total = _decimal()
    total = _decimal(help_text="the highest total wins")


class ValueResultSerializer(serializers.Serializer):
    bidder = serializers.CharField()
    rank = serializers.IntegerField(help_text="equal fictitious prices share a rank")
    price = _decimal()
    earned_values = serializers.DictField(
        child=_decimal(), help_text="EUR earned per criterion (linear over its scale)"
    )
    total_value = _decimal()
    fictitious_price = _decimal(help_text="price - total value; the lowest wins")


class PointsRankingSerializer(serializers.Serializer):
    method = serializers.CharField()
    ranking = PointsResultSerializer(many=True, source="results")


class ValueRankingSerializer(serializers.Serializer):
    method = serializers.CharField()
    ranking = ValueResultSerializer(many=True, source="results")


REQUESTS = {
    AwardMethod.POINTS: (PointsSimulationSerializer, PointsRankingSerializer),
    AwardMethod.VALUE: (ValueSimulationSerializer, ValueRankingSerializer),
}

ISSUE_EXAMPLE = {
    "method": "points",
    "price_weight": 60,
    "criteria": [{"name": "Quality", "weight": 40, "scale_max": 10}],
    "bids": [
        {"bidder": "A", "price": "100000.00", "scores": {"Quality": 5}},
        {"bidder": "B", "price": "120000.00", "scores": {"Quality": 10}},
    ],
}


class AwardSimulationView(APIView):
    """Try an award method on hypothetical bids before a tender is published: the ranking
    with every figure of the method, rounded to cents. Staff only; nothing is stored."""

    permission_classes = [IsStaff]
    parser_classes = [JSONParser]

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="AwardSimulationRequest",
            serializers={
                AwardMethod.POINTS.value: PointsSimulationSerializer,
                AwardMethod.VALUE.value: ValueSimulationSerializer,
            },
            resource_type_field_name="method",
        ),
        responses=PolymorphicProxySerializer(
            component_name="AwardSimulationResult",
            serializers={
                AwardMethod.POINTS.value: PointsRankingSerializer,
                AwardMethod.VALUE.value: ValueRankingSerializer,
            },
            resource_type_field_name="method",
        ),
        examples=[OpenApiExample("Weighted points", value=ISSUE_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        method = request.data.get("method") if isinstance(request.data, dict) else None
        if method not in REQUESTS:
            choices = ", ".join(AwardMethod.values)
            message = _("Choose the award method: %(choices)s.") % {"choices": choices}
            raise ValidationError({"method": [message]})
        request_serializer, result_serializer = REQUESTS[method]
        serializer = request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ranking = simulate(**serializer.validated_data)  # RuleViolation: 400 with its code
        return Response(result_serializer(ranking).data)


# --- tenders ------------------------------------------------------------------------


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = ["number", "title", "description"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardCriterion
        fields = ["name", "weight", "scale_min", "scale_max", "max_value"]


class TenderSerializer(serializers.ModelSerializer):
    product_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    lots = LotSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    european_procedure_required = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="by the EU threshold of the notice date; null when none is set for it",
    )

    class Meta:
        model = Tender
        fields = [
            "id",
            "title",
            "description",
            "product_groups",
            "procedure",
            "estimated_value",
            "european_procedure_required",
            "state",
            "notice_date",
            "published_on",
            "demand_deadline",
            "requests_deadline",
            "invitation_date",
            "closing_at",
            "electronic",
            "documents_online",
            "award_method",
            "price_weight",
            "criteria",
            "lots",
            "award_decision_on",
            "cancel_reason",
        ]


# --- demand registration and the bundled demand --------------------------------------


class DemandLineInSerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, help_text="the lot's number")
    location = serializers.CharField(max_length=6, help_text="location code, e.g. 02FY00")
    product = serializers.CharField(max_length=40, help_text="product code, e.g. connectivity")
    capacity = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="capacity code, e.g. 1g; may be left out when the product has one option",
    )
    start = serializers.DateField(help_text="wished start")


class ParticipationInSerializer(serializers.Serializer):
    board = serializers.RegexField(r"^\d{5}$", help_text="the board's DUO number")
    lines = DemandLineInSerializer(
        many=True,
        allow_empty=True,
        help_text="replace the board's lines as a whole; none: the board withdraws",
    )


class DemandLineSerializer(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="lot.number")
    location = serializers.CharField(source="location.code")
    product = serializers.CharField(source="product.code")
    capacity = serializers.CharField(source="capacity.code")

    class Meta:
        model = DemandLine
        fields = ["lot", "location", "product", "capacity", "start"]


class ParticipationSerializer(serializers.ModelSerializer):
    tender = serializers.IntegerField(source="tender_id")
    board = serializers.CharField(source="board.duo_number")
    lines = DemandLineSerializer(many=True)

    class Meta:
        model = Participation
        fields = ["id", "tender", "board", "lines", "created_at", "changed_at"]


class FiguresSerializer(serializers.Serializer):
    locations = serializers.IntegerField()
    boards = serializers.IntegerField()
    pupils = serializers.IntegerField(help_text="at the latest count date; a location once")
    value = _decimal(help_text="EUR a year at catalogue prices (12 x the monthly price)")


class ProvinceFiguresSerializer(serializers.Serializer):
    province = serializers.CharField()
    locations = serializers.IntegerField(source="figures.locations")
    boards = serializers.IntegerField(source="figures.boards")
    pupils = serializers.IntegerField(source="figures.pupils")
    value = _decimal(source="figures.value")


class ProductDemandSerializer(serializers.Serializer):
    product = serializers.CharField(source="product.code")
    capacity = serializers.CharField(source="capacity.code")
    locations = serializers.IntegerField(source="figures.locations")
    boards = serializers.IntegerField(source="figures.boards")
    pupils = serializers.IntegerField(source="figures.pupils")
    value = _decimal(source="figures.value")


class ProductDemandByProvinceSerializer(ProductDemandSerializer):
    provinces = ProvinceFiguresSerializer(many=True)


class LotDemandSerializer(serializers.Serializer):
    lot = serializers.IntegerField(source="lot.number")
    title = serializers.CharField(source="lot.title")
    locations = serializers.IntegerField(source="figures.locations", help_text="distinct")
    boards = serializers.IntegerField(source="figures.boards")
    pupils = serializers.IntegerField(source="figures.pupils", help_text="a location once")
    value = _decimal(source="figures.value")
    products = ProductDemandSerializer(many=True)


class LotDemandByProvinceSerializer(LotDemandSerializer):
    products = ProductDemandByProvinceSerializer(many=True)
    provinces = ProvinceFiguresSerializer(many=True)


class OptionalDemandSerializer(serializers.Serializer):
    product = serializers.CharField(source="product.code")
    locations = serializers.IntegerField(help_text="distinct locations, in any lot")
    threshold = serializers.IntegerField(allow_null=True, help_text="locations needed")
    reached = serializers.BooleanField()


class DemandSerializer(serializers.Serializer):
    tender = serializers.IntegerField(source="tender.pk")
    count_dates = serializers.DictField(child=serializers.DateField())
    lots = LotDemandSerializer(many=True)
    totals = FiguresSerializer(help_text="each location once, whatever its lots")
    optional_services = OptionalDemandSerializer(many=True, source="optional")


class DemandByProvinceSerializer(DemandSerializer):
    lots = LotDemandByProvinceSerializer(many=True)
    provinces = ProvinceFiguresSerializer(many=True)


class TenderViewSet(viewsets.ReadOnlyModelViewSet):
    """Tenders: staff see every tender; people of member boards also those open for
    demand registration; anyone else those published (and later)."""

    serializer_class = TenderSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        tenders = selectors.tenders_visible_to(self.request.user)
        if self.action in ("participations", "demand"):
            return tenders
        return selectors.with_details(tenders)

    @extend_schema(
        methods=["GET"],
        responses=ParticipationSerializer(many=True),
        description="The boards' demand for the tender: staff see every board's, a board's "
        "people their own board's.",
    )
    @extend_schema(
        methods=["POST"],
        request=ParticipationInSerializer,
        responses={201: ParticipationSerializer, 200: ParticipationSerializer},
        examples=[
            OpenApiExample(
                "Connectivity with the security it requires",
                request_only=True,
                value={
                    "board": "41211",
                    "lines": [
                        {
                            "lot": 1,
                            "location": "02FY00",
                            "product": "connectivity",
                            "capacity": "1g",
                            "start": "2027-08-01",
                        },
                        {
                            "lot": 1,
                            "location": "02FY00",
                            "product": "security",
                            "start": "2027-08-01",
                        },
                    ],
                },
            )
        ],
        description="Register (201) or change (200) a member board's demand: the lines "
        "replace its lines as a whole. 400 names the line and the rule (`code`, `params`); "
        "403 for anyone but the board's contact or staff, and for a board that is not a "
        "member; 409 outside demand registration or after its deadline.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="participations",
        parser_classes=[JSONParser],
        permission_classes=[permissions.IsAuthenticated],
    )
    def participations(self, request, pk=None):
        if request.method == "GET":
            tender = self.get_object()
            participations = selectors.with_lines(
                selectors.participations_visible_to(request.user).filter(tender=tender)
            ).order_by("board__duo_number")
            page = self.paginate_queryset(participations)
            return self.get_paginated_response(ParticipationSerializer(page, many=True).data)
        body = ParticipationInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        board = Board.objects.filter(duo_number=body.validated_data["board"]).first()
        if board is None:
            if not request.user.is_cooperative_staff:
                raise DRFPermissionDenied(_("You do not act for this board."))
            raise ValidationError({"board": [_("There is no board with this DUO number.")]})
        # Who may register comes first: a board that is not a member learns nothing of
        # tenders it cannot see.
        services.check_may_register(request.user, board)
        tender = self.get_object()
        existed = Participation.objects.filter(tender=tender, board=board).exists()
        participation = services.participation_register(
            tender=tender,
            board=board,
            lines=[services.DemandLineInput(**line) for line in body.validated_data["lines"]],
            by=request.user,
        )
        return Response(
            ParticipationSerializer(participation).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "provinces", bool, description="also the figures per province (default: no)"
            )
        ],
        responses={200: DemandByProvinceSerializer},
        description="The bundled demand, live: per lot and per product and capacity the "
        "locations, boards, pupils (each location once per lot, at the latest count date) "
        "and the yearly value at catalogue prices; the totals (each location once); the "
        "optional services against their demand thresholds. Staff and the boards taking "
        "part.",
    )
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def demand(self, request, pk=None):
        tender = self.get_object()
        if not selectors.demand_visible_to(request.user, tender):
            raise DRFPermissionDenied(
                _("The bundled demand is for the cooperative's staff and the boards taking part.")
            )
        provinces = request.query_params.get("provinces", "").lower() in ("1", "true", "yes")
        result = bundled_demand(tender, provinces=provinces)
        serializer = DemandByProvinceSerializer if provinces else DemandSerializer
        return Response(serializer(result).data)

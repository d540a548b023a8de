"""The tenders' JSON API: tenders to read (who sees which: `tenders_visible_to`) and the
award simulation for staff."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .award import simulate
from .constants import AwardMethod
from .models import AwardCriterion, Lot, Tender


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_cooperative_staff)


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


class TenderViewSet(viewsets.ReadOnlyModelViewSet):
    """Tenders: staff see every tender; people of member boards also those open for
    demand registration; anyone else those published (and later)."""

    serializer_class = TenderSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.with_details(selectors.tenders_visible_to(self.request.user))

"""The catalogue's JSON API: public, read-only."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from .models import CapacityOption, Product, ProductRule


class CapacitySerializer(serializers.ModelSerializer):
    class Meta:
        model = CapacityOption
        fields = ["code", "label", "monthly_price"]


class SurchargesSerializer(serializers.Serializer):
    purchasing_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="purchasing_surcharge"
    )
    service_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="service_surcharge"
    )
    factor = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        source="surcharge_factor",
        help_text="1 + both surcharges: the catalogue price times this is the monthly charge",
    )


class ProductSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.code")
    group_name = serializers.CharField(source="group.name")
    group_status = serializers.CharField(source="group.status")
    name = serializers.CharField()
    description = serializers.CharField()
    includes = serializers.CharField()
    is_orderable = serializers.BooleanField()
    capacities = CapacitySerializer(many=True)
    surcharges = SurchargesSerializer(source="*")
    requires = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "description",
            "includes",
            "group",
            "group_name",
            "group_status",
            "lifecycle",
            "is_orderable",
            "capacities",
            "min_term_months",
            "surcharges",
            "is_optional",
            "demand_threshold",
            "requires",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_requires(self, product) -> list[str]:
        return [rule.required.code for rule in product.rules.all()]


class ProductList(generics.ListAPIView):
    """The service catalogue: every product with its capacities, prices, minimum term,
    surcharges and what it requires at the same location. Only `available` can be ordered."""

    serializer_class = ProductSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return Product.objects.select_related("group").prefetch_related(
            "capacities",
            Prefetch("rules", queryset=ProductRule.objects.select_related("required")),
        )

"""The subscriptions API: ordering, subscriptions, costs and migration waves of a board.

The same services and visibility as the pages. A board's paths answer 404 to anyone who
may not see its subscriptions, whether or not the board exists (guessing tells nothing).
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bundel.api.fields import iso_date
from bundel.registry.models import Board

from . import selectors, services
from .models import CapacityChange, MigrationWave, Subscription

# -- serializers ---------------------------------------------------------------------------


class CapacityChangeSerializer(serializers.ModelSerializer):
    old_capacity = serializers.CharField(source="old_capacity.code")
    new_capacity = serializers.CharField(source="new_capacity.code")

    class Meta:
        model = CapacityChange
        fields = ["date", "old_capacity", "new_capacity", "old_price", "new_price"]


DECIMALS = ("monthly_price", "surcharge_factor", "monthly_charge")


class SubscriptionSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.duo_number")
    location = serializers.CharField(source="location.code")
    location_name = serializers.CharField(source="location.name")
    product = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    capacity = serializers.CharField(source="capacity.code")
    capacity_label = serializers.CharField(source="capacity.label")
    monthly_charge = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="price per month times the surcharge factor"
    )
    changes = CapacityChangeSerializer(many=True)

    def to_representation(self, subscription):
        """The fields above, read straight off the row: DRF's generic walk over its 19
        fields (and each change's 5) was most of a list's time. The test of the
        subscriptions API holds it to DRF's own output."""
        s, fields = subscription, self.fields
        decimal = {name: fields[name].to_representation for name in DECIMALS}
        change = self.fields["changes"].child.fields
        return {
            "id": s.pk,
            "board": str(s.board.duo_number),
            "location": str(s.location.code),
            "location_name": str(s.location.name),
            "product": str(s.product.code),
            "product_name": str(s.product.name),
            "capacity": str(s.capacity.code),
            "capacity_label": str(s.capacity.label),
            "state": str(s.state),
            "monthly_price": decimal["monthly_price"](s.monthly_price),
            "surcharge_factor": decimal["surcharge_factor"](s.surcharge_factor),
            "monthly_charge": decimal["monthly_charge"](s.monthly_charge),
            "wished_start": iso_date(s.wished_start),
            "active_on": iso_date(s.active_on),
            "ends_on": iso_date(s.ends_on),
            "ended_on": iso_date(s.ended_on),
            "order": s.order_id,
            "wave": s.wave_id,
            "changes": [
                {
                    "date": iso_date(c.date),
                    "old_capacity": str(c.old_capacity.code),
                    "new_capacity": str(c.new_capacity.code),
                    "old_price": change["old_price"].to_representation(c.old_price),
                    "new_price": change["new_price"].to_representation(c.new_price),
                }
                for c in s.changes.all()
            ],
        }

    class Meta:
        model = Subscription
        fields = [
            "id",
            "board",
            "location",
            "location_name",
            "product",
            "product_name",
            "capacity",
            "capacity_label",
            "state",
            "monthly_price",
            "surcharge_factor",
            "monthly_charge",
            "wished_start",
            "active_on",
            "ends_on",
            "ended_on",
            "order",
            "wave",
            "changes",
        ]


class OrderLineSerializer(serializers.Serializer):
    location = serializers.CharField(help_text="location code (vestiging), e.g. 16AH00")
    product = serializers.CharField(help_text="product code, e.g. connectivity")
    capacity = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="capacity code; may be left out when the product has one option",
    )
    start = serializers.DateField(help_text="wished start")


class OrderSerializer(serializers.Serializer):
    lines = OrderLineSerializer(many=True, allow_empty=True)


class OrderResultSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    subscriptions = SubscriptionSerializer(many=True)


class TerminateSerializer(serializers.Serializer):
    date = serializers.DateField()


class WaveCompleteSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="staff only; default today")


class CapacityInSerializer(serializers.Serializer):
    capacity = serializers.CharField(help_text="capacity code of the same product")
    date = serializers.DateField(help_text="from")


class CostLineSerializer(serializers.Serializer):
    location = serializers.CharField(source="subscription.location.code")
    product = serializers.CharField(source="subscription.product.code")
    capacity = serializers.CharField(
        source="subscription.capacity.code", help_text="the current capacity"
    )
    months = serializers.IntegerField(help_text="months of the year it runs on the first day of")
    monthly_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        source="subscription.monthly_price",
        help_text="the current price; `amount` follows the capacity changes",
    )
    surcharge_factor = serializers.DecimalField(
        max_digits=6, decimal_places=4, source="subscription.surcharge_factor"
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    state = serializers.CharField(source="subscription.state")


class CostsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    fee = serializers.DecimalField(max_digits=14, decimal_places=2)
    services = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    lines = CostLineSerializer(many=True)


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2017, max_value=2100, required=False)


class WaveSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.duo_number")
    locations = serializers.SerializerMethodField()

    class Meta:
        model = MigrationWave
        fields = ["id", "board", "name", "date", "state", "locations"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_locations(self, wave) -> list[str]:
        return sorted(location.code for location in wave.locations.all())


class WavePointSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="wave.pk")
    name = serializers.CharField(source="wave.name")
    date = serializers.DateField(source="wave.date")
    state = serializers.CharField(source="wave.state")
    locations = serializers.SerializerMethodField()
    location_count = serializers.IntegerField(source="locations")
    migrated_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        help_text="of the board's locations, in waves that are done, up to this one",
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_locations(self, point) -> list[str]:
        return list(point.codes)


class WaveInSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()
    locations = serializers.ListField(child=serializers.CharField(), allow_empty=True)


# -- helpers -------------------------------------------------------------------------------


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _board(request, duo_number: str) -> Board:
    """The board of the path if the user may see its services, else 404."""
    board = selectors.service_board(request.user, duo_number)
    if board is None:
        raise NotFound(_("No board with DUO number %(n)s.") % {"n": duo_number})
    return board


def _subscriptions(user):
    return (
        selectors.subscriptions_visible_to(user)
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=CapacityChange.objects.select_related(
                    "old_capacity", "new_capacity"
                ).order_by("date", "pk"),
            )
        )
        .order_by("location__code", "product__code", "pk")
    )


# What the subscriptions API shows of a subscription. The rest of the row and of its board,
# location (18 columns), product (16, with both descriptions) and capacity is never read
# there, and loading it was much of the work per row.
LISTED_COLUMNS = (
    "state",
    "monthly_price",
    "surcharge_factor",
    "wished_start",
    "active_on",
    "ends_on",
    "ended_on",
    "board",
    "order",
    "wave",
    "location__code",
    "location__name",
    "product__code",
    "product__name_nl",
    "product__name_en",
    "capacity__code",
    "capacity__label",
)


def _listed(user, board: Board | None = None):
    """Subscriptions as the lists show them, with only the columns the serializer reads;
    of one `board` without joining it (the caller gives each row that board)."""
    subscriptions = _subscriptions(user).select_related(None)
    related, columns = ["location", "product", "capacity"], list(LISTED_COLUMNS)
    if board is None:
        related.append("board")
        columns.append("board__duo_number")
    else:
        subscriptions = subscriptions.filter(board=board)
    return subscriptions.select_related(*related).only(*columns)


def _waves(user):
    return selectors.waves_visible_to(user).prefetch_related("locations")


# -- board paths ---------------------------------------------------------------------------


class BoardOrders(APIView):
    """Order services for locations of the board: accepted as a whole, or refused (400)
    with the broken rule's message, `code` and `params` when the rule has them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OrderSerializer, responses={201: OrderResultSerializer})
    def post(self, request, duo_number):
        board = _board(request, duo_number)
        data = _valid(OrderSerializer, request.data)
        lines = [
            services.OrderLine(
                location=line["location"],
                product=line["product"],
                capacity=line["capacity"] or None,
                start=line["start"],
            )
            for line in data["lines"]
        ]
        created = services.order_place(board=board, lines=lines, by=request.user)
        fresh = _subscriptions(request.user).filter(pk__in=[s.pk for s in created])
        result = {"order": created[0].order_id, "subscriptions": fresh}
        return Response(OrderResultSerializer(result).data, status=status.HTTP_201_CREATED)


class BoardSubscriptions(generics.ListAPIView):
    """The board's subscriptions with their capacity changes (history)."""

    serializer_class = SubscriptionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        self.board = _board(self.request, self.kwargs["duo_number"])
        return _listed(self.request.user, self.board)

    def list(self, request, *args, **kwargs):
        """A page is the same for everyone who may see the board's services: it is cached
        (`selectors.board_cached`) with the board's count, and only the links to the
        pages around it are written per request."""
        queryset = self.get_queryset()
        paginator = self.paginator
        parts = (self.board.pk, _page_key(request, paginator), paginator.get_page_size(request))
        parts += (get_language(),)

        def compute():  # a page that is not there raises (NotFound), and is not cached
            rows = paginator.paginate_queryset(queryset, request, view=self)
            for subscription in rows:
                subscription.board = self.board  # the path's board is every row's
            data = self.get_serializer(rows, many=True).data
            return paginator.page.paginator.count, paginator.page.number, list(data)

        cached = selectors.board_cached("subscriptions.api_board_list", parts, compute)
        count, number, results = cached
        # What the paginator's links need of the page: its number, and the count.
        paginator.request = request
        paginator.page = Paginator(range(count), parts[2]).page(number)
        paginator.display_page_controls = paginator.template is not None and count > parts[2]
        return paginator.get_paginated_response(results)


def _page_key(request, paginator) -> int | str:
    """The page asked for as Django's paginator reads it (`int()` of the text, or "last"),
    so that each page has one cache entry however it is written. Text that is no number
    is kept as it is: the paginator refuses it (404), and a refusal is not cached."""
    raw = request.query_params.get(paginator.page_query_param) or "1"
    if raw in paginator.last_page_strings:
        return "last"
    try:
        return int(raw)
    except ValueError:
        return raw


class BoardCosts(APIView):
    """What the board pays in a year: the membership fee (when a member that year) plus
    every subscription's price times its surcharge factor for each month it runs on the
    first day of."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="default: this year")],
        responses=CostsSerializer,
    )
    def get(self, request, duo_number):
        board = _board(request, duo_number)
        year = _valid(YearSerializer, request.query_params).get("year")
        costs = selectors.board_costs(board, year or timezone.localdate().year, user=request.user)
        return Response(CostsSerializer(costs).data)


class BoardWaves(APIView):
    """The board's migration plan: its waves by date, with the share of its locations
    migrated; staff and the board's contacts plan a wave."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WavePointSerializer(many=True))
    def get(self, request, duo_number):
        board = _board(request, duo_number)
        points = selectors.board_migration(board, request.user)
        return Response(WavePointSerializer(points, many=True).data)

    @extend_schema(request=WaveInSerializer, responses={201: WaveSerializer})
    def post(self, request, duo_number):
        board = _board(request, duo_number)
        data = _valid(WaveInSerializer, request.data)
        wave = services.wave_create(
            board=board,
            name=data["name"],
            on=data["date"],
            locations=data["locations"],
            by=request.user,
        )
        fresh = _waves(request.user).get(pk=wave.pk)
        return Response(WaveSerializer(fresh).data, status=status.HTTP_201_CREATED)


# -- objects by id -------------------------------------------------------------------------


class SubscriptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Subscriptions the user may see (staff: all; a board's users: their board's)."""

    serializer_class = SubscriptionSerializer
    # Only digits reach the view: any other id is no URL of the API (a 404, never a 500).
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return _listed(self.request.user)
        return _subscriptions(self.request.user)  # the services read the rest

    def _respond(self, subscription: Subscription) -> Response:
        fresh = self.get_queryset().get(pk=subscription.pk)
        return Response(SubscriptionSerializer(fresh).data)

    @extend_schema(request=TerminateSerializer, responses=SubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """End the subscription on `date`; 400 while a product that requires it stays."""
        data = _valid(TerminateSerializer, request.data)
        subscription = get_object_or_404(self.get_queryset(), pk=pk)
        services.subscription_terminate(subscription=subscription, on=data["date"], by=request.user)
        return self._respond(subscription)

    @extend_schema(request=CapacityInSerializer, responses=SubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def capacity(self, request, pk=None):
        """Change the capacity (and so the price) from `date`."""
        data = _valid(CapacityInSerializer, request.data)
        subscription = get_object_or_404(self.get_queryset(), pk=pk)
        services.subscription_change_capacity(
            subscription=subscription, capacity=data["capacity"], on=data["date"], by=request.user
        )
        return self._respond(subscription)


class WaveViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Migration waves; the cooperative's staff start and complete them."""

    serializer_class = WaveSerializer
    # Only digits reach the view: any other id is no URL of the API (a 404, never a 500).
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return _waves(self.request.user).order_by("date", "pk")

    def _respond(self, wave: MigrationWave) -> Response:
        return Response(WaveSerializer(self.get_queryset().get(pk=wave.pk)).data)

    @extend_schema(request=None, responses=WaveSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The wave's planned subscriptions become migrating."""
        wave = get_object_or_404(self.get_queryset(), pk=pk)
        return self._respond(services.wave_start(wave=wave, by=request.user))

    @extend_schema(request=WaveCompleteSerializer, responses=WaveSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The wave's subscriptions become active on `date` (default today)."""
        data = _valid(WaveCompleteSerializer, request.data)
        wave = get_object_or_404(self.get_queryset(), pk=pk)
        return self._respond(
            services.wave_complete(wave=wave, by=request.user, on=data.get("date"))
        )

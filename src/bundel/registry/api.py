"""The registry's JSON API: public open data, read-only."""

from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .constants import Province, Sector, SectorType
from .models import Board, Location, PupilCount
from .summaries import registry_cached


class LocationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["code", "name", "place", "sector_type"]


class BoardListSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    place = serializers.CharField(source="main_place")
    sectors = serializers.SerializerMethodField()
    pupils = serializers.IntegerField(source="current_pupils", allow_null=True)
    locations_count = serializers.IntegerField(source="location_count")

    class Meta:
        model = Board
        fields = ["duo_number", "name", "place", "sectors", "pupils", "locations_count"]

    def get_sectors(self, board) -> str | None:
        return selectors.sector_of(has_po=board.has_po, has_vo=board.has_vo)


class BoardDetailSerializer(BoardListSerializer):
    pupils = serializers.SerializerMethodField()
    current_pupils = serializers.IntegerField(allow_null=True)
    pupils_by_sector_type = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = [
            "duo_number",
            "name",
            "place",
            "sectors",
            "pupils",
            "current_pupils",
            "pupils_by_sector_type",
            "street",
            "house_number",
            "postcode",
            "municipality",
            "kvk_number",
            "locations_count",
            "locations",
        ]

    def _by_date(self, board) -> list[selectors.PupilsAtDate]:
        if not hasattr(board, "_pupils_by_date"):
            board._pupils_by_date = selectors.board_pupils_by_date(board)
        return board._pupils_by_date

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_pupils(self, board) -> dict[str, int]:
        return {at.count_date.isoformat(): at.total for at in self._by_date(board)}

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "object"}})
    def get_pupils_by_sector_type(self, board) -> dict[str, dict[str, int]]:
        return {at.count_date.isoformat(): at.by_sector_type for at in self._by_date(board)}

    @extend_schema_field(LocationBriefSerializer(many=True))
    def get_locations(self, board) -> list[dict]:
        return LocationBriefSerializer(board.locations.order_by("code"), many=True).data


class PupilCountSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.duo_number", allow_null=True, default=None)

    class Meta:
        model = PupilCount
        fields = ["count_date", "sector_type", "pupils", "outsourced_vavo", "board"]


class LocationDetailSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.duo_number", allow_null=True, default=None)
    brin = serializers.CharField(source="school.brin")
    pupil_counts = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = [
            "code",
            "brin",
            "name",
            "board",
            "sector_type",
            "street",
            "house_number",
            "postcode",
            "place",
            "municipality_code",
            "municipality",
            "province",
            "denomination",
            "phone",
            "website",
            "education_structure",
            "pupil_counts",
        ]

    @extend_schema_field(PupilCountSerializer(many=True))
    def get_pupil_counts(self, location) -> list[dict]:
        return PupilCountSerializer(selectors.location_pupil_counts(location), many=True).data


def _choice(request, name: str, choices: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        raise ValidationError(
            {
                name: _("Unknown value %(value)r; choose from: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)}
            }
        )
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("search", str, description="name, DUO number, BRIN or place"),
        OpenApiParameter("sector", str, enum=[*Sector.values, *SectorType.values]),
        OpenApiParameter("province", str, enum=Province.values),
        OpenApiParameter("ordering", str, enum=["duo_number", "pupils"]),
    ]
)
class BoardList(generics.ListAPIView):
    """School boards (bevoegde gezagen) with their sectors and current pupils."""

    serializer_class = BoardListSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        request = self.request
        return selectors.board_list(
            user=request.user,
            search=request.query_params.get("search", ""),
            sector=_choice(request, "sector", [*Sector.values, *SectorType.values]),
            province=_choice(request, "province", Province.values),
            order=_choice(request, "ordering", ["duo_number", "pupils"]) or "duo_number",
        )

    def list(self, request, *args, **kwargs):
        """Cached under the registry's version per URL (filters, page, and the host the
        next/previous links name) and language: registry data is the same for everyone."""

        def page() -> dict:
            return dict(super(BoardList, self).list(request, *args, **kwargs).data)

        parts = (request.build_absolute_uri(), get_language())
        return Response(registry_cached("api-board-list", parts, page))


class BoardDetail(generics.RetrieveAPIView):
    """One board: its pupils per count date and its locations."""

    serializer_class = BoardDetailSerializer
    permission_classes = [AllowAny]
    lookup_field = "duo_number"

    def get_object(self):
        try:
            return selectors.board_detail(
                user=self.request.user, duo_number=self.kwargs["duo_number"]
            )
        except Board.DoesNotExist:
            number = self.kwargs["duo_number"]
            raise NotFound(_("No board with DUO number %(n)s.") % {"n": number}) from None

    def retrieve(self, request, *args, **kwargs):
        """Registry data, the same for everyone: cached per URL and language under the
        registry's version."""

        def board() -> dict:
            return dict(super(BoardDetail, self).retrieve(request, *args, **kwargs).data)

        parts = (request.build_absolute_uri(), get_language())
        return Response(registry_cached("api-board", parts, board))


class LocationDetail(generics.RetrieveAPIView):
    """One school location (vestiging) with its pupil counts."""

    serializer_class = LocationDetailSerializer
    permission_classes = [AllowAny]

    def get_object(self):
        try:
            return selectors.location_detail(user=self.request.user, code=self.kwargs["code"])
        except Location.DoesNotExist:
            code = self.kwargs["code"]
            raise NotFound(_("No location with code %(code)s.") % {"code": code}) from None


class TotalsSerializer(serializers.Serializer):
    count_date = serializers.DateField()
    boards = serializers.IntegerField()
    locations = serializers.IntegerField()
    pupils = serializers.IntegerField()
    po_pupils = serializers.IntegerField()
    vo_pupils = serializers.IntegerField()
    outsourced_vavo = serializers.IntegerField()
    outsourced_vavo_suppressed = serializers.IntegerField(
        help_text="vo locations whose VAVO figure DUO suppressed ('<5')"
    )
    pupils_suppressed = serializers.IntegerField()
    locations_without_board = serializers.IntegerField()
    pupils_without_board = serializers.IntegerField()
    by_sector_type = serializers.DictField(child=serializers.IntegerField())


class RegistryTotals(APIView):
    """National pupil totals at one count date (default: the latest)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("count_date", OpenApiTypes.DATE)],
        responses=TotalsSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("count_date")
        count_date = None
        if raw:
            try:
                count_date = date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({"count_date": _("Give a date as YYYY-MM-DD.")}) from None
        known = registry_cached("count-dates", None, selectors.count_dates)
        if count_date is None and known:
            count_date = known[0]
        if count_date not in known:
            raise NotFound(
                _("No pupil counts on %(date)s. Count dates in the registry: %(known)s.")
                % {
                    "date": count_date or "-",
                    "known": ", ".join(d.isoformat() for d in known) or "-",
                }
            )

        def totals() -> dict:
            return dict(TotalsSerializer(selectors.registry_totals(count_date)).data)

        return Response(registry_cached("api-totals", count_date, totals))

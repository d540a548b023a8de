"""Reading the registry. Registry data is public open data: everyone may read it.

A board's current place, sectors, locations and pupils come from its summary row
(`summaries.py`); its pupils at other count dates are derived here from the counts.
"""

from dataclasses import dataclass, fields
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES, Sector, SectorType
from .models import Board, Location, PupilCount
from .summaries import BoardFigures, registry_cached


def boards_visible_to(user) -> QuerySet[Board]:
    return Board.objects.all()


def locations_visible_to(user) -> QuerySet[Location]:
    return Location.objects.all()


def latest_count_dates(on: date | None = None) -> dict[str, date]:
    """Per sector type, its latest count date (on or before `on`).

    DUO publishes po and vo counts at different times, so 'the current pupils' of a
    board adds each sector type at its own latest count date.
    """
    counts = PupilCount.objects.all()
    if on is not None:
        counts = counts.filter(count_date__lte=on)
    rows = counts.values("sector_type").annotate(latest=Max("count_date"))
    return {row["sector_type"]: row["latest"] for row in rows}


def count_dates() -> list[date]:
    return list(
        PupilCount.objects.order_by("-count_date").values_list("count_date", flat=True).distinct()
    )


def with_registry_figures(boards: QuerySet[Board]) -> QuerySet[Board]:
    """Annotate each board with its place, sectors, locations and current pupils (as
    `main_place`, `has_po`, `has_vo`, `location_count`, `current_pupils`).

    They come from the board's summary row (kept by `summaries.py`): one join, so a page
    of boards is one plain query however many rows.
    """
    return boards.annotate(
        main_place=Coalesce(F("summary__main_place"), Value("")),
        location_count=Coalesce(F("summary__location_count"), 0),
        has_po=Coalesce(F("summary__has_po"), False),
        has_vo=Coalesce(F("summary__has_vo"), False),
        current_pupils=F("summary__current_pupils"),
    )


def board_figures(board: Board) -> BoardFigures:
    """One query."""
    row = (
        with_registry_figures(Board.objects.filter(pk=board.pk))
        .values(*(field.name for field in fields(BoardFigures)))
        .first()
    )
    return BoardFigures(**row) if row else BoardFigures()


def cached_board_figures(board: Board) -> BoardFigures:
    """`board_figures`, cached while the registry stays as it is: for pages. A rule reads
    `board_figures` in its own transaction."""
    return registry_cached("registry.board_figures", (board.pk,), lambda: board_figures(board))


def sector_of(*, has_po: bool, has_vo: bool) -> str | None:
    if has_po and has_vo:
        return Sector.BOTH
    if has_po:
        return Sector.PO
    if has_vo:
        return Sector.VO
    return None


def board_list(
    *,
    user,
    search: str = "",
    sector: str = "",
    province: str = "",
    order: str = "duo_number",
) -> QuerySet[Board]:
    boards = boards_visible_to(user)
    locations = Location.objects.filter(board=OuterRef("pk"))
    search = search.strip()
    if search:
        code = search.upper().replace(" ", "")
        boards = boards.filter(
            Q(name__icontains=search)
            | Q(duo_number__startswith=search)
            | Exists(
                locations.filter(
                    Q(code__startswith=code)
                    | Q(place__icontains=search)
                    | Q(name__icontains=search)
                )
            )
        )
    if province:
        boards = boards.filter(Exists(locations.filter(province=province)))
    if sector == Sector.PO:
        boards = boards.filter(summary__has_po=True, summary__has_vo=False)
    elif sector == Sector.VO:
        boards = boards.filter(summary__has_vo=True, summary__has_po=False)
    elif sector == Sector.BOTH:
        boards = boards.filter(summary__has_po=True, summary__has_vo=True)
    elif sector in SectorType.values:
        boards = boards.filter(Exists(locations.filter(sector_type=sector)))
    boards = with_registry_figures(boards)
    if order == "pupils":
        return boards.order_by(Coalesce("current_pupils", 0).desc(), "duo_number")
    return boards.order_by("duo_number")


@dataclass
class PupilsAtDate:
    count_date: date
    total: int
    by_sector_type: dict[str, int]
    outsourced_vavo: int


def board_pupils_by_date(board: Board) -> list[PupilsAtDate]:
    """The board's pupils per count date, as DUO reported the board at that date."""
    rows = (
        PupilCount.objects.filter(board=board)
        .values("count_date", "sector_type")
        .annotate(pupils=Sum("pupils"), vavo=Sum("outsourced_vavo"))
        .order_by("count_date", "sector_type")
    )
    result: dict[date, PupilsAtDate] = {}
    for row in rows:
        at = result.setdefault(row["count_date"], PupilsAtDate(row["count_date"], 0, {}, 0))
        at.total += row["pupils"] or 0
        at.by_sector_type[row["sector_type"]] = row["pupils"] or 0
        at.outsourced_vavo += row["vavo"] or 0
    return list(result.values())


def board_detail(*, user, duo_number: str) -> Board:
    """One board with its figures; raises Board.DoesNotExist."""
    boards = with_registry_figures(boards_visible_to(user).filter(duo_number=duo_number))
    return boards.get()


def board_locations(board: Board) -> QuerySet[Location]:
    latest = PupilCount.objects.filter(location=OuterRef("pk"), pupils__isnull=False).order_by(
        "-count_date"
    )
    return board.locations.annotate(
        latest_pupils=Subquery(latest.values("pupils")[:1]),
        latest_count_date=Subquery(latest.values("count_date")[:1]),
    ).order_by("code")


def location_detail(*, user, code: str) -> Location:
    return locations_visible_to(user).select_related("board", "school").get(code=code.upper())


def location_pupil_counts(location: Location) -> QuerySet[PupilCount]:
    return location.pupil_counts.select_related("board").order_by("-count_date", "sector_type")


def registry_totals(count_date: date | None = None) -> dict:
    """National figures at one count date (default: the latest)."""
    if count_date is None:
        count_date = (
            PupilCount.objects.order_by("-count_date").values_list("count_date", flat=True).first()
        )
    counts = PupilCount.objects.filter(count_date=count_date)
    by_type = {t: 0 for t in SectorType.values}
    vavo = 0
    for row in counts.values("sector_type").annotate(p=Sum("pupils"), v=Sum("outsourced_vavo")):
        by_type[row["sector_type"]] = row["p"] or 0
        vavo += row["v"] or 0
    figures = counts.aggregate(
        boards=Count("board", distinct=True),
        locations=Count("location", distinct=True),
        vavo_suppressed=Count("pk", filter=Q(sector_type=SectorType.VO, outsourced_vavo=None)),
        pupils_suppressed=Count("pk", filter=Q(pupils=None)),
        without_board=Count("location", distinct=True, filter=Q(board=None)),
        pupils_without_board=Coalesce(Sum("pupils", filter=Q(board=None)), 0),
    )
    return {
        "count_date": count_date,
        "boards": figures["boards"],
        "locations": figures["locations"],
        "pupils": sum(by_type.values()),
        "po_pupils": sum(by_type[t] for t in PO_SECTOR_TYPES),
        "vo_pupils": sum(by_type[t] for t in VO_SECTOR_TYPES),
        "outsourced_vavo": vavo,
        "outsourced_vavo_suppressed": figures["vavo_suppressed"],
        "pupils_suppressed": figures["pupils_suppressed"],
        "locations_without_board": figures["without_board"],
        "pupils_without_board": figures["pupils_without_board"],
        "by_sector_type": by_type,
    }

"""Each board's current figures, kept in `BoardSummary` so lists of boards read one row
per board instead of deriving them per request.

The figures, as DUO's data gives them:
- place: the place of the board's location with the most pupils at any count date (ties:
  the lowest location code); without pupil counts, the place of its first location;
- locations: how many locations the board has;
- sectors: whether it has po and/or vo locations;
- pupils: the sum of its pupil counts at each sector type's latest count date (DUO
  publishes po and vo at different times); none when it has no counts there.

`refresh_board_summaries()` recomputes them (all boards, or some) in a few grouped
queries and writes them with one upsert. The DUO import calls it for every board; saving
or deleting a single board, location or pupil count (the registry's services, the admin,
tests) refreshes what it touches through the signals connected in apps.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Sum
from django.utils import timezone

from bundel.core import versions

from .constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES

FIELDS = ("main_place", "location_count", "has_po", "has_vo", "current_pupils", "refreshed_at")


@dataclass
class BoardFigures:
    """A board's figures, as its summary row stores them (and `selectors.board_figures`
    reads them back)."""

    main_place: str = ""
    location_count: int = 0
    has_po: bool = False
    has_vo: bool = False
    current_pupils: int | None = None


def _latest_dates(PupilCount) -> dict[str, object]:
    rows = PupilCount.objects.values("sector_type").annotate(latest=Max("count_date"))
    return {row["sector_type"]: row["latest"] for row in rows.order_by()}


def compute_figures(
    board_ids: Iterable[int] | None, *, Board, Location, PupilCount
) -> dict[int, BoardFigures]:
    """The figures of the given boards (None: every board), by board id.

    The models are parameters so a migration can run this with its historical models.
    """
    boards = Board.objects.all()
    locations = Location.objects.all()
    counts = PupilCount.objects.filter(pupils__isnull=False)
    if board_ids is not None:
        ids = list(board_ids)
        boards = boards.filter(pk__in=ids)
        locations = locations.filter(board_id__in=ids)
        counts = counts.filter(board_id__in=ids)
    figures = {pk: BoardFigures() for pk in boards.values_list("pk", flat=True)}

    first_place: dict[int, str] = {}
    for board_id, place, sector_type in locations.order_by("board_id", "code").values_list(
        "board_id", "place", "sector_type"
    ):
        summary = figures.get(board_id)
        if summary is None:
            continue  # a location without a known board
        first_place.setdefault(board_id, place)
        summary.location_count += 1
        summary.has_po |= sector_type in PO_SECTOR_TYPES
        summary.has_vo |= sector_type in VO_SECTOR_TYPES

    largest: dict[int, tuple[int, str, str]] = {}
    for board_id, pupils, code, place in counts.values_list(
        "board_id", "pupils", "location__code", "location__place"
    ).order_by():
        best = largest.get(board_id)
        if best is None or (-pupils, code) < (-best[0], best[1]):
            largest[board_id] = (pupils, code, place)
    for board_id, summary in figures.items():
        if board_id in largest:
            summary.main_place = largest[board_id][2]
        else:
            summary.main_place = first_place.get(board_id, "")

    latest = _latest_dates(PupilCount)
    for sector_type, count_date in latest.items():
        rows = (
            counts.filter(sector_type=sector_type, count_date=count_date)
            .values("board_id")
            .annotate(total=Sum("pupils"))
            .order_by()
        )
        for row in rows:
            summary = figures.get(row["board_id"])
            if summary is not None:
                summary.current_pupils = (summary.current_pupils or 0) + row["total"]
    return figures


def refresh_board_summaries(board_ids: Iterable[int] | None = None, *, models=None) -> int:
    """Recompute and store the summaries of the given boards (None: all). Returns how many
    were written."""
    if models is None:
        from .models import Board, BoardSummary, Location, PupilCount
    else:
        Board, BoardSummary, Location, PupilCount = models
    figures = compute_figures(board_ids, Board=Board, Location=Location, PupilCount=PupilCount)
    now = timezone.now()
    BoardSummary.objects.bulk_create(
        [
            BoardSummary(board_id=pk, refreshed_at=now, **vars(figure))
            for pk, figure in figures.items()
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["board"],
        update_fields=list(FIELDS),
    )
    if models is None:  # (a migration, with its historical models, caches nothing)
        # Anything cached from the registry is out of date (now, and again at commit).
        versions.bump("registry")
    return len(figures)


# --- keeping them current on single saves (connected in apps.py) -------------------------


def board_saved(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the summaries come with the data or by a refresh afterwards
    refresh_board_summaries([instance.pk])


def location_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    boards = {instance.board_id, getattr(instance, "_board_id_before", instance.board_id)}
    boards.discard(None)
    if boards:
        refresh_board_summaries(boards)


def location_before_save(sender, instance, **kwargs) -> None:
    """Remember the board a location belonged to, so a move refreshes both boards."""
    if instance.pk is None or kwargs.get("raw"):
        return
    instance._board_id_before = (
        sender.objects.filter(pk=instance.pk).values_list("board_id", flat=True).first()
    )


def pupil_count_changed(sender, instance, **kwargs) -> None:
    """A count at a sector type's latest date may have moved that date for every board:
    then all summaries are refreshed; otherwise only the count's board."""
    if kwargs.get("raw"):
        return
    latest = _latest_dates(sender).get(instance.sector_type)
    count_date = instance.count_date
    if isinstance(count_date, str):  # as given to create(), before a reload
        count_date = date.fromisoformat(count_date)
    if latest is None or count_date >= latest:
        refresh_board_summaries()
    elif instance.board_id is not None:
        refresh_board_summaries([instance.board_id])


def board_deleted(sender, instance, **kwargs) -> None:
    """Its summary goes with it (cascade); the others are rewritten so the registry's
    version moves on."""
    refresh_board_summaries()


def registry_cached(name: str, parts, compute, *, under=()):
    """`compute()`, cached while the registry stays as it is (the "registry" version, moved
    on by every refresh of the summaries: an import, any save or delete of a board,
    location or pupil count), and the data versions in `under`: for anything derived from
    the registry (public data, the same for everyone). `parts` (repr-stable) tell one
    variant from another, e.g. the filters and the language."""
    return versions.cached(name, parts, compute, under=("registry", *under))

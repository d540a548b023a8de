"""BoardSummary: each board's current figures, kept by bundel.registry.summaries.

The oracle is the definition the figures had before they were stored: correlated
subqueries over locations and pupil counts (`reference_figures` below)."""

from datetime import date
from functools import reduce
from operator import or_

import pytest
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundel.core import versions
from bundel.registry import services
from bundel.registry.constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES, SectorType
from bundel.registry.models import Board, BoardSummary, Location, PupilCount, School
from bundel.registry.selectors import latest_count_dates, with_registry_figures
from bundel.registry.summaries import refresh_board_summaries
from tests.factories import BoardFactory, LocationFactory, PupilCountFactory, SchoolFactory

FIELDS = ("main_place", "location_count", "has_po", "has_vo", "current_pupils")


def _current_filter(dates: dict) -> Q:
    """Counts at each sector type's latest count date."""
    if not dates:
        return Q(pk__in=[])
    return reduce(or_, (Q(sector_type=t, count_date=d) for t, d in dates.items()))


def reference_figures() -> dict[int, tuple]:
    """The figures straight from the registry's rows, one correlated subquery each."""
    dates = latest_count_dates()
    locations = Location.objects.filter(board=OuterRef("pk"))
    largest = (
        PupilCount.objects.filter(board=OuterRef("pk"), pupils__isnull=False)
        .order_by("-pupils", "location__code")
        .values("location__place")[:1]
    )
    first_place = locations.order_by("code").values("place")[:1]
    counts = PupilCount.objects.filter(_current_filter(dates), board=OuterRef("pk"))
    current = counts.order_by().values("board").annotate(t=Sum("pupils")).values("t")[:1]
    location_count = locations.order_by().values("board").annotate(n=Count("pk")).values("n")[:1]
    rows = Board.objects.annotate(
        main_place=Coalesce(Subquery(largest), Subquery(first_place), Value("")),
        location_count=Coalesce(Subquery(location_count), 0),
        has_po=Exists(locations.filter(sector_type__in=PO_SECTOR_TYPES)),
        has_vo=Exists(locations.filter(sector_type__in=VO_SECTOR_TYPES)),
        current_pupils=Subquery(current, output_field=IntegerField()),
    ).values_list("pk", *FIELDS)
    return {pk: tuple(rest) for pk, *rest in rows}


def stored_figures() -> dict[int, tuple]:
    rows = with_registry_figures(Board.objects.all()).values_list("pk", *FIELDS)
    return {pk: tuple(rest) for pk, *rest in rows}


@pytest.mark.django_db
def test_the_shipped_registry_summaries_equal_the_reference(full_registry):
    assert BoardSummary.objects.count() == Board.objects.count() > 1000
    assert stored_figures() == reference_figures()


@pytest.mark.django_db
def test_a_no_change_reimport_keeps_the_version(full_registry, shipped_sources):
    from bundel.registry.duo.importer import import_duo_files

    before = versions.current("registry")
    report = import_duo_files(shipped_sources)

    assert not report.changed
    assert versions.current("registry") == before


sector_types = st.sampled_from([SectorType.BO, SectorType.SBO, SectorType.VO, SectorType.SO])
count_dates = st.sampled_from([date(2023, 10, 1), date(2024, 10, 1), date(2025, 10, 1)])
pupils = st.one_of(st.none(), st.integers(min_value=0, max_value=900))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    layout=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # which board
            sector_types,
            st.sampled_from(["ZWOLLE", "GOES", "EDE"]),
            st.lists(st.tuples(count_dates, pupils), max_size=3, unique_by=lambda c: c[0]),
        ),
        max_size=8,
    )
)
def test_single_saves_keep_every_summary_equal_to_the_reference(layout):
    """Whatever locations and counts are saved one by one (as the admin, the services and
    the tests do), every board's summary equals the figures derived from the rows."""
    PupilCount.objects.all().delete()
    Location.objects.all().delete()
    Board.objects.all().delete()
    School.objects.all().delete()
    boards = [BoardFactory() for _ in range(4)]
    for index, (board, sector_type, place, counts) in enumerate(layout):
        location = LocationFactory(
            board=boards[board],
            school=SchoolFactory(brin=f"Z{index:03d}"),
            code=f"Z{index:03d}00",
            sector_type=sector_type,
            place=place,
        )
        for count_date, n in counts:
            PupilCountFactory(location=location, count_date=count_date, pupils=n)
        assert stored_figures() == reference_figures()
    # A count removed at the latest date moves that date back for every board.
    for count in PupilCount.objects.order_by("-count_date")[:2]:
        count.delete()
        assert stored_figures() == reference_figures()


@pytest.mark.django_db
def test_a_location_moved_to_another_board_changes_both_summaries(staff):
    old, new = BoardFactory(), BoardFactory()
    location = LocationFactory(board=old, sector_type=SectorType.VO)
    PupilCountFactory(location=location, pupils=300)
    assert old.summary.location_count == 1

    location.board = new
    location.save()
    old.summary.refresh_from_db()
    new.summary.refresh_from_db()

    assert (old.summary.location_count, new.summary.location_count) == (0, 1)
    assert (old.summary.has_vo, new.summary.has_vo) == (False, True)


@pytest.mark.django_db
def test_a_changed_board_name_moves_the_registry_version_and_the_cached_list(client, staff):
    board = BoardFactory(name="Stichting Oud")
    first = client.get("/registry/boards/")
    version = versions.current("registry")

    services.board_update(board=board, by=staff, name="Stichting Nieuw")

    assert versions.current("registry") != version
    page = client.get("/registry/boards/").content.decode()
    assert "Stichting Nieuw" in page and "Stichting Oud" not in page
    assert "Stichting Oud" in first.content.decode()


@pytest.mark.django_db
def test_refresh_of_all_boards_writes_one_row_each_and_is_idempotent():
    boards = BoardFactory.create_batch(3)
    LocationFactory(board=boards[0])
    BoardSummary.objects.all().delete()

    assert refresh_board_summaries() == 3
    assert refresh_board_summaries() == 3
    assert BoardSummary.objects.count() == 3
    assert stored_figures() == reference_figures()


@pytest.mark.django_db
def test_the_board_page_shows_a_changed_location_at_once(client, staff):
    board = BoardFactory(duo_number="41211")
    location = LocationFactory(board=board, name="De Oude Naam")
    assert "De Oude Naam" in client.get("/registry/boards/41211/").content.decode()

    services.location_update(location=location, by=staff, name="De Nieuwe Naam")

    page = client.get("/registry/boards/41211/").content.decode()
    assert "De Nieuwe Naam" in page and "De Oude Naam" not in page


@pytest.mark.django_db
def test_the_board_and_totals_api_follow_a_new_pupil_count(client, django_assert_num_queries):
    board = BoardFactory(duo_number="41211")
    location = LocationFactory(board=board)
    PupilCountFactory(location=location, pupils=200, count_date=date(2019, 10, 1))
    url = "/api/v1/registry/totals/?count_date=2019-10-01"
    assert client.get(url).json()["pupils"] == 200
    assert client.get("/api/v1/boards/41211/").json()["current_pupils"] == 200
    with django_assert_num_queries(0):  # cached: the known count dates and the totals
        client.get(url)

    PupilCountFactory(
        location=LocationFactory(board=board), pupils=50, count_date=date(2019, 10, 1)
    )

    assert client.get(url).json()["pupils"] == 250
    assert client.get("/api/v1/boards/41211/").json()["current_pupils"] == 250

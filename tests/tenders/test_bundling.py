"""The bundled demand on the hand-computed example (tests/tenders/conftest.py: `example`),
a property test against a plain count of the lines, and bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundel.tenders import services
from bundel.tenders.bundling import Figures, bundled_demand
from bundel.tenders.models import Participation
from tests.factories import BoardFactory

from .factories import demand_tender, make_member, place


def figures(locations, boards, pupils, value) -> Figures:
    return Figures(locations, boards, pupils, Decimal(value))


def products(lot) -> dict[tuple[str, str], Figures]:
    return {(p.product.code, p.capacity.code): p.figures for p in lot.products}


def provinces(rows) -> dict[str, tuple[int, int, int]]:
    return {
        row.province: (row.figures.locations, row.figures.boards, row.figures.pupils)
        for row in rows
    }


def test_the_hand_computed_example(example, tender):
    demand = bundled_demand(tender)
    lot1, lot2 = demand.lots

    # Lot 1: A1, A2, B1; 100 + 300 + 50 pupils; (480 + 75 + 320 + 75 + 480 + 75) x 12.
    assert lot1.lot.number == 1
    assert lot1.figures == figures(3, 2, 450, "18060.00")
    assert products(lot1) == {
        ("connectivity", "500m"): figures(1, 1, 300, "3840.00"),
        ("connectivity", "1g"): figures(2, 2, 150, "11520.00"),
        ("security", "standard"): figures(3, 2, 450, "2700.00"),
    }
    # Lot 2: A1 (anti-spam only), B1 and B2 (so 20 + vso 30): each location once.
    assert lot2.figures == figures(3, 2, 200, "9900.00")
    assert products(lot2) == {
        ("connectivity", "100m"): figures(1, 1, 50, "2160.00"),
        ("connectivity", "1g"): figures(1, 1, 50, "5760.00"),
        ("security", "standard"): figures(2, 1, 100, "1800.00"),
        ("anti-spam", "standard"): figures(1, 1, 100, "180.00"),
    }
    # A1 and B1 are in both lots: the totals count them once.
    assert demand.totals == figures(4, 2, 500, "27960.00")


def test_the_figures_per_province(example, tender):
    demand = bundled_demand(tender)
    lot1, lot2 = demand.lots

    assert provinces(lot1.provinces) == {"Noord-Brabant": (1, 1, 300), "Utrecht": (2, 2, 150)}
    assert provinces(lot2.provinces) == {"Limburg": (1, 1, 50), "Utrecht": (2, 2, 150)}
    connectivity_1g = next(p for p in lot2.products if p.capacity.code == "1g")
    assert provinces(connectivity_1g.provinces) == {"Limburg": (1, 1, 50)}
    assert provinces(demand.provinces) == {
        "Limburg": (1, 1, 50),
        "Noord-Brabant": (1, 1, 300),
        "Utrecht": (2, 2, 150),
    }
    rows = [
        (lot.lot.number, p.product.code, p.capacity.code, r.province, r.figures.pupils)
        for lot, p, r in demand.rows
    ]
    assert rows == [
        (1, "connectivity", "500m", "Noord-Brabant", 300),
        (1, "connectivity", "1g", "Utrecht", 150),
        (1, "security", "standard", "Noord-Brabant", 300),
        (1, "security", "standard", "Utrecht", 150),
        (2, "connectivity", "100m", "Utrecht", 50),
        (2, "connectivity", "1g", "Limburg", 50),
        (2, "security", "standard", "Limburg", 50),
        (2, "security", "standard", "Utrecht", 50),
        (2, "anti-spam", "standard", "Utrecht", 100),
    ]


def test_optional_services_show_whether_their_threshold_is_reached(example, tender):
    demand = bundled_demand(tender)
    optional = {o.product.code: (o.locations, o.threshold, o.reached) for o in demand.optional}
    assert optional == {
        "anti-spam": (1, 500, False),
        "url-filter": (0, 500, False),
        "incident-response": (0, 300, False),
    }


def test_a_threshold_is_reached_at_exactly_its_number_of_locations(example, tender, staff):
    from bundel.catalogue.models import Product

    Product.objects.filter(code="anti-spam").update(demand_threshold=2)
    demand = bundled_demand(tender)
    anti_spam = next(o for o in demand.optional if o.product.code == "anti-spam")
    assert (anti_spam.locations, anti_spam.reached, anti_spam.missing) == (1, False, 1)

    services.participation_register(
        tender=tender,
        board=example["other"],
        lines=[
            *[
                services.DemandLineInput(
                    li.lot.number, li.location.code, li.product.code, li.capacity.code, li.start
                )
                for li in Participation.objects.get(board=example["other"]).lines.all()
            ],
            services.DemandLineInput(
                2, "30AB01", "anti-spam", None, timezone.localdate() + timedelta(days=200)
            ),
        ],
        by=staff,
    )
    anti_spam = next(o for o in bundled_demand(tender).optional if o.product.code == "anti-spam")
    assert (anti_spam.locations, anti_spam.reached, anti_spam.missing) == (2, True, 0)


def test_a_tender_without_demand_has_zero_figures_per_lot(tender):
    demand = bundled_demand(tender)
    assert [(lot.lot.number, lot.figures, lot.products) for lot in demand.lots] == [
        (1, Figures(), []),
        (2, Figures(), []),
    ]
    assert demand.totals == Figures()


def test_without_any_pupil_count_there_are_no_pupils(staff, tender, member_board):
    from bundel.registry.models import PupilCount

    location = place(member_board, "02FY00")
    PupilCount.objects.all().delete()
    services.participation_register(
        tender=tender,
        board=member_board,
        lines=[services.DemandLineInput(1, location.code, "anti-spam", None, location_start())],
        by=staff,
    )
    demand = bundled_demand(tender)
    assert demand.count_dates == {}
    assert demand.totals == figures(1, 1, 0, "180.00")
    assert demand.lots[0].figures == figures(1, 1, 0, "180.00")


def location_start():
    return timezone.localdate() + timedelta(days=100)


def test_the_pupils_follow_the_latest_count_date(example, tender):
    from bundel.registry.models import PupilCount

    # A newer po count date: A1 has 120 pupils then; B1 and B2 were not counted.
    PupilCount.objects.create(
        location=example["a1"],
        board=example["a1"].board,
        count_date="2020-10-01",
        sector_type="bo",
        pupils=120,
    )
    demand = bundled_demand(tender)
    assert demand.lots[0].figures.pupils == 120 + 300  # B1 has no bo count in 2020
    assert demand.lots[1].figures.pupils == 120 + 50  # B2's so and vso stay at 2019


@pytest.mark.parametrize("rows", [2, 50])
def test_the_bundled_demand_takes_a_fixed_number_of_queries(rows, staff, django_assert_num_queries):
    tender = demand_tender(by=staff)
    start = timezone.localdate() + timedelta(days=100)
    for n in range(rows):
        board = BoardFactory()
        make_member(board)
        location = place(board, f"Q{n:03d}00", pupils=10 + n)
        services.participation_register(
            tender=tender,
            board=board,
            lines=[
                services.DemandLineInput(1 + n % 2, location.code, "connectivity", "1g", start),
                services.DemandLineInput(1 + n % 2, location.code, "security", None, start),
            ],
            by=staff,
        )
    # Count dates, lots, catalogue; per capacity, per lot, the totals (locations and
    # pupils; boards); three per province; the optional services.
    with django_assert_num_queries(11):
        demand = bundled_demand(tender)
    assert demand.totals.locations == rows
    with django_assert_num_queries(8):
        bundled_demand(tender, provinces=False)


# --- the law: the bundled demand is the sum of its lines ------------------------------

LOTS = (1, 2, 3)
PRODUCTS = [("connectivity", "1g"), ("connectivity", "100m"), ("anti-spam", "standard")]


@pytest.fixture
def world(staff):
    """Three member boards with two locations each, pupils 10, 20, ... 60."""
    tender = demand_tender(
        by=staff,
        lots=[services.LotInput(n, f"Perceel {n}") for n in LOTS],
    )
    boards, locations = [], []
    for b in range(3):
        board = BoardFactory(duo_number=f"4{b}000")
        make_member(board)
        boards.append(board)
        for n in range(2):
            index = 2 * b + n
            locations.append(
                place(
                    board,
                    f"4{b}PX0{n}",
                    pupils=10 * (index + 1),
                    province=["Utrecht", "Limburg"][index % 2],
                )
            )
    return tender, boards, locations


choice = st.tuples(st.sampled_from(LOTS), st.integers(0, 5), st.integers(0, len(PRODUCTS) - 1))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picked=st.lists(choice, max_size=25, unique=True))
def test_bundled_demand_equals_the_sum_over_its_lines(world, staff, picked):
    tender, boards, locations = world
    Participation.objects.filter(tender=tender).delete()
    start = timezone.localdate() + timedelta(days=60)
    by_board: dict[int, list] = {}
    for lot, index, product in picked:
        location = locations[index]
        code, capacity = PRODUCTS[product]
        if code == "connectivity" and any(
            (l2, i2) == (lot, index) and PRODUCTS[p2][0] == "connectivity"
            for l2, i2, p2 in picked
            if p2 != product
        ):
            continue  # one capacity of a product per location and lot
        lines = by_board.setdefault(location.board_id, [])
        lines.append(services.DemandLineInput(lot, location.code, code, capacity, start))
        if code == "connectivity":
            lines.append(services.DemandLineInput(lot, location.code, "security", None, start))
    for board in boards:
        if board.pk in by_board:
            services.participation_register(
                tender=tender, board=board, lines=by_board[board.pk], by=staff
            )
    # What the lines say, counted plainly.
    stored = [
        (li.lot.number, li.location, li.product.code, li.capacity) for li in tender_lines(tender)
    ]
    demand = bundled_demand(tender)
    for lot in demand.lots:
        mine = [s for s in stored if s[0] == lot.lot.number]
        places = {s[1] for s in mine}
        assert lot.figures.locations == len(places)
        assert lot.figures.boards == len({p.board_id for p in places})
        assert lot.figures.pupils == sum(pupils(p) for p in places)
        assert lot.figures.value == sum((s[3].monthly_price * 12 for s in mine), Decimal("0.00"))
        assert sum(p.figures.value for p in lot.products) == lot.figures.value
        for product in lot.products:
            taking = {s[1] for s in mine if s[3] == product.capacity}
            assert product.figures.locations == len(taking)
            assert product.figures.pupils == sum(pupils(p) for p in taking)
            assert sum(r.figures.locations for r in product.provinces) == len(taking)
        assert sum(r.figures.pupils for r in lot.provinces) == lot.figures.pupils
    places = {s[1] for s in stored}
    assert demand.totals.locations == len(places)
    assert demand.totals.boards == len({p.board_id for p in places})
    assert demand.totals.pupils == sum(pupils(p) for p in places)
    assert demand.totals.value == sum(lot.figures.value for lot in demand.lots)


def tender_lines(tender):
    from bundel.tenders.models import DemandLine

    return DemandLine.objects.filter(participation__tender=tender).select_related(
        "lot", "location", "product", "capacity"
    )


def pupils(location) -> int:
    return sum(count.pupils for count in location.pupil_counts.all())

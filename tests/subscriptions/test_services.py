"""Ordering, termination, capacity changes, migration waves, costs and settlement: every
rule refuses with a message naming it and stores nothing; the figures are worked by hand."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership import services as membership_services
from bundel.registry.models import Location
from bundel.subscriptions import selectors, services
from bundel.subscriptions.constants import OPEN_STATES
from bundel.subscriptions.models import Subscription

from ..factories import LocationFactory, PupilCountFactory
from .builders import admit, line, order, order_many, products, stored

TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=30)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(db):
    return products()


@pytest.fixture
def membership(board, staff, catalogue):
    return admit(board, staff)


@pytest.fixture
def here(board):
    """The board's location 16AH00 (next to the one the shared fixture gives it)."""
    return LocationFactory(board=board, code="16AH00", school__brin="16AH", name="De Regenboog")


@pytest.fixture
def there(board):
    """The board's location from the shared fixture."""
    return board.locations.exclude(code="16AH00").get()


def refused(exc_type, call, **kwargs):
    """Run `call`, expect `exc_type`, and check that nothing was stored."""
    before = stored()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    assert stored() == before
    return info.value


def message(exc) -> str:
    return " ".join(exc.messages)


# -- ordering rules ------------------------------------------------------------------------


def test_an_order_of_a_member_is_stored_with_the_catalogue_price_and_audited(
    board, contact, membership, here
):
    subs = order(
        board,
        contact,
        line(here, "security", start=SOON),
        line(here, "connectivity", "1g", start=SOON),
    )

    assert {code: (s.state, s.capacity.code) for code, s in subs.items()} == {
        "security": ("requested", "standard"),
        "connectivity": ("requested", "1g"),
    }
    # 480.00 x (1 + (2.00 + 2.50) / 100) = 480.00 x 1.045 = 501.60
    assert subs["connectivity"].monthly_price == Decimal("480.00")
    assert subs["connectivity"].surcharge_factor == Decimal("1.045")
    assert subs["connectivity"].monthly_charge == Decimal("501.60")
    assert subs["security"].order_id == subs["connectivity"].order_id
    assert stored()["audit"] == 2


def test_only_members_order(board, contact, staff, catalogue, here):
    lines = [line(here, "security", start=SOON)]

    exc = refused(RuleViolation, services.order_place, board=board, lines=lines, by=contact)
    assert message(exc) == "Only members order services; board 41211 is not a member."

    membership_services.membership_start(board=board, kind="interest", by=contact)
    exc = refused(RuleViolation, services.order_place, board=board, lines=lines, by=contact)
    assert message(exc) == "Only members order services; board 41211 is interested."


def test_a_member_that_gave_notice_orders_no_more(board, contact, staff, membership, here):
    membership_services.membership_give_notice(
        membership=membership, by=staff, notice_by="member", on=date(2025, 6, 30)
    )

    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "security", start=SOON)],
        by=contact,
    )
    assert "board 41211 is notice given" in message(exc)


def test_a_contact_orders_only_for_its_own_board(board, outsider, membership, here):
    exc = refused(
        PermissionDenied,
        services.order_place,
        board=board,
        lines=[line(here, "security", start=SOON)],
        by=outsider,
    )
    assert str(exc) == "You do not act for board 41211."


def test_location_of_another_board_is_refused(board, contact, membership, here, outsider_board):
    elsewhere = LocationFactory(board=outsider_board, code="99ZZ00", school__brin="99ZZ")

    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "security", start=SOON), line(elsewhere, "security", start=SOON)],
        by=contact,
    )
    assert message(exc) == "line 2: location 99ZZ00 is not a location of board 41211."


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("telephony", "line 1: Fixed telephony cannot be ordered (it is in tender)."),
        ("anti-spam", "line 1: Anti-spam cannot be ordered (it is exploring)."),
        ("teleportation", "line 1: there is no product 'teleportation'."),
    ],
)
def test_product_not_available_is_refused(board, contact, membership, here, product, expected):
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, product, start=SOON)],
        by=contact,
    )
    assert message(exc) == expected


@pytest.mark.parametrize("capacity", [None, "2g", "standard"])
def test_wrong_or_missing_capacity_is_refused(board, contact, membership, here, capacity):
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "security", start=SOON), line(here, "connectivity", capacity, SOON)],
        by=contact,
    )
    assert message(exc) == (
        "line 2: choose the capacity of External connectivity (network and internet access) "
        "at 16AH00: 100m, 500m, 1g, 10g."
    )


def test_the_only_capacity_is_taken_when_none_is_given(board, contact, membership, here):
    subs = order(board, contact, line(here, "security", None, SOON))

    assert subs["security"].capacity.code == "standard"
    assert subs["security"].monthly_price == Decimal("75.00")


def test_duplicates_in_the_order_and_with_what_is_open_are_refused(
    board, contact, membership, here
):
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "wifi", "s", SOON), line(here.code.lower(), "wifi", "m", SOON)],
        by=contact,
    )
    assert message(exc) == "Wifi appears twice for 16AH00 in this order."

    order(board, contact, line(here, "wifi", "s", SOON))
    exc = refused(
        StateConflict,
        services.order_place,
        board=board,
        lines=[line(here, "lan", start=SOON), line(here, "wifi", "l", SOON)],
        by=contact,
    )
    assert message(exc) == "16AH00 already takes Wifi."


def test_requires_is_refused_naming_both_products_and_the_location(
    board, contact, membership, here
):
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "wifi", "s", SOON), line(here, "connectivity", "1g", SOON)],
        by=contact,
    )

    assert message(exc) == (
        "External connectivity (network and internet access) at 16AH00 De Regenboog requires "
        "Information security services at that location; add Information security services "
        "to the order."
    )
    assert exc.code == "requires"
    codes = {key: value for key, value in exc.params.items() if key.endswith("_code")}
    assert codes == {
        "product_code": "connectivity",
        "required_code": "security",
        "location_code": "16AH00",
    }


def test_requires_counts_the_same_order_per_location(board, contact, membership, here, there):
    # security at `there` does not satisfy connectivity at `here`
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(there, "security", start=SOON), line(here, "connectivity", "1g", SOON)],
        by=contact,
    )
    assert exc.params["location_code"] == "16AH00"

    subs = order(
        board,
        contact,
        line(here, "connectivity", "1g", SOON),  # the required line may come later
        line(here, "security", start=SOON),
    )
    assert sorted(subs) == ["connectivity", "security"]


def test_requires_counts_existing_subscriptions_but_not_terminating_ones(
    board, contact, membership, here, there
):
    order(board, contact, line(here, "security", start=SOON))
    assert order(board, contact, line(here, "connectivity", "1g", SOON))

    security = order(board, contact, line(there, "security", start=SOON))["security"]
    services.subscription_terminate(subscription=security, on=SOON + timedelta(days=90), by=contact)
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(there, "connectivity", "1g", SOON)],
        by=contact,
    )
    assert exc.code == "requires"


def test_a_contact_cannot_start_in_the_past_staff_can(board, contact, staff, membership, here):
    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(here, "security", start=TODAY - timedelta(days=1))],
        by=contact,
    )
    assert "is in the past" in message(exc)
    assert order(board, staff, line(here, "security", start=date(2025, 3, 1)))


def test_an_empty_order_is_refused(board, contact, membership):
    exc = refused(RuleViolation, services.order_place, board=board, lines=[], by=contact)
    assert message(exc) == "An order has at least one line."


# -- termination ---------------------------------------------------------------------------


@pytest.fixture
def taken(board, contact, membership, here):
    return order(
        board,
        contact,
        line(here, "security", start=SOON),
        line(here, "connectivity", "1g", SOON),
        line(here, "wifi", "m", SOON),
    )


def test_a_required_subscription_in_use_cannot_end(contact, taken):
    exc = refused(
        RuleViolation,
        services.subscription_terminate,
        subscription=taken["security"],
        on=SOON + timedelta(days=60),
        by=contact,
    )

    assert message(exc) == (
        "Information security services at 16AH00 De Regenboog cannot end while External "
        "connectivity (network and internet access) there requires it; end External "
        "connectivity (network and internet access) first."
    )
    assert exc.code == "in_use"
    assert Subscription.objects.get(pk=taken["security"].pk).ends_on is None


def test_the_dependant_first_then_the_required_may_end(contact, taken):
    end = SOON + timedelta(days=60)
    connectivity = services.subscription_terminate(
        subscription=taken["connectivity"], on=end, by=contact
    )
    assert (connectivity.state, connectivity.ends_on) == ("terminating", end)

    # not before the connectivity that requires it has ended
    exc = refused(
        RuleViolation,
        services.subscription_terminate,
        subscription=taken["security"],
        on=end - timedelta(days=1),
        by=contact,
    )
    assert exc.code == "in_use"

    security = services.subscription_terminate(subscription=taken["security"], on=end, by=contact)
    assert (security.state, security.ends_on) == ("terminating", end)
    assert services.subscriptions_end_due(today=end) == 2
    assert set(
        Subscription.objects.filter(ended_on=end).values_list("product__code", flat=True)
    ) == {
        "connectivity",
        "security",
    }


def test_termination_twice_and_by_others_is_refused(contact, outsider, taken):
    exc = refused(
        PermissionDenied,
        services.subscription_terminate,
        subscription=taken["wifi"],
        on=SOON,
        by=outsider,
    )
    assert str(exc) == "You do not act for board 41211."
    services.subscription_terminate(subscription=taken["wifi"], on=SOON, by=contact)
    exc = refused(
        StateConflict,
        services.subscription_terminate,
        subscription=taken["wifi"],
        on=SOON,
        by=contact,
    )
    assert "is already terminating" in message(exc)


# -- capacity ------------------------------------------------------------------------------


def test_capacity_change_keeps_its_date_and_prices(contact, taken):
    changed = services.subscription_change_capacity(
        subscription=taken["connectivity"], capacity="10g", on=SOON, by=contact
    )

    assert (changed.capacity.code, changed.monthly_price) == ("10g", Decimal("1250.00"))
    change = changed.changes.get()
    assert (change.date, change.old_capacity.code, change.new_capacity.code) == (SOON, "1g", "10g")
    assert (change.old_price, change.new_price) == (Decimal("480.00"), Decimal("1250.00"))


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        ("20g", "External connectivity (network and internet access) has no capacity '20g'."),
        ("1g", "The subscription already has this capacity."),
    ],
)
def test_capacity_change_rules(contact, taken, capacity, expected):
    exc = refused(
        RuleViolation,
        services.subscription_change_capacity,
        subscription=taken["connectivity"],
        capacity=capacity,
        on=SOON,
        by=contact,
    )
    assert message(exc) == expected


# -- the "requires" law, over random sequences ---------------------------------------------

PRODUCTS = {"connectivity": "1g", "security": None, "wifi": "s"}
DAY0 = date(2030, 1, 1)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("order"),
            st.lists(
                st.tuples(st.integers(0, 1), st.sampled_from(sorted(PRODUCTS))),
                min_size=1,
                max_size=4,
            ),
            st.integers(0, 720),
        ),
        st.tuples(st.just("terminate"), st.integers(0, 30), st.integers(0, 720)),
        st.tuples(st.just("end_due"), st.integers(0, 720)),
    ),
    min_size=1,
    max_size=12,
)


def assert_requires_holds(location_ids) -> None:
    """Every open connectivity has an open security at its location that lasts at least
    as long (open-ended, or ending on or after the connectivity's end)."""
    for location_id in location_ids:
        open_ = {
            s.product.code: s
            for s in Subscription.objects.filter(
                location_id=location_id, state__in=OPEN_STATES
            ).select_related("product")
        }
        if "connectivity" not in open_:
            continue
        connectivity, security = open_["connectivity"], open_.get("security")
        assert security is not None, "connectivity open without security"
        assert security.ends_on is None or (
            connectivity.ends_on is not None and connectivity.ends_on <= security.ends_on
        ), "security ends before the connectivity that requires it"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_no_accepted_change_leaves_connectivity_without_security(
    board, staff, membership, here, there, operations
):
    locations = [here, there]
    with transaction.atomic():
        for operation in operations:
            before = Subscription.objects.count()
            try:
                if operation[0] == "order":
                    _kind, picks, day = operation
                    lines = [
                        line(locations[i], product, PRODUCTS[product], DAY0 + timedelta(day))
                        for i, product in picks
                    ]
                    order(board, staff, *lines)
                elif operation[0] == "terminate":
                    _kind, index, day = operation
                    subscriptions = list(Subscription.objects.order_by("pk"))
                    if subscriptions:
                        services.subscription_terminate(
                            subscription=subscriptions[index % len(subscriptions)],
                            on=DAY0 + timedelta(day),
                            by=staff,
                        )
                else:
                    services.subscriptions_end_due(today=DAY0 + timedelta(operation[1]))
            except RuleViolation:  # StateConflict included; the whole change is refused
                assert Subscription.objects.count() == before
            assert_requires_holds([here.pk, there.pk])
        transaction.set_rollback(True)


# -- migration waves -----------------------------------------------------------------------


def test_a_wave_moves_its_locations_from_requested_to_active(
    board, contact, staff, membership, here, there
):
    at_here = order(
        board, contact, line(here, "security", start=SOON), line(here, "connectivity", "1g", SOON)
    )
    at_there = order(board, contact, line(there, "wifi", "s", SOON))

    wave = services.wave_create(
        board=board, name=" Golf 1 ", on=SOON, locations=[here.code.lower()], by=contact
    )
    assert (wave.name, wave.state, [loc.code for loc in wave.locations.all()]) == (
        "Golf 1",
        "planned",
        ["16AH00"],
    )

    def states():
        return dict(Subscription.objects.values_list("pk", "state"))

    ids = [s.pk for s in at_here.values()]
    assert [states()[pk] for pk in ids] == ["planned", "planned"]
    assert states()[at_there["wifi"].pk] == "requested"

    with pytest.raises(PermissionDenied):
        services.wave_start(wave=wave, by=contact)
    services.wave_start(wave=wave, by=staff)
    assert [states()[pk] for pk in ids] == ["migrating", "migrating"]

    done = services.wave_complete(wave=wave, by=staff, on=TODAY)
    assert done.state == "done"
    assert list(Subscription.objects.filter(pk__in=ids).values_list("state", "active_on")) == [
        ("active", TODAY),
        ("active", TODAY),
    ]
    assert states()[at_there["wifi"].pk] == "requested"
    points = selectors.board_migration(board, contact)
    assert [(p.wave.name, p.locations, p.migrated_percent) for p in points] == [
        ("Golf 1", 1, Decimal("50.0"))  # 1 of the board's 2 locations
    ]


def test_wave_rules(board, contact, staff, membership, here, there, outsider_board):
    services.wave_create(board=board, name="Golf 1", on=SOON, locations=[here.code], by=contact)
    elsewhere = LocationFactory(board=outsider_board, code="99ZZ00", school__brin="99ZZ")

    cases = [
        (RuleViolation, dict(name=" ", on=SOON, locations=[there.code]), "Give the wave a name."),
        (
            RuleViolation,
            dict(name="Golf 2", on=TODAY - timedelta(days=1), locations=[there.code]),
            "A wave cannot be planned in the past",
        ),
        (
            RuleViolation,
            dict(name="Golf 2", on=SOON, locations=[elsewhere.code]),
            "Not locations of board 41211: 99ZZ00.",
        ),
        (
            StateConflict,
            dict(name="Golf 2", on=SOON, locations=[there.code, here.code]),
            "Already in another open wave: 16AH00.",
        ),
    ]
    for exc_type, kwargs, expected in cases:
        exc = refused(exc_type, services.wave_create, board=board, by=contact, **kwargs)
        assert expected in message(exc)


def test_national_calendar_counts_locations_per_week(board, staff, contact, outsider_board):
    a = LocationFactory(board=board)
    b = LocationFactory(board=board)
    c = LocationFactory(board=outsider_board)
    d = LocationFactory(board=outsider_board)
    # 2030-01-07 and 2030-01-09 are in the week of Monday 2030-01-07; 2030-01-23 in that of
    # 2030-01-21; 2030-02-11 is after the three weeks asked for.
    services.wave_create(
        board=board, name="1", on=date(2030, 1, 7), locations=[a.code, b.code], by=staff
    )
    services.wave_create(
        board=outsider_board, name="1", on=date(2030, 1, 9), locations=[c.code], by=staff
    )
    services.wave_create(
        board=outsider_board, name="2", on=date(2030, 1, 23), locations=[d.code], by=staff
    )
    services.wave_create(
        board=board,
        name="2",
        on=date(2030, 2, 11),
        locations=[LocationFactory(board=board).code],
        by=staff,
    )

    calendar = selectors.national_calendar(staff, start=date(2030, 1, 8), weeks=3)

    assert calendar == [(date(2030, 1, 7), 3), (date(2030, 1, 14), 0), (date(2030, 1, 21), 1)]
    assert selectors.national_calendar(contact, start=date(2030, 1, 8), weeks=3) == []


# -- costs (worked by hand) -----------------------------------------------------------------

# The catalogue's prices and surcharge factors (1 + purchasing % + service %):
#   security   standard   75.00 x 1.050 =   78.75 a month
#   connectivity 100m    180.00 x 1.045 =  188.10 a month
#   connectivity 1g      480.00 x 1.045 =  501.60 a month
#   wifi       m         950.00 x 1.050 =  997.50 a month
# Board 41211 has 812 pupils: a small board, fee EUR 1,000.00 a year.


def cost_lines(costs) -> dict[str, tuple[int, Decimal]]:
    return {line.subscription.product.code: (line.months, line.amount) for line in costs.lines}


def test_costs_count_the_months_a_subscription_runs_on_the_first_day_of(
    board, staff, membership, here
):
    order(
        board,
        staff,
        line(here, "security", start=date(2025, 3, 1)),
        line(here, "connectivity", "1g", date(2025, 3, 15)),
        line(here, "wifi", "m", date(2025, 2, 1)),
    )

    costs = selectors.board_costs(board, 2025, user=staff)

    # security     from 1 March:  March..December = 10 months x  78.75 =    787.50
    # connectivity from 15 March: April..December  =  9 months x 501.60 =  4,514.40
    #              (it does not run on 1 March)
    # wifi         from 1 February: Feb..December  = 11 months x 997.50 = 10,972.50
    # services = 787.50 + 4,514.40 + 10,972.50 = 16,274.40; fee 1,000.00 (member since
    # 10 January 2025); total 17,274.40
    assert cost_lines(costs) == {
        "connectivity": (9, Decimal("4514.40")),
        "security": (10, Decimal("787.50")),
        "wifi": (11, Decimal("10972.50")),
    }
    assert (costs.fee, costs.services, costs.total) == (
        Decimal("1000.00"),
        Decimal("16274.40"),
        Decimal("17274.40"),
    )

    # 2026, every month: 12 x (78.75 + 501.60 + 997.50) = 12 x 1,577.85 = 18,934.20
    assert selectors.board_costs(board, 2026, user=staff).total == Decimal("19934.20")
    # 2024: not yet a member and nothing running
    before = selectors.board_costs(board, 2024, user=staff)
    assert (before.fee, before.services, before.lines) == (Decimal(0), Decimal(0), [])


def test_costs_follow_a_capacity_change_and_the_end(board, staff, membership, here):
    subs = order(
        board,
        staff,
        line(here, "security", start=date(2025, 3, 1)),
        line(here, "connectivity", "100m", date(2025, 3, 15)),
    )
    services.subscription_change_capacity(
        subscription=subs["connectivity"], capacity="1g", on=date(2025, 7, 15), by=staff
    )
    services.subscription_terminate(
        subscription=subs["connectivity"], on=date(2025, 10, 31), by=staff
    )
    services.subscription_terminate(subscription=subs["security"], on=date(2025, 11, 30), by=staff)

    costs = selectors.board_costs(board, 2025, user=staff)

    # connectivity: April, May, June, July at 100m (the change of 15 July is not in force
    #   on 1 July): 4 x 188.10 = 752.40; August, September, October at 1g: 3 x 501.60 =
    #   1,504.80; it ends 31 October, so not November: 7 months, 2,257.20
    # security: March..November (ends 30 November): 9 x 78.75 = 708.75
    # services 2,965.95 + fee 1,000.00 = 3,965.95
    assert cost_lines(costs) == {
        "connectivity": (7, Decimal("2257.20")),
        "security": (9, Decimal("708.75")),
    }
    assert costs.total == Decimal("3965.95")


def test_costs_start_when_the_wave_made_it_active(board, staff, membership, here):
    order(
        board,
        staff,
        line(here, "security", start=date(2025, 3, 1)),
        line(here, "connectivity", "1g", date(2025, 3, 1)),
    )
    wave = services.wave_create(
        board=board, name="Golf 1", on=date(2025, 5, 20), locations=[here.code], by=staff
    )
    services.wave_complete(wave=wave, by=staff, on=date(2025, 5, 20))

    # active from 20 May (not the wished 1 March): June..December = 7 months
    #   connectivity 7 x 501.60 = 3,511.20; security 7 x 78.75 = 551.25
    assert cost_lines(selectors.board_costs(board, 2025, user=staff)) == {
        "connectivity": (7, Decimal("3511.20")),
        "security": (7, Decimal("551.25")),
    }


def test_the_fee_follows_the_size_and_counts_only_in_member_years(board, staff, membership, here):
    assert selectors.board_costs(board, 2025, user=staff).fee == Decimal("1000.00")
    # 812 + 300 = 1,112 pupils: above 1,000, so the large fee
    PupilCountFactory(location=here, pupils=300)
    assert selectors.board_costs(board, 2025, user=staff).fee == Decimal("2800.00")

    membership_services.membership_give_notice(
        membership=membership, by=staff, notice_by="member", on=date(2025, 6, 30)
    )
    membership_services.memberships_end_due(today=TODAY)  # ends 30 June 2026
    assert selectors.board_costs(board, 2026, user=staff).fee == Decimal("2800.00")
    assert selectors.board_costs(board, 2027, user=staff).fee == Decimal(0)


def test_costs_show_only_what_the_user_may_see(board, staff, outsider, membership, here):
    order(board, staff, line(here, "security", start=date(2025, 3, 1)))

    assert selectors.board_costs(board, 2025, user=outsider).lines == []


# -- settlement -----------------------------------------------------------------------------


def test_settlement_charges_whole_months_to_the_end_of_each_minimum_term(
    board, staff, membership, here, there
):
    order(
        board,
        staff,
        line(here, "security", start=date(2025, 3, 15)),
        line(here, "connectivity", "1g", date(2025, 3, 15)),
        line(here, "anti-ddos", start=date(2025, 3, 15)),
    )
    order(board, staff, line(there, "wifi", "s", date(2025, 7, 1)))
    notice = membership_services.membership_give_notice(
        membership=membership, by=staff, notice_by="member", on=date(2025, 6, 30)
    )
    assert notice.ends_on == date(2026, 6, 30)  # 12 months' notice

    lines = selectors.settlement_lines(notice)

    # connectivity: 36 months from 15 March 2025 -> 15 March 2028. Whole months from
    #   30 June 2026: 30 June 2026 + 20 months = 30 Feb->28 Feb 2028 <= 15 March 2028,
    #   + 21 months = 30 March 2028 > 15 March: 20 months x 501.60 = 10,032.00
    # security: the same term: 20 months x 78.75 = 1,575.00
    # anti-ddos: 12 months -> 15 March 2026, before the end: nothing
    # wifi s: 36 months from 1 July 2025 -> 1 July 2028; 30 June 2026 + 24 months =
    #   30 June 2028 <= 1 July, + 25 = 30 July 2028 > 1 July: 24 months x (450.00 x 1.05 =
    #   472.50) = 11,340.00
    # total 10,032.00 + 1,575.00 + 11,340.00 = 22,947.00
    assert [
        (s.subscription.product.code, s.min_term_ends, s.months, s.monthly_charge, s.amount)
        for s in lines
    ] == [
        ("connectivity", date(2028, 3, 15), 20, Decimal("501.60"), Decimal("10032.00")),
        ("security", date(2028, 3, 15), 20, Decimal("78.75"), Decimal("1575.00")),
        ("wifi", date(2028, 7, 1), 24, Decimal("472.50"), Decimal("11340.00")),
    ]
    assert selectors.settlement_total(notice) == Decimal("22947.00")


def test_whole_months():
    assert selectors.whole_months(date(2026, 6, 30), date(2028, 3, 15)) == 20
    assert selectors.whole_months(date(2026, 1, 31), date(2026, 3, 1)) == 1
    assert selectors.whole_months(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert selectors.whole_months(date(2026, 3, 1), date(2026, 3, 1)) == 0
    assert selectors.whole_months(date(2026, 3, 1), date(2026, 2, 1)) == 0


def test_a_member_without_notice_has_no_settlement(membership, board, staff, here):
    order(board, staff, line(here, "security", start=date(2025, 3, 15)))

    assert selectors.settlement_lines(membership) == []


# -- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 50])
def test_board_costs_queries_do_not_grow(board, staff, membership, rows, django_assert_num_queries):
    subs = order_many(board, staff, rows, start=date(2025, 3, 1))
    services.subscription_change_capacity(
        subscription=subs[1], capacity="10g", on=date(2025, 6, 1), by=staff
    )
    # membership, pupils (the board's summary), subscriptions, capacity changes
    with django_assert_num_queries(4):
        costs = selectors.board_costs(board, 2025, user=staff)
    assert len(costs.lines) == rows
    assert Location.objects.filter(board=board).count() == 1 + -(-rows // 7)


# -- bugs found while writing these tests, fixed since --------------------------------------


def test_a_percent_sign_in_a_name_does_not_break_the_requires_message(board, contact, membership):
    odd = LocationFactory(
        board=board, code="16AH01", school__brin="16AH", name="Kindcentrum 100% Zeker"
    )

    exc = refused(
        RuleViolation,
        services.order_place,
        board=board,
        lines=[line(odd, "connectivity", "1g", SOON)],
        by=contact,
    )
    assert "Kindcentrum 100% Zeker requires" in message(exc)


def test_capacity_changes_out_of_date_order_keep_the_price_history_consistent(
    board, staff, membership, here
):
    subs = order(
        board,
        staff,
        line(here, "security", start=date(2025, 1, 1)),
        line(here, "connectivity", "100m", date(2025, 1, 1)),
    )
    connectivity = subs["connectivity"]
    services.subscription_change_capacity(
        subscription=connectivity, capacity="1g", on=date(2025, 9, 1), by=staff
    )
    try:
        services.subscription_change_capacity(
            subscription=connectivity, capacity="10g", on=date(2025, 6, 1), by=staff
        )
    except RuleViolation:
        return  # refusing a change dated before the last one is a fine fix too
    connectivity = selectors.board_subscriptions(board, staff).get(pk=connectivity.pk)

    # before any change: 100m at 180.00; after all changes: the current capacity's price
    assert selectors.price_on(connectivity, date(2025, 1, 1)) == Decimal("180.00")
    assert selectors.price_on(connectivity, date(2025, 12, 1)) == connectivity.monthly_price


def test_a_product_cannot_start_before_what_it_requires(board, contact, membership, here):
    before = stored()
    try:
        order(
            board,
            contact,
            line(here, "connectivity", "1g", SOON),
            line(here, "security", start=SOON + timedelta(days=90)),
        )
        accepted = True
    except RuleViolation:
        accepted = False

    assert not accepted, "connectivity runs 90 days without the security it requires"
    assert stored() == before


def test_a_wave_carries_what_is_ordered_for_its_locations_after_it_was_planned(
    board, contact, staff, membership, here
):
    order(board, contact, line(here, "security", start=SOON))
    wave = services.wave_create(
        board=board, name="Golf 1", on=SOON, locations=[here.code], by=contact
    )
    wifi = order(board, contact, line(here, "wifi", "s", SOON))["wifi"]

    services.wave_start(wave=wave, by=staff)
    services.wave_complete(wave=wave, by=staff, on=TODAY)

    assert Subscription.objects.get(pk=wifi.pk).state == "active"


def test_subscriptions_tick_ends_due_subscriptions_once(board, staff, membership, here):
    from django.core.management import call_command

    subs = order(board, staff, line(here, "wifi", "s", date(2024, 1, 1)))
    services.subscription_terminate(subscription=subs["wifi"], on=date(2024, 6, 30), by=staff)

    call_command("subscriptions_tick", stdout=io.StringIO())
    call_command("subscriptions_tick", stdout=io.StringIO())

    wifi = Subscription.objects.get(pk=subs["wifi"].pk)
    assert (wifi.state, wifi.ended_on) == ("ended", date(2024, 6, 30))
    assert AuditEntry.objects.filter(action="subscriptions.subscription.ended").count() == 1

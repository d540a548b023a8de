"""Demand registration (`services.participation_register`): who may register, when, every
rule of a line with its message, changes until the deadline, and the audit trail."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry
from bundel.catalogue.models import Product
from bundel.core.errors import RuleViolation, StateConflict
from bundel.subscriptions.models import Order, Subscription
from bundel.tenders import services
from bundel.tenders.models import DemandLine, Participation
from tests.factories import BoardFactory, MembershipFactory, UserFactory

from .factories import connectivity, demand_tender, line, make_member, make_tender, place


@pytest.fixture
def a1(member_board):
    return place(member_board, "02FY00", pupils=100)


@pytest.fixture
def a2(member_board):
    return place(member_board, "02FY01", pupils=300, sector="vo", province="Noord-Brabant")


def stored(tender, board) -> list[tuple]:
    return sorted(
        DemandLine.objects.filter(
            participation__tender=tender, participation__board=board
        ).values_list("lot__number", "location__code", "product__code", "capacity__code", "start")
    )


def register(tender, board, lines, by, **kwargs):
    return services.participation_register(tender=tender, board=board, lines=lines, by=by, **kwargs)


def refusal(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value


# --- registering and changing ---------------------------------------------------------


def test_a_member_contact_registers_its_demand(tender, member_board, contact, a1, a2):
    start = timezone.localdate() + timedelta(days=200)
    participation = register(
        tender, member_board, [*connectivity(1, a1), *connectivity(2, a2, "500m")], contact
    )

    assert (participation.tender, participation.board) == (tender, member_board)
    assert participation.changed_by == contact
    assert stored(tender, member_board) == [
        (1, "02FY00", "connectivity", "1g", start),
        (1, "02FY00", "security", "standard", start),
        (2, "02FY01", "connectivity", "500m", start),
        (2, "02FY01", "security", "standard", start),
    ]
    entry = AuditEntry.objects.get(action="tenders.participation.created")
    assert entry.actor == contact
    assert entry.data == {"tender": tender.pk, "board": "41211", "lines": 4}
    assert entry.changes["lot 1 · 02FY00 · connectivity"] == [None, f"1g · {start.isoformat()}"]
    assert len(entry.changes) == 4


def test_a_change_replaces_the_lines_and_audits_the_difference(
    tender, member_board, contact, a1, a2
):
    start = timezone.localdate() + timedelta(days=200)
    later = start + timedelta(days=31)
    register(tender, member_board, [*connectivity(1, a1), *connectivity(2, a2, "500m")], contact)

    register(
        tender,
        member_board,
        [
            *connectivity(1, a1, "10g"),  # capacity changed
            line(2, a2, "security", "standard", later),  # start changed
            line(2, a2, "connectivity", "500m", later),
            line(2, a2, "anti-spam"),  # added
        ],
        contact,
    )

    assert Participation.objects.count() == 1
    assert stored(tender, member_board) == [
        (1, "02FY00", "connectivity", "10g", start),
        (1, "02FY00", "security", "standard", start),
        (2, "02FY01", "anti-spam", "standard", start),
        (2, "02FY01", "connectivity", "500m", later),
        (2, "02FY01", "security", "standard", later),
    ]
    entry = AuditEntry.objects.get(action="tenders.participation.updated")
    s, t = start.isoformat(), later.isoformat()
    assert entry.changes == {
        "lot 1 · 02FY00 · connectivity": [f"1g · {s}", f"10g · {s}"],
        "lot 2 · 02FY01 · anti-spam": [None, f"standard · {s}"],
        "lot 2 · 02FY01 · connectivity": [f"500m · {s}", f"500m · {t}"],
        "lot 2 · 02FY01 · security": [f"standard · {s}", f"standard · {t}"],
    }
    assert entry.data["lines"] == 5


def test_the_same_demand_again_changes_nothing(tender, member_board, contact, a1):
    register(tender, member_board, connectivity(1, a1), contact)
    register(tender, member_board, list(reversed(connectivity(1, a1))), contact)

    assert AuditEntry.objects.filter(action__startswith="tenders.participation").count() == 1


def test_a_board_withdraws_with_no_lines(tender, member_board, contact, a1):
    register(tender, member_board, connectivity(1, a1), contact)
    register(tender, member_board, [], contact)

    assert stored(tender, member_board) == []
    entry = AuditEntry.objects.get(action="tenders.participation.updated")
    assert set(entry.changes) == {"lot 1 · 02FY00 · connectivity", "lot 1 · 02FY00 · security"}
    assert all(new is None for _old, new in entry.changes.values())


def test_a_first_registration_needs_a_line(tender, member_board, contact):
    error = refusal(lambda: register(tender, member_board, [], contact))
    assert error.code == "no_lines"
    assert Participation.objects.count() == 0


def test_staff_register_for_a_member_board(tender, member_board, staff, a1):
    participation = register(tender, member_board, connectivity(1, a1), staff)
    assert participation.changed_by == staff


def test_a_product_with_one_capacity_needs_none(tender, member_board, contact, a1):
    register(tender, member_board, [line(1, a1, "anti-spam", None)], contact)
    assert stored(tender, member_board)[0][3] == "standard"


def test_a_location_may_be_in_two_lots(tender, member_board, contact, a1):
    register(tender, member_board, [*connectivity(1, a1), *connectivity(2, a1, "100m")], contact)
    assert len(stored(tender, member_board)) == 4


# --- who ------------------------------------------------------------------------------


def test_a_board_that_is_not_a_member_is_refused(tender, board, contact):
    a1 = place(board, "02FY00", pupils=100)
    with pytest.raises(PermissionDenied) as caught:
        register(tender, board, connectivity(1, a1), contact)
    assert str(caught.value) == "Only members take part in tenders; board 41211 is not a member."
    assert Participation.objects.count() == 0


def test_a_board_whose_membership_ended_is_refused(tender, board, contact):
    MembershipFactory(board=board, state="ended", admitted_on="2020-01-01")
    with pytest.raises(PermissionDenied, match="not a member"):
        register(tender, board, connectivity(1, place(board, "02FY00")), contact)


def test_another_boards_contact_is_refused(tender, member_board, outsider, a1):
    make_member(outsider.board)
    with pytest.raises(PermissionDenied) as caught:
        register(tender, member_board, connectivity(1, a1), outsider)
    assert str(caught.value) == "You do not act for board 41211."


@pytest.mark.parametrize("role", [Role.SUPPLIER, Role.COUNCIL_MEMBER])
def test_suppliers_and_council_members_do_not_register(tender, member_board, a1, role):
    person = UserFactory(
        role=role,
        board=None if role == Role.SUPPLIER else member_board,
        organisation="Netwerk B.V.",
    )
    with pytest.raises(PermissionDenied):
        register(tender, member_board, connectivity(1, a1), person)


# --- when -----------------------------------------------------------------------------


def test_outside_demand_registration_nothing_changes(staff, member_board, contact, a1):
    draft = make_tender(by=staff)
    error = refusal(lambda: register(draft, member_board, connectivity(1, a1), contact))
    assert isinstance(error, StateConflict)
    assert error.messages == [
        "Demand for 'Externe connectiviteit 2027' is registered only while the tender is in "
        "demand registration; it is draft."
    ]


def test_after_publication_the_demand_is_fixed(tender, staff, member_board, contact, a1):
    register(tender, member_board, connectivity(1, a1), contact)
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    error = refusal(lambda: register(tender, member_board, [], contact))

    assert isinstance(error, StateConflict) and error.code == "not_in_demand_registration"
    assert "it is published" in error.messages[0]
    assert len(stored(tender, member_board)) == 2


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_a_board_changes_its_demand_until_the_end_of_the_deadline(
    tender, member_board, contact, a1
):
    deadline = tender.demand_deadline
    register(tender, member_board, connectivity(1, a1), contact, now=at(deadline, 23, 59))
    register(tender, member_board, connectivity(1, a1, "10g"), contact, now=at(deadline, 23, 59))

    error = refusal(
        lambda: register(
            tender,
            member_board,
            connectivity(1, a1, "100m"),
            contact,
            now=at(deadline + timedelta(days=1), 0, 1),
        )
    )

    assert isinstance(error, StateConflict) and error.code == "demand_deadline"
    assert error.messages == [
        f"Demand registration for 'Externe connectiviteit 2027' closed at the end of "
        f"{deadline.isoformat()}; the demand can no longer change."
    ]
    assert stored(tender, member_board)[0][3] == "10g"


def test_without_a_deadline_demand_changes_until_publication(staff, member_board, contact, a1):
    tender = demand_tender(by=staff, title="Zonder termijn")
    services.tender_update(tender=tender, by=staff, demand_deadline=None)
    far = timezone.localdate() + timedelta(days=29)
    register(tender, member_board, connectivity(1, a1), contact, now=at(far, 12))
    assert len(stored(tender, member_board)) == 2


# --- the lines ------------------------------------------------------------------------


def test_an_unknown_lot_is_refused(tender, member_board, contact, a1):
    error = refusal(lambda: register(tender, member_board, connectivity(3, a1), contact))
    assert error.messages == ["Line 1: the tender has no lot 3 (its lots: 1, 2)."]
    assert (error.code, error.params["line"]) == ("lot", 1)


def test_a_location_of_another_board_is_refused(tender, member_board, contact, a1):
    theirs = place(BoardFactory(duo_number="30000"), "30AB00")
    error = refusal(
        lambda: register(
            tender, member_board, [*connectivity(1, a1), line(1, theirs, "security")], contact
        )
    )
    assert error.messages == ["Line 3: location 30AB00 is not a location of board 41211."]
    assert error.code == "location"


def test_an_unknown_product_is_refused(tender, member_board, contact, a1):
    error = refusal(lambda: register(tender, member_board, [line(1, a1, "teleport")], contact))
    assert error.messages == ["Line 1: there is no product 'teleport'."]


def test_a_product_outside_the_tenders_groups_is_refused(tender, member_board, contact, a1):
    error = refusal(lambda: register(tender, member_board, [line(1, a1, "wifi", "m")], contact))
    assert error.messages == [
        "Line 1: Wifi is not in the product groups of this tender "
        "(External connectivity, Information security services)."
    ]
    assert error.code == "product_group"


def test_a_product_being_phased_out_is_refused(tender, member_board, contact, a1):
    Product.objects.filter(code="firewall").update(lifecycle="phase_out")
    error = refusal(lambda: register(tender, member_board, [line(1, a1, "firewall")], contact))
    assert error.messages == ["Line 1: Firewall service is no longer offered (phase-out)."]


def test_a_capacity_must_be_one_of_the_product(tender, member_board, contact, a1):
    error = refusal(
        lambda: register(tender, member_board, connectivity(1, a1, capacity="2g"), contact)
    )
    assert error.messages == [
        "Line 1: choose the capacity of External connectivity (network and internet access) "
        "at 02FY00: 100m, 500m, 1g, 10g."
    ]
    assert error.code == "capacity"


def test_a_product_twice_for_a_location_in_a_lot_is_refused(tender, member_board, contact, a1):
    error = refusal(
        lambda: register(
            tender,
            member_board,
            [*connectivity(1, a1), line(1, a1, "connectivity", "10g")],
            contact,
        )
    )
    assert error.messages == [
        "Line 3: External connectivity (network and internet access) at 02FY00 is already "
        "in lot 1 (line 1)."
    ]


def test_a_start_in_the_past_is_refused(tender, member_board, contact, a1):
    yesterday = timezone.localdate() - timedelta(days=1)
    error = refusal(
        lambda: register(tender, member_board, connectivity(1, a1, start=yesterday), contact)
    )
    assert error.code == "start"
    assert error.messages == [
        "Line 1: the wished start of External connectivity (network and internet access) at "
        f"02FY00 is in the past ({yesterday.isoformat()})."
    ]


def test_connectivity_requires_security(tender, member_board, contact, a1, a2):
    register(tender, member_board, connectivity(1, a2), contact)
    error = refusal(
        lambda: register(
            tender,
            member_board,
            [*connectivity(1, a2), line(2, a1, "connectivity", "1g")],
            contact,
        )
    )

    assert error.messages == [
        f"Line 3: External connectivity (network and internet access) at 02FY00 {a1.name} "
        "requires Information security services at that location; add Information security "
        "services for that location."
    ]
    assert error.code == "requires"
    assert (error.params["line"], error.params["location_code"]) == (3, "02FY00")
    assert (error.params["product_code"], error.params["required_code"]) == (
        "connectivity",
        "security",
    )
    # Nothing of the refused change is stored: the first demand stands.
    assert len(stored(tender, member_board)) == 2
    assert AuditEntry.objects.filter(action__startswith="tenders.participation").count() == 1


def test_security_in_another_lot_of_the_tender_counts(tender, member_board, contact, a1):
    register(
        tender,
        member_board,
        [line(1, a1, "connectivity", "1g"), line(2, a1, "security")],
        contact,
    )
    assert len(stored(tender, member_board)) == 2


def test_security_must_start_no_later_than_connectivity(tender, member_board, contact, a1):
    start = timezone.localdate() + timedelta(days=200)
    error = refusal(
        lambda: register(
            tender,
            member_board,
            [
                line(1, a1, "connectivity", "1g", start),
                line(1, a1, "security", None, start + timedelta(days=1)),
            ],
            contact,
        )
    )
    assert error.code == "requires_from"
    assert error.params["line"] == 1
    assert (
        f"starts on {start.isoformat()}, before the Information security services"
        in (error.messages[0])
    )


def test_security_the_location_already_takes_counts(tender, member_board, contact, a1):
    security = Product.objects.get(code="security")
    Subscription.objects.create(
        board=member_board,
        location=a1,
        product=security,
        capacity=security.capacities.get(),
        order=Order.objects.create(board=member_board),
        state="active",
        monthly_price=75,
        surcharge_factor=1,
        wished_start=timezone.localdate() - timedelta(days=30),
        active_on=timezone.localdate() - timedelta(days=30),
    )
    register(tender, member_board, [line(1, a1, "connectivity", "1g")], contact)
    assert len(stored(tender, member_board)) == 1


# --- the tender keeps what boards registered -----------------------------------------


def test_a_lot_with_demand_cannot_be_removed(tender, staff, member_board, contact, a1):
    register(tender, member_board, connectivity(2, a1), contact)
    error = refusal(
        lambda: services.tender_update(
            tender=tender, by=staff, lots=[services.LotInput(1, "Noord")]
        )
    )
    assert error.messages == ["Boards have registered demand in lot 2: it cannot be removed."]
    assert tender.lots.count() == 2


def test_a_product_group_with_demand_stays(tender, staff, member_board, contact, a1):
    from bundel.catalogue.models import ProductGroup

    register(tender, member_board, [line(1, a1, "anti-spam")], contact)
    error = refusal(
        lambda: services.tender_update(
            tender=tender,
            by=staff,
            product_groups=[ProductGroup.objects.get(code="connectivity")],
        )
    )
    assert error.code == "group_in_use"
    assert error.params == {"group": "security"}


def test_the_demand_deadline_is_on_or_before_the_notice_date(tender, staff):
    services.tender_update(tender=tender, by=staff, demand_deadline=tender.notice_date)
    error = refusal(
        lambda: services.tender_update(
            tender=tender, by=staff, demand_deadline=tender.notice_date + timedelta(days=1)
        )
    )
    assert error.code == "demand_deadline"
    entry = AuditEntry.objects.filter(action="tenders.tender.updated").get()
    assert entry.changes["demand_deadline"][1] == tender.notice_date.isoformat()


@pytest.mark.parametrize("count", [1, 25])
def test_a_registration_takes_a_fixed_number_of_queries(
    count, tender, member_board, contact, django_assert_num_queries
):
    places = [place(member_board, f"Q{n:03d}00", pupils=10) for n in range(count)]
    lines = [line for p in places for line in connectivity(1 + len(p.code) % 2, p)]
    with django_assert_num_queries(22):
        register(tender, member_board, lines, contact)
    with django_assert_num_queries(29):
        register(tender, member_board, [line(2, places[0], "anti-spam")], contact)

"""The framework contract services: made from an award (the tender's state, the standstill
period), at most 4 years, one maximum, rates of the tender's product groups; call-offs
against the maximum; boards joining later within the headroom. A refusal names the rule
and stores nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.contracts import services
from bundel.contracts.models import CallOff, ContractParticipant, ContractRate, FrameworkContract
from bundel.contracts.services import CallOffLine, RateInput
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders import services as tender_services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from ..factories import UserFactory
from .factories import END, START, capacity, make_contract, member_board, tender_in_standstill

TODAY = timezone.localdate()


def stored() -> dict[str, int]:
    return {
        "contracts": FrameworkContract.objects.count(),
        "rates": ContractRate.objects.count(),
        "participants": ContractParticipant.objects.count(),
        "call_offs": CallOff.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="contracts.").count(),
    }


@pytest.fixture
def lot(staff, catalogue):
    return tender_in_standstill(by=staff).lots.get(number=1)


def create(lot, by, **overrides):
    values = {
        "supplier_name": "Netwerk B.V.",
        "starts_on": START,
        "ends_on": END,
        "maximum_kind": "value",
        "maximum_value": Decimal("250000.00"),
        **overrides,
    }
    return services.contract_create(lot=lot, by=by, **values)


def connectivity(quantity: int = 1) -> CallOffLine:
    return CallOffLine("connectivity", "1g", quantity)


def security(quantity: int = 1) -> CallOffLine:
    return CallOffLine("security", None, quantity)


# --- making a contract ------------------------------------------------------------------


def test_a_contract_is_made_from_the_award_with_rates_and_boards(staff, lot, member, supplier):
    contract = create(
        lot,
        staff,
        supplier_name="",
        supplier_user=supplier,
        rates=[RateInput(capacity("connectivity", "1g"), Decimal("399.50"))],
        boards=[member],
    )

    assert contract.reference == "RO-2027-01"
    assert contract.supplier_name == "Netwerk B.V."  # from the supplier's account
    assert contract.signed_on == TODAY
    assert [(r.product.code, r.capacity.code, r.monthly_rate) for r in contract.rates.all()] == [
        ("connectivity", "1g", Decimal("399.50"))
    ]
    assert [p.board.duo_number for p in contract.participants.all()] == ["41211"]
    entry = AuditEntry.objects.get(action="contracts.contract.created")
    assert entry.actor == staff and entry.object_id == str(contract.pk)
    assert entry.data["rates"] == {"connectivity/1g": "399.50"}
    assert entry.data["boards"] == ["41211"]
    assert entry.data["ends_on"] == "2030-12-31"
    # The first contract of a tender in its standstill period makes it contracted.
    assert Tender.objects.get(pk=lot.tender_id).state == TenderState.CONTRACTED
    assert AuditEntry.objects.filter(action="tenders.tender.contracted").count() == 1


def test_references_count_up_per_year_of_the_start(staff, lot, catalogue):
    first = create(lot, staff)
    second = create(lot.tender.lots.get(number=2), staff)  # the tender is contracted now
    third = create(
        tender_in_standstill(by=staff, title="Tweede").lots.get(number=1),
        staff,
        starts_on=date(2028, 3, 1),
        ends_on=date(2029, 2, 28),
    )
    assert [first.reference, second.reference, third.reference] == [
        "RO-2027-01",
        "RO-2027-02",
        "RO-2028-01",
    ]


def test_exactly_four_years_is_allowed(staff, lot):
    contract = create(lot, staff, starts_on=date(2027, 1, 1), ends_on=date(2030, 12, 31))
    assert (contract.starts_on, contract.ends_on) == (date(2027, 1, 1), date(2030, 12, 31))


def test_one_day_more_than_four_years_is_refused_with_the_latest_end(staff, lot):
    before = stored()
    with pytest.raises(RuleViolation) as refused:
        create(lot, staff, starts_on=date(2027, 1, 1), ends_on=date(2031, 1, 1))

    assert refused.value.code == "max_term"
    assert refused.value.params["latest"] == date(2030, 12, 31)
    message = refused.value.messages[0]
    assert "at most 4 years" in message and "2030-12-31" in message and "2031-01-01" in message
    assert stored() == before
    assert Tender.objects.get(pk=lot.tender_id).state == TenderState.STANDSTILL


def test_the_term_follows_the_setting_and_the_calendar(staff, lot, settings):
    assert services.latest_end(date(2028, 2, 29)) == date(2032, 2, 28)
    assert services.latest_end(date(2027, 3, 31)) == date(2031, 3, 30)
    settings.CONTRACT_MAX_YEARS = 2
    with pytest.raises(RuleViolation, match=r"at most 2 years.*2028-12-31"):
        create(lot, staff, starts_on=date(2027, 1, 1), ends_on=date(2029, 1, 1))
    assert create(lot, staff, starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31)).pk


def test_an_end_before_the_start_is_refused(staff, lot):
    with pytest.raises(RuleViolation, match="cannot end"):
        create(lot, staff, starts_on=date(2027, 1, 1), ends_on=date(2026, 12, 31))


@pytest.mark.parametrize(
    "state",
    ["draft", "demand_registration", "published", "closed", "evaluation", "award_decision"],
)
def test_a_tender_before_the_award_gets_no_contract(staff, catalogue, state):
    tender = tender_in_standstill(by=staff)
    Tender.objects.filter(pk=tender.pk).update(state=state)
    before = stored()

    with pytest.raises(StateConflict) as refused:
        create(tender.lots.get(number=1), staff)

    label = TenderState(state).label.lower()
    assert refused.value.code == "tender_state"
    assert f"is {label}" in refused.value.messages[0]
    assert stored() == before


def test_a_cancelled_tender_gets_no_contract(staff, catalogue):
    tender = tender_in_standstill(by=staff)
    tender_services.tender_cancel(tender=tender, by=staff, reason="Geen geschikte inschrijving")
    with pytest.raises(StateConflict, match="is cancelled"):
        create(tender.lots.get(number=1), staff)


def test_not_during_the_standstill_period(staff, catalogue):
    decided = TODAY - timedelta(days=5)
    lot = tender_in_standstill(by=staff, decided_on=decided).lots.get(number=1)
    last_day = decided + timedelta(days=20)

    with pytest.raises(RuleViolation) as refused:
        create(lot, staff, signed_on=last_day)
    assert refused.value.code == "standstill"
    assert str(last_day + timedelta(days=1)) in refused.value.messages[0]

    contract = create(lot, staff, signed_on=last_day + timedelta(days=1))
    assert contract.signed_on == last_day + timedelta(days=1)
    assert Tender.objects.get(pk=lot.tender_id).state == TenderState.CONTRACTED


def test_one_contract_per_lot(staff, lot):
    first = create(lot, staff)
    with pytest.raises(StateConflict, match=first.reference):
        create(lot, staff)


def test_only_staff_make_contracts(contact, lot):
    with pytest.raises(PermissionDenied):
        create(lot, contact)


def test_the_maximum_is_a_value_or_a_quantity(staff, lot):
    with pytest.raises(RuleViolation, match="maximum value"):
        create(lot, staff, maximum_value=None)
    with pytest.raises(RuleViolation, match="maximum quantity"):
        create(lot, staff, maximum_kind="locations", maximum_value=None)
    with pytest.raises(RuleViolation, match="maximum quantity"):
        create(lot, staff, maximum_kind="units", maximum_quantity=10)  # and a value
    contract = create(lot, staff, maximum_kind="locations", maximum_value=None, maximum_quantity=40)
    assert (contract.maximum, contract.in_value) == (40, False)


def test_rates_are_for_products_of_the_tender(staff, lot):
    before = stored()
    with pytest.raises(RuleViolation) as refused:
        create(lot, staff, rates=[RateInput(capacity("wifi", "m"), Decimal("800.00"))])
    assert refused.value.code == "product_group"
    assert "Wifi" in refused.value.messages[0]
    assert stored() == before


def test_a_rate_is_more_than_zero_and_given_once(staff, lot):
    gig = capacity("connectivity", "1g")
    with pytest.raises(RuleViolation, match="one rate"):
        create(lot, staff, rates=[RateInput(gig, Decimal(1)), RateInput(gig, Decimal(2))])
    with pytest.raises(RuleViolation):
        create(lot, staff, rates=[RateInput(gig, Decimal("0.00"))])


def test_the_supplier_account_is_a_suppliers(staff, lot, contact):
    with pytest.raises(RuleViolation, match="not a supplier"):
        create(lot, staff, supplier_user=contact)


def test_boards_taking_part_are_members(staff, lot, outsider_board):
    before = stored()
    with pytest.raises(RuleViolation, match="10249 is not a member"):
        create(lot, staff, boards=[outsider_board])
    assert stored() == before


# --- changing a contract ----------------------------------------------------------------


def test_staff_change_the_term_and_maximum_within_the_rules(staff, contract, contact):
    services.call_off_place(
        contract=contract,
        board=contract.participants.get().board,
        lines=[connectivity(2)],
        by=contact,
    )  # EUR 9,600 a year

    with pytest.raises(RuleViolation) as refused:
        services.contract_update(contract=contract, by=staff, maximum_value=Decimal("9599.99"))
    assert refused.value.code == "maximum_below_used"
    assert "EUR 9600.00" in refused.value.messages[0]

    latest = services.latest_end(contract.starts_on)
    with pytest.raises(RuleViolation, match="at most 4 years"):
        services.contract_update(contract=contract, by=staff, ends_on=latest + timedelta(days=1))

    updated = services.contract_update(
        contract=contract, by=staff, maximum_value=Decimal("9600.00"), ends_on=latest
    )
    assert (updated.maximum_value, updated.ends_on) == (Decimal("9600.00"), latest)
    entry = AuditEntry.objects.get(action="contracts.contract.updated")
    assert entry.changes["maximum_value"] == ["100000.00", "9600.00"]
    assert entry.changes["ends_on"][1] == latest.isoformat()


def test_a_changed_rate_applies_to_new_call_offs_only(staff, contract, contact, member):
    first = services.call_off_place(contract=contract, board=member, lines=[security()], by=contact)
    services.rate_set(
        contract=contract,
        capacity=capacity("security", "standard"),
        monthly_rate=Decimal("55"),
        by=staff,
    )
    second = services.call_off_place(
        contract=contract, board=member, lines=[security()], by=contact
    )

    assert first[0].monthly_rate == Decimal("60.00")
    assert second[0].monthly_rate == Decimal("55.00")
    assert second[0].yearly_value == Decimal("660.00")
    entry = AuditEntry.objects.get(action="contracts.rate.set")
    assert entry.changes == {"security/standard": ["60.00", "55.00"]}


# --- call-offs --------------------------------------------------------------------------


def test_a_call_off_records_the_rate_and_yearly_value(contract, contact, member):
    call_offs = services.call_off_place(
        contract=contract, board=member, lines=[connectivity(3), security(3)], by=contact
    )

    assert [(c.product.code, c.quantity, c.monthly_rate, c.yearly_value) for c in call_offs] == [
        ("connectivity", 3, Decimal("400.00"), Decimal("14400.00")),
        ("security", 3, Decimal("60.00"), Decimal("2160.00")),
    ]
    assert services.used(contract) == Decimal("16560.00")
    assert services.headroom(contract) == Decimal("83440.00")
    entries = AuditEntry.objects.filter(action="contracts.call_off.placed")
    assert entries.count() == 2
    assert {e.data["yearly_value"] for e in entries} == {"14400.00", "2160.00"}


def test_a_call_off_that_exactly_reaches_the_maximum_is_allowed(staff, member, contact):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5520.00"))
    services.call_off_place(contract=contract, board=member, lines=[connectivity()], by=contact)

    services.call_off_place(contract=contract, board=member, lines=[security()], by=contact)

    assert services.used(contract) == Decimal("5520.00")
    assert services.headroom(contract) == Decimal("0.00")


def test_a_call_off_one_cent_past_the_maximum_is_refused_with_the_headroom(staff, member, contact):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5519.99"))
    services.call_off_place(contract=contract, board=member, lines=[connectivity()], by=contact)
    before = stored()

    with pytest.raises(RuleViolation) as refused:
        services.call_off_place(contract=contract, board=member, lines=[security()], by=contact)

    assert refused.value.code == "maximum"
    assert refused.value.messages[0] == (
        f"This call-off of EUR 720.00 would pass the maximum of the framework contract "
        f"{contract.reference} (EUR 5519.99): EUR 719.99 is left."
    )
    assert stored() == before


def test_a_maximum_in_locations_counts_quantities(staff, member, contact):
    contract = make_contract(
        by=staff,
        boards=[member],
        maximum_kind="locations",
        maximum_value=None,
        maximum_quantity=10,
    )
    services.call_off_place(contract=contract, board=member, lines=[connectivity(9)], by=contact)

    with pytest.raises(RuleViolation, match=r"of 2 locations .* 1 location is left"):
        services.call_off_place(
            contract=contract, board=member, lines=[connectivity(2)], by=contact
        )
    services.call_off_place(contract=contract, board=member, lines=[connectivity(1)], by=contact)
    assert services.used(contract) == 10


def test_a_call_off_of_several_lines_is_refused_as_a_whole(staff, member, contact):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5000.00"))
    with pytest.raises(RuleViolation, match=r"EUR 5520.00"):
        services.call_off_place(
            contract=contract, board=member, lines=[connectivity(), security()], by=contact
        )
    assert CallOff.objects.count() == 0


def test_a_call_off_is_for_a_rate_of_the_contract(contract, member, contact):
    with pytest.raises(RuleViolation) as refused:
        services.call_off_place(
            contract=contract, board=member, lines=[CallOffLine("connectivity", "10g")], by=contact
        )
    assert refused.value.code == "no_rate"
    assert "connectivity/1g, security/standard" in refused.value.messages[0]
    with pytest.raises(RuleViolation, match="quantity"):
        services.call_off_place(contract=contract, board=member, lines=[security(0)], by=contact)
    with pytest.raises(RuleViolation, match="at least one line"):
        services.call_off_place(contract=contract, board=member, lines=[], by=contact)
    assert CallOff.objects.count() == 0


def test_only_participating_member_boards_call_off(staff, contract):
    other = member_board(staff, duo_number="30001")
    with pytest.raises(RuleViolation, match="30001 does not take part"):
        services.call_off_place(contract=contract, board=other, lines=[security()], by=staff)


def test_a_board_calls_off_for_itself_only(contract, member, outsider):
    with pytest.raises(PermissionDenied):
        services.call_off_place(contract=contract, board=member, lines=[security()], by=outsider)
    assert CallOff.objects.count() == 0


def test_a_call_off_falls_within_the_term(staff, member, contact):
    ended = make_contract(
        by=staff,
        boards=[member],
        starts_on=TODAY - timedelta(days=400),
        ends_on=TODAY - timedelta(days=1),
    )
    with pytest.raises(StateConflict, match="outside it"):
        services.call_off_place(contract=ended, board=member, lines=[security()], by=contact)
    upcoming = make_contract(
        by=staff,
        boards=[member],
        title="Later",
        starts_on=TODAY + timedelta(days=10),
        ends_on=TODAY + timedelta(days=400),
    )
    with pytest.raises(StateConflict, match="outside it"):
        services.call_off_place(contract=upcoming, board=member, lines=[security()], by=contact)
    placed = services.call_off_place(
        contract=upcoming,
        board=member,
        lines=[security()],
        by=contact,
        on=TODAY + timedelta(days=10),
    )
    assert placed[0].starts_on == TODAY + timedelta(days=10)
    with pytest.raises(RuleViolation, match="in the past"):
        services.call_off_place(
            contract=ended,
            board=member,
            lines=[security()],
            by=contact,
            on=TODAY - timedelta(days=2),
        )


def test_a_board_that_left_calls_off_no_more(staff, contract, member, contact):
    from bundel.membership.models import Membership

    Membership.objects.filter(board=member).update(state="ended")
    with pytest.raises(RuleViolation, match="not a member"):
        services.call_off_place(contract=contract, board=member, lines=[security()], by=contact)


# --- joining later ----------------------------------------------------------------------


def test_a_member_board_joins_later_within_the_headroom(staff, contract):
    board = member_board(staff, duo_number="30001")
    contact = UserFactory(board=board)

    participant = services.contract_join(
        contract=contract, board=board, by=contact, lines=[connectivity(2)]
    )

    assert participant.joined_on == TODAY and participant.joined_later
    assert CallOff.objects.get(board=board).yearly_value == Decimal("9600.00")
    entry = AuditEntry.objects.get(action="contracts.participant.joined")
    assert entry.data == {"board": "30001", "joined_on": TODAY.isoformat(), "headroom": "100000.00"}


def test_joining_with_call_offs_past_the_headroom_stores_nothing(staff, contract, member, contact):
    services.call_off_place(contract=contract, board=member, lines=[connectivity(20)], by=contact)
    board = member_board(staff, duo_number="30001")  # EUR 4,000 is left
    before = stored()

    with pytest.raises(RuleViolation, match=r"EUR 4000.00 is left"):
        services.contract_join(contract=contract, board=board, by=staff, lines=[connectivity()])

    assert stored() == before


def test_joining_is_refused_when_the_headroom_is_used(staff, member, contact):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("4800.00"))
    services.call_off_place(contract=contract, board=member, lines=[connectivity()], by=contact)
    board = member_board(staff, duo_number="30001")

    with pytest.raises(RuleViolation) as refused:
        services.contract_join(contract=contract, board=board, by=staff)

    assert refused.value.code == "no_headroom"
    assert "EUR 4800.00" in refused.value.messages[0]
    assert not ContractParticipant.objects.filter(board=board).exists()


def test_joining_after_the_end_is_refused(staff, member):
    contract = make_contract(
        by=staff, starts_on=TODAY - timedelta(days=400), ends_on=TODAY - timedelta(days=1)
    )
    with pytest.raises(StateConflict, match=f"ended on {TODAY - timedelta(days=1)}"):
        services.contract_join(contract=contract, board=member, by=staff)
    # On its last day a board still joins.
    assert services.contract_join(
        contract=contract, board=member, by=staff, on=TODAY - timedelta(days=1)
    ).pk


def test_only_members_join_once(staff, contract, member, outsider_board):
    with pytest.raises(StateConflict, match="already takes part"):
        services.contract_join(contract=contract, board=member, by=staff)
    with pytest.raises(RuleViolation, match="10249 is not a member"):
        services.contract_join(contract=contract, board=outsider_board, by=staff)


def test_a_contact_lets_only_its_own_board_join(staff, contract, contact, supplier):
    board = member_board(staff, duo_number="30001")
    with pytest.raises(PermissionDenied):
        services.contract_join(contract=contract, board=board, by=contact)
    with pytest.raises(PermissionDenied):
        services.contract_join(contract=contract, board=board, by=supplier)
    assert not ContractParticipant.objects.filter(board=board).exists()

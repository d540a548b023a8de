"""Two call-offs at the same moment that together pass the maximum: the contract row is
locked, so exactly one is accepted (PostgreSQL only)."""

from decimal import Decimal

import pytest

from bundel.audit.models import AuditEntry
from bundel.contracts import services
from bundel.contracts.models import CallOff
from bundel.contracts.services import CallOffLine
from bundel.core.errors import RuleViolation

from ..concurrency import run_at_once
from ..factories import UserFactory
from .factories import make_contract, member_board

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_call_offs_past_the_maximum_at_once_accept_exactly_one(staff, member, contact):
    other = member_board(staff, duo_number="30001")
    other_contact = UserFactory(board=other)
    # Room for one connectivity line of EUR 4,800 a year, not for two.
    contract = make_contract(by=staff, boards=[member, other], maximum_value=Decimal("9000.00"))

    def call_off(board, by):
        return lambda: services.call_off_place(
            contract=contract, board=board, lines=[CallOffLine("connectivity", "1g")], by=by
        )

    outcomes = run_at_once(call_off(member, contact), call_off(other, other_contact))

    accepted = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert (len(accepted), len(refused)) == (1, 1), outcomes
    assert refused[0].code == "maximum"
    assert "EUR 4200.00 is left" in refused[0].messages[0]
    assert CallOff.objects.count() == 1
    assert services.used(contract) == Decimal("4800.00")
    assert AuditEntry.objects.filter(action="contracts.call_off.placed").count() == 1


def test_two_boards_joining_the_last_headroom_at_once(staff, member, contact):
    """Each joins with a call-off that uses the whole headroom: the one that comes second
    finds none left, and neither joins nor calls off."""
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("4800.00"))
    boards = [member_board(staff, duo_number=f"3000{n}") for n in range(2)]

    outcomes = run_at_once(
        *[
            (
                lambda b=board: services.contract_join(
                    contract=contract, board=b, by=staff, lines=[CallOffLine("connectivity", "1g")]
                )
            )
            for board in boards
        ]
    )

    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(refused) == 1 and refused[0].code == "no_headroom"
    assert contract.participants.count() == 2  # the member and one of the two
    assert CallOff.objects.count() == 1

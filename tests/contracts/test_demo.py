"""The demo contract: made through the services next to the demo tenders, running, with
rates, boards from the award and joined later, call-offs; a second run makes nothing."""

from decimal import Decimal

from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry
from bundel.contracts.demo import RATES, SUPPLIER, seed_demo
from bundel.contracts.models import CallOff, ContractParticipant, FrameworkContract
from bundel.tenders.constants import TenderState
from bundel.tenders.demo import seed_demo as seed_tenders

from ..factories import LocationFactory, UserFactory
from .factories import member_board


def test_the_demo_contract_runs_with_rates_boards_and_call_offs(staff, catalogue):
    boards = [member_board(staff, duo_number=f"3000{n}") for n in range(7)]
    LocationFactory(board=boards[0])
    supplier = UserFactory(role=Role.SUPPLIER, board=None, organisation=SUPPLIER)
    seed_tenders(staff=staff)

    assert seed_demo(staff=staff) == 1

    contract = FrameworkContract.objects.get()
    today = timezone.localdate()
    assert contract.runs_on(today)
    assert contract.supplier_user == supplier
    assert contract.lot.tender.state == TenderState.CONTRACTED
    assert (contract.ends_on - contract.starts_on).days in (1460, 1461)  # 4 years
    assert contract.rates.count() == len(RATES) == 12
    participants = ContractParticipant.objects.filter(contract=contract)
    assert participants.count() == 6
    assert participants.filter(joined_later=True).count() == 2
    assert CallOff.objects.filter(contract=contract).count() == 18
    first = CallOff.objects.get(board=boards[0], product__code="connectivity")
    assert (first.quantity, first.yearly_value) == (2, Decimal("10056.00"))  # 2 x 12 x 419
    assert AuditEntry.objects.filter(action="contracts.contract.created").count() == 1


def test_a_second_run_makes_nothing(staff, catalogue):
    for n in range(3):
        member_board(staff, duo_number=f"3000{n}")
    assert seed_demo(staff=staff) == 1
    counts = (
        FrameworkContract.objects.count(),
        CallOff.objects.count(),
        AuditEntry.objects.count(),
    )

    assert seed_demo(staff=staff) == 0
    assert (
        FrameworkContract.objects.count(),
        CallOff.objects.count(),
        AuditEntry.objects.count(),
    ) == counts

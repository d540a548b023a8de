"""Framework contracts made through the services: an awarded tender (moved through its
states by the tenders services, its standstill period over), member boards (through the
membership services) and a contract on the tender's first lot with two rates."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bundel.catalogue.models import CapacityOption, ProductGroup
from bundel.contracts import services
from bundel.contracts.services import RateInput
from bundel.membership import services as membership_services
from bundel.membership.models import AgreementVersion
from bundel.tenders import services as tender_services
from bundel.tenders.services import CriterionInput, LotInput

from ..factories import BoardFactory, LocationFactory

START = date(2027, 1, 1)
END = date(2030, 12, 31)  # exactly 4 years, the end date included


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def tender_in_standstill(
    *, by, decided_on: date | None = None, title: str = "Connectiviteit", lots: int = 2
):
    """An open tender for connectivity and security, published 120 days ago, whose award
    decision was sent on `decided_on` (default 65 days ago: the standstill has ended)."""
    today = timezone.localdate()
    notice = today - timedelta(days=120)
    closing = notice + timedelta(days=50)
    groups = [ProductGroup.objects.get(code=code) for code in ("connectivity", "security")]
    tender = tender_services.tender_create(
        by=by,
        product_groups=groups,
        lots=[LotInput(n, f"Perceel {n}") for n in range(1, lots + 1)],
        criteria=[CriterionInput("Kwaliteit", Decimal(10), weight=Decimal(60))],
        title=title,
        description="",
        procedure="open",
        estimated_value=Decimal("900000.00"),
        notice_date=notice,
        closing_at=at_noon(closing),
        award_method="points",
        price_weight=Decimal(40),
    )
    tender_services.tender_open_demand(tender=tender, by=by)
    tender_services.tender_publish(tender=tender, by=by, on=notice)
    tender_services.tender_close(tender=tender, by=by, now=at_noon(closing + timedelta(days=1)))
    tender_services.tender_start_evaluation(tender=tender, by=by)
    tender_services.tender_decide_award(tender=tender, by=by)
    return tender_services.tender_start_standstill(
        tender=tender, by=by, on=decided_on or today - timedelta(days=65)
    )


def capacity(product: str, code: str) -> CapacityOption:
    return CapacityOption.objects.get(product__code=product, code=code)


def admit(board, staff, on: date = date(2026, 1, 10)):
    AgreementVersion.objects.get_or_create(
        kind="membership", version="2026.1", defaults={"valid_from": date(2026, 1, 1)}
    )
    membership = membership_services.membership_start(
        board=board, kind="application", by=staff, on=on
    )
    membership_services.agreement_sign(
        membership=membership,
        kind="membership",
        version="2026.1",
        signed_on=on,
        signer="Anna de Vries, voorzitter",
        by=staff,
    )
    return membership_services.membership_admit(membership=membership, by=staff, on=on)


def member_board(staff, **kwargs):
    board = BoardFactory(**kwargs)
    LocationFactory(board=board)
    admit(board, staff)
    return board


RATES = [("connectivity", "1g", Decimal("400.00")), ("security", "standard", Decimal("60.00"))]


def make_contract(*, by, lot=None, rates=RATES, boards=(), **overrides):
    """A contract on lot 1 of a new awarded tender, running now unless told otherwise:
    EUR 100,000 a year at most, 1 Gbit/s connectivity at 400 and security at 60."""
    if lot is None:
        lot = tender_in_standstill(by=by, title=overrides.pop("title", "Connectiviteit")).lots.get(
            number=1
        )
    today = timezone.localdate()
    values = {
        "supplier_name": "Netwerk B.V.",
        "starts_on": today - timedelta(days=30),
        "ends_on": today - timedelta(days=31) + timedelta(days=3 * 365),
        "maximum_kind": "value",
        "maximum_value": Decimal("100000.00"),
        **overrides,
    }
    return services.contract_create(
        lot=lot,
        by=by,
        rates=[RateInput(capacity(p, c), rate) for p, c, rate in rates],
        boards=list(boards),
        **values,
    )

"""The demo's framework contract for `make run`, made through the services (so the award,
the term, the maximum and the audit trail apply): the first round of the connectivity and
security tender, awarded and contracted this year, running for 4 years with rates for the
connectivity and security products, a few member boards taking part from the award, two
that joined later, and their call-offs.

Needs the catalogue (`catalogue.demo.load_catalogue`) and the demo memberships; run after
`tenders.demo.seed_demo`. When no tender is awarded yet, the contract's own tender is made
and moved through its states by the tenders services, its dates in the past."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.catalogue.models import CapacityOption, ProductGroup
from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.registry.models import Board
from bundel.tenders import law
from bundel.tenders import services as tender_services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Lot, Tender
from bundel.tenders.services import CriterionInput, LotInput

from . import services
from .models import FrameworkContract
from .services import CallOffLine, RateInput

SUPPLIER = "Demo Netwerken B.V."
TENDER_TITLE = "Externe connectiviteit en informatiebeveiliging, eerste ronde startgroep"

# (product, capacity, monthly rate): about 12% below the demo catalogue's prices.
RATES = [
    ("connectivity", "100m", D("158.00")),
    ("connectivity", "500m", D("282.00")),
    ("connectivity", "1g", D("419.00")),
    ("connectivity", "10g", D("1095.00")),
    ("anti-ddos", "standard", D("39.50")),
    ("firewall", "standard", D("83.50")),
    ("telephony", "standard", D("52.00")),
    ("colocation", "rack-unit", D("35.00")),
    ("security", "standard", D("64.50")),
    ("anti-spam", "standard", D("13.00")),
    ("url-filter", "standard", D("17.50")),
    ("incident-response", "standard", D("105.00")),
]
FROM_THE_AWARD = 4  # member boards taking part from the start
JOINED_LATER = 2


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _awarded_tender(staff, today: date) -> Tender:
    """The first round, published about eight months ago and contracted since."""
    first_threshold = law.eu_thresholds()[0][0]
    notice = max(today - timedelta(days=240), first_threshold)
    closing = notice + timedelta(days=50)
    groups = list(ProductGroup.objects.filter(code__in=("connectivity", "security")))
    tender = tender_services.tender_create(
        by=staff,
        product_groups=groups,
        lots=[LotInput(1, "Landelijk", "Alle locaties van de deelnemende besturen")],
        criteria=[
            CriterionInput("Plan van aanpak migratie", D(10), weight=D(30)),
            CriterionInput("Service en beheer", D(10), weight=D(30)),
        ],
        title=TENDER_TITLE,
        description=(
            "De eerste aanbesteding van de startgroep: netwerk tussen de schoollocaties, "
            "internettoegang en de informatiebeveiligingsdiensten die daarbij horen."
        ),
        procedure="open",
        estimated_value=D("6400000.00"),
        notice_date=notice,
        closing_at=_at(closing),
        award_method="points",
        price_weight=D(40),
    )
    tender_services.tender_open_demand(tender=tender, by=staff)
    tender_services.tender_publish(tender=tender, by=staff, on=notice)
    tender_services.tender_close(tender=tender, by=staff, now=_at(closing + timedelta(days=1)))
    tender_services.tender_start_evaluation(tender=tender, by=staff)
    tender_services.tender_decide_award(tender=tender, by=staff)
    return tender_services.tender_start_standstill(
        tender=tender, by=staff, on=closing + timedelta(days=30)
    )


def _lot(staff, today: date) -> Lot:
    tender = Tender.objects.filter(title=TENDER_TITLE).first() or _awarded_tender(staff, today)
    return tender.lots.order_by("number").first()


def _member_boards() -> list[Board]:
    """Member boards with locations: the demo's founding members first."""
    members = Membership.objects.filter(state__in=MEMBER_STATES).order_by(
        "-is_founding", "board__duo_number"
    )
    boards = []
    for membership in members.select_related("board")[:40]:
        if membership.board.locations.exists():
            boards.append(membership.board)
        if len(boards) == FROM_THE_AWARD + JOINED_LATER:
            break
    return boards


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: nothing is made when the demo supplier has a contract. Returns how many
    contracts were made (0 or 1)."""
    if FrameworkContract.objects.filter(supplier_name=SUPPLIER).exists():
        return 0
    if ProductGroup.objects.filter(code__in=("connectivity", "security")).count() != 2:
        return 0  # the catalogue is not loaded
    today = timezone.localdate()
    lot = _lot(staff, today)
    tender = lot.tender
    if tender.state not in (TenderState.STANDSTILL, TenderState.CONTRACTED) or hasattr(
        lot, "contract"
    ):
        return 0
    signed_on = tender_services.standstill_ends(tender) + timedelta(days=1)
    starts_on = (signed_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    capacities = {
        (c.product.code, c.code): c for c in CapacityOption.objects.select_related("product")
    }
    boards = _member_boards()
    contract = services.contract_create(
        lot=lot,
        by=staff,
        supplier_name=SUPPLIER,
        supplier_user=User.objects.filter(role=Role.SUPPLIER, organisation=SUPPLIER).first(),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=services.latest_end(starts_on),
        maximum_kind="value",
        maximum_value=D("2500000.00"),
        rates=[RateInput(capacities[(p, c)], rate) for p, c, rate in RATES if (p, c) in capacities],
        boards=boards[:FROM_THE_AWARD],
    )
    if not contract.runs_on(today):
        return 1
    for board in boards[FROM_THE_AWARD:]:
        services.contract_join(contract=contract, board=board, by=staff)
    for board in boards:
        locations = min(board.locations.count(), 6)
        services.call_off_place(
            contract=contract,
            board=board,
            lines=[
                CallOffLine("connectivity", "1g", locations),
                CallOffLine("security", "standard", locations),
                CallOffLine("firewall", "standard", max(1, locations // 2)),
            ],
            by=staff,
        )
    return 1

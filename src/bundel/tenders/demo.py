"""Demo tenders for `make run`, made through the services (so the law, the weights and the
audit trail apply): the seed's three tenders being worked out, each in another state.
Needs the catalogue's product groups (`catalogue.demo.load_catalogue`).

The demand: founding members registered theirs for the published connectivity tender
before it was published (its bundled demand is what went to the market), and a few are
registering theirs for the wifi tender, which is in demand registration. The first
founding member (the demo login `lid`) is left out of the wifi tender, to register itself.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bundel.catalogue.models import ProductGroup
from bundel.membership.models import Membership
from bundel.registry.constants import VO_SECTOR_TYPES
from bundel.registry.selectors import board_locations

from . import services
from .models import Participation, Tender
from .services import CriterionInput, DemandLineInput, LotInput

# The regional lots of the connectivity tender.
REGIONS = {
    1: ("Groningen", "Friesland", "Drenthe", "Overijssel", "Gelderland"),
    2: ("Noord-Holland", "Zuid-Holland", "Utrecht", "Flevoland", "Zeeland"),
    3: ("Noord-Brabant", "Limburg"),
}
LOCATIONS_PER_BOARD = 12


def _at(day, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _tenders(today) -> list[dict]:
    published_on = today - timedelta(days=5)
    notice = today + timedelta(days=14)
    return [
        {
            "title": "Externe connectiviteit en informatiebeveiliging 2027",
            "description": (
                "Het netwerk tussen de schoollocaties en de internettoegang, met anti-DDoS, "
                "firewalldiensten, vaste telefonie en colocatie, en de "
                "informatiebeveiligingsdiensten die daarbij horen."
            ),
            "groups": ["connectivity", "security"],
            "procedure": "open",
            "estimated_value": Decimal("4800000.00"),
            "notice_date": published_on,
            "demand_deadline": published_on - timedelta(days=7),
            "closing_at": _at(published_on + timedelta(days=50)),
            "award_method": "points",
            "price_weight": Decimal("40"),
            "lots": [
                LotInput(
                    1, "Noord en Oost", "Groningen, Friesland, Drenthe, Overijssel, Gelderland"
                ),
                LotInput(2, "West", "Noord-Holland, Zuid-Holland, Utrecht, Flevoland, Zeeland"),
                LotInput(3, "Zuid", "Noord-Brabant en Limburg"),
            ],
            "criteria": [
                CriterionInput("Plan van aanpak migratie", Decimal(10), weight=Decimal(25)),
                CriterionInput("Service en beheer", Decimal(10), weight=Decimal(20)),
                CriterionInput("Informatiebeveiliging", Decimal(10), weight=Decimal(15)),
            ],
            "publish_on": published_on,
        },
        {
            "title": "Wifi en intern vast netwerk",
            "description": "Wifi en, waar gewenst, het interne vaste netwerk in de schoollocaties.",
            "groups": ["network"],
            "procedure": "restricted",
            "estimated_value": Decimal("2400000.00"),
            "notice_date": notice,
            "demand_deadline": notice - timedelta(days=4),
            "requests_deadline": notice + timedelta(days=30),
            "invitation_date": notice + timedelta(days=45),
            "closing_at": _at(notice + timedelta(days=45 + 40)),
            "award_method": "value",
            "price_weight": None,
            "lots": [LotInput(1, "Primair onderwijs"), LotInput(2, "Voortgezet onderwijs")],
            "criteria": [
                CriterionInput(
                    "Dekking en capaciteit",
                    Decimal(5),
                    scale_min=Decimal(1),
                    max_value=Decimal("150000.00"),
                ),
                CriterionInput(
                    "Duurzaamheid", Decimal(5), scale_min=Decimal(1), max_value=Decimal("50000.00")
                ),
            ],
            "open_demand": True,
        },
        {
            "title": "Serverinfrastructuur in de cloud (IaaS)",
            "description": "Virtuele machines voor besturen die hun servers willen centraliseren.",
            "groups": ["cloud"],
            "procedure": "multiple_private",
            "estimated_value": Decimal("180000.00"),
            "notice_date": notice,
            "closing_at": _at(notice + timedelta(days=28)),
            "award_method": "points",
            "price_weight": Decimal("50"),
            "lots": [LotInput(1, "IaaS")],
            "criteria": [CriterionInput("Kwaliteit", Decimal(10), weight=Decimal(50))],
        },
    ]


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: a tender whose title exists is left alone. Returns how many were made."""
    today = timezone.localdate()
    groups = {group.code: group for group in ProductGroup.objects.all()}
    created = 0
    for spec in _tenders(today):
        if Tender.objects.filter(title=spec["title"]).exists():
            continue
        if not all(code in groups for code in spec["groups"]):
            continue  # the catalogue is not loaded
        values = {
            key: value
            for key, value in spec.items()
            if key not in ("groups", "lots", "criteria", "publish_on", "open_demand")
        }
        tender = services.tender_create(
            by=staff,
            product_groups=[groups[code] for code in spec["groups"]],
            lots=spec["lots"],
            criteria=spec["criteria"],
            **values,
        )
        if spec.get("open_demand") or spec.get("publish_on"):
            services.tender_open_demand(tender=tender, by=staff)
        if spec.get("publish_on"):
            # The demand was registered before the notice went out.
            registered = _at(spec["publish_on"] - timedelta(days=12), 10)
            _register(tender, _founding(), _connectivity_lines, staff=staff, now=registered)
            services.tender_publish(tender=tender, by=staff, on=spec["publish_on"])
        created += 1
    wifi = Tender.objects.filter(title=_tenders(today)[1]["title"], state="demand_registration")
    for tender in wifi:
        if not tender.participations.exists():
            _register(tender, _founding()[1:], _wifi_lines, staff=staff)
    return created


def _founding() -> list:
    """Five founding members, the first one's board first."""
    members = Membership.objects.filter(is_founding=True, state="member").select_related("board")
    return [m.board for m in members.order_by("board__duo_number")[:5]]


def _first_of_month(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _register(tender, boards, lines_for, *, staff, now=None) -> int:
    made = 0
    start = _first_of_month(timezone.localdate(now) if now else timezone.localdate(), 9)
    for board in boards:
        locations = list(board_locations(board)[:LOCATIONS_PER_BOARD])
        lines = [line for n, loc in enumerate(locations) for line in lines_for(loc, n, start)]
        if lines and not Participation.objects.filter(tender=tender, board=board).exists():
            services.participation_register(
                tender=tender, board=board, lines=lines, by=staff, now=now
            )
            made += 1
    return made


def _connectivity_lines(location, n: int, start: date) -> list[DemandLineInput]:
    """Bandwidth by the location's pupils; the security it requires; some optional
    services (whose demand thresholds the bundled demand shows)."""
    lot = next((lot for lot, provinces in REGIONS.items() if location.province in provinces), 2)
    pupils = location.latest_pupils or 0
    capacity = "100m" if pupils < 200 else "500m" if pupils < 600 else "1g"
    lines = [
        DemandLineInput(lot, location.code, "connectivity", capacity, start),
        DemandLineInput(lot, location.code, "security", None, start),
    ]
    for product, every in (("anti-spam", 2), ("url-filter", 3), ("incident-response", 5)):
        if n % every == 0:
            lines.append(DemandLineInput(lot, location.code, product, None, start))
    return lines


def _wifi_lines(location, n: int, start: date) -> list[DemandLineInput]:
    """Lot 1 for primary locations, lot 2 for secondary; wifi by the pupils."""
    lot = 2 if location.sector_type in VO_SECTOR_TYPES else 1
    pupils = location.latest_pupils or 0
    lines = [
        DemandLineInput(
            lot, location.code, "wifi", "s" if pupils < 300 else "m" if pupils < 900 else "l", start
        )
    ]
    if n % 2 == 0:
        lines.append(DemandLineInput(lot, location.code, "lan", None, start))
    return lines

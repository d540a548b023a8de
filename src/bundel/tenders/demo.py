"""Demo tenders for `make run`, made through the services (so the law, the weights and the
audit trail apply): the seed's three tenders being worked out, each in another state.
Needs the catalogue's product groups (`catalogue.demo.load_catalogue`)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bundel.catalogue.models import ProductGroup

from . import services
from .models import Tender
from .services import CriterionInput, LotInput


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
            services.tender_publish(tender=tender, by=staff, on=spec["publish_on"])
        created += 1
    return created

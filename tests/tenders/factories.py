"""Tenders made through the services, valid by default: an open procedure whose notice
goes out tomorrow and whose bids close 60 days later, weighted points 60/40, two lots."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bundel.catalogue.models import ProductGroup
from bundel.tenders import services
from bundel.tenders.services import CriterionInput, LotInput


def product_group(code: str = "connectivity") -> ProductGroup:
    group, _ = ProductGroup.objects.get_or_create(
        code=code, defaults={"name_nl": f"Groep {code}", "name_en": f"Group {code}"}
    )
    return group


def at_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def tender_values(**overrides) -> dict:
    notice = timezone.localdate() + timedelta(days=1)
    values = {
        "title": "Externe connectiviteit 2027",
        "description": "Netwerk tussen locaties en internettoegang.",
        "procedure": "open",
        "estimated_value": Decimal("500000.00"),
        "notice_date": notice,
        "requests_deadline": None,
        "invitation_date": None,
        "closing_at": at_noon(notice + timedelta(days=60)),
        "electronic": True,
        "documents_online": True,
        "award_method": "points",
        "price_weight": Decimal("60"),
    }
    return {**values, **overrides}


def make_tender(*, by, groups=None, lots=None, criteria=None, **overrides):
    return services.tender_create(
        by=by,
        product_groups=groups if groups is not None else [product_group()],
        lots=lots
        if lots is not None
        else [LotInput(1, "Noord"), LotInput(2, "Zuid", "Limburg en Brabant")],
        criteria=criteria
        if criteria is not None
        else [CriterionInput("Plan van aanpak", Decimal(10), weight=Decimal(40))],
        **tender_values(**overrides),
    )

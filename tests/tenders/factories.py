"""Tenders made through the services, valid by default: an open procedure whose notice
goes out tomorrow and whose bids close 60 days later, weighted points 60/40, two lots."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bundel.catalogue.demo import load_catalogue
from bundel.catalogue.models import Product, ProductGroup
from bundel.registry.models import School
from bundel.tenders import services
from bundel.tenders.services import CriterionInput, LotInput
from tests.factories import LocationFactory, MembershipFactory, PupilCountFactory


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


# --- demand registration ------------------------------------------------------------


def catalogue() -> dict[str, Product]:
    """The shipped catalogue (connectivity requires security; optional security
    services with demand thresholds)."""
    load_catalogue()
    return {product.code: product for product in Product.objects.all()}


def make_member(board, *, since=date(2026, 2, 1)):
    """A membership as stored (the membership services are tested elsewhere)."""
    return MembershipFactory(board=board, state="member", applied_on=since, admitted_on=since)


def demand_tender(*, by, groups=("connectivity", "security"), deadline=None, **overrides):
    """A tender of the shipped catalogue in demand registration, lots 1 and 2."""
    catalogue()
    notice = timezone.localdate() + timedelta(days=30)
    tender = make_tender(
        by=by,
        groups=[ProductGroup.objects.get(code=code) for code in groups],
        notice_date=notice,
        closing_at=at_noon(notice + timedelta(days=60)),
        demand_deadline=deadline or notice - timedelta(days=5),
        **overrides,
    )
    return services.tender_open_demand(tender=tender, by=by)


def place(board, code: str, *, pupils=None, sector="bo", province="Utrecht", **counts):
    """A location of `board` with its pupils at DUO's count date of its sector type
    (po 2019, vo 2025); `counts` add other sector types (e.g. so=20, vso=30)."""
    school = School.objects.get_or_create(brin=code[:4])[0]
    location = LocationFactory(
        board=board, school=school, code=code, sector_type=sector, province=province
    )
    for sector_type, number in ([(sector, pupils)] if pupils is not None else []) + list(
        counts.items()
    ):
        PupilCountFactory(
            location=location,
            sector_type=sector_type,
            count_date=COUNT_DATES[sector_type],
            pupils=number,
        )
    return location


COUNT_DATES = {
    "bo": date(2019, 10, 1),
    "sbo": date(2019, 10, 1),
    "so": date(2019, 10, 1),
    "vso": date(2019, 10, 1),
    "vo": date(2025, 10, 1),
}


def line(lot, location, product, capacity=None, start=None) -> services.DemandLineInput:
    code = location if isinstance(location, str) else location.code
    return services.DemandLineInput(
        lot, code, product, capacity, start or timezone.localdate() + timedelta(days=200)
    )


def connectivity(lot, location, capacity="1g", start=None) -> list[services.DemandLineInput]:
    """Connectivity with the security it requires."""
    return [
        line(lot, location, "connectivity", capacity, start),
        line(lot, location, "security", "standard", start),
    ]

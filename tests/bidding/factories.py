"""Bidding test data made through the services: a published tender (open procedure,
weighted points 60/40 as in the issue's example, two lots), suppliers, small PDFs."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.bidding import services
from bundel.catalogue.models import ProductGroup
from bundel.tenders import services as tender_services
from bundel.tenders.services import CriterionInput, LotInput

from ..factories import UserFactory

CRITERION = "Plan van aanpak"


def at_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def product_group(code: str = "connectivity") -> ProductGroup:
    group, _ = ProductGroup.objects.get_or_create(
        code=code, defaults={"name_nl": f"Groep {code}", "name_en": f"Group {code}"}
    )
    return group


def make_tender(*, by, publish: bool = True, criteria=None, lots=None, **overrides):
    """Published today, bids close at noon 60 days later (unless told otherwise)."""
    today = timezone.localdate()
    values = {
        "title": "Externe connectiviteit 2027",
        "description": "Netwerk tussen locaties en internettoegang.",
        "procedure": "open",
        "estimated_value": Decimal("500000.00"),
        "notice_date": today,
        "closing_at": at_noon(today + timedelta(days=60)),
        "award_method": "points",
        "price_weight": Decimal("60"),
        **overrides,
    }
    tender = tender_services.tender_create(
        by=by,
        product_groups=[product_group()],
        lots=lots or [LotInput(1, "Noord"), LotInput(2, "Zuid")],
        criteria=criteria or [CriterionInput(CRITERION, Decimal(10), weight=Decimal(40))],
        **values,
    )
    if publish:
        tender_services.tender_open_demand(tender=tender, by=by)
        tender = tender_services.tender_publish(tender=tender, by=by, on=today)
    return tender


def make_supplier(username: str = "supplier", organisation: str = "Netwerk B.V.", **kwargs):
    return UserFactory(
        username=username,
        role=Role.SUPPLIER,
        board=None,
        organisation=organisation,
        **kwargs,
    )


def pdf(text: str = "bijlage") -> bytes:
    """Enough of a PDF for a check by content: the magic bytes, then anything."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def upload(name: str = "bijlage.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf(name) if content is None else content, "application/pdf")


def lot(tender, number: int = 1):
    return tender.lots.get(number=number)


def submit(tender, supplier, *, number: int = 1, price="100000.00", answer="Ons plan.", **kw):
    answers = kw.pop("answers", None) or {c.name: answer for c in tender.criteria.all()}
    return services.bid_submit(
        tender=tender,
        lot=lot(tender, number),
        by=supplier,
        price=Decimal(price),
        answers=answers,
        **kw,
    )

"""Sealed bids: a supplier submits a price and an answer to every quality criterion of a
lot, with PDF attachments, before the closing time by the server clock.

A submission is never changed. Submitting again for the same lot stores a new bid with
the next sequence number and marks the previous one superseded (both audited; the old
one is kept); only the latest counts. The tender's row is locked for the submission, so
two submissions at the same moment are stored one after the other and exactly one of
them is the latest.

The receipt's SHA-256 is that of the canonical JSON of the contents (`canonical_json`):
`{"answers": {criterion: text}, "attachments": [sha256, ...], "price": "1234.50"}` with
the keys sorted, the attachments' hashes sorted, no spaces, UTF-8 (non-ASCII as is).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Lot, Tender

from .. import clock
from ..models import Bid, BidAttachment, BidContent, attachment_path
from ..uploads import CheckedPdf, check_pdf, removing_files_on_error
from .common import locked_tender, moment, require_state, require_supplier

CENT = Decimal("0.01")
ANSWER_MAX = 20_000
PRICE_MAX = Decimal("999999999999.99")


def canonical_json(
    *, price: Decimal, answers: Mapping[str, str], attachment_hashes: Sequence[str]
) -> bytes:
    document = {
        "answers": {str(name): str(text) for name, text in answers.items()},
        "attachments": sorted(attachment_hashes),
        "price": f"{price.quantize(CENT)}",
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def contents_sha256(
    *, price: Decimal, answers: Mapping[str, str], attachment_hashes: Sequence[str]
) -> str:
    return hashlib.sha256(
        canonical_json(price=price, answers=answers, attachment_hashes=attachment_hashes)
    ).hexdigest()


def _price(value) -> Decimal:
    try:
        price = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            _("The price %(price)r is not a number."), code="price", params={"price": value}
        ) from None
    if not price.is_finite() or price <= 0 or price > PRICE_MAX:
        raise RuleViolation(
            _("The price must be more than 0 euros (it is %(price)s)."),
            code="price",
            params={"price": value},
        )
    if price != price.quantize(CENT):
        raise RuleViolation(
            _("The price is in euros and cents (it is %(price)s)."),
            code="price_cents",
            params={"price": value},
        )
    return price.quantize(CENT)


def _answers(tender: Tender, answers: Mapping[str, str]) -> dict[str, str]:
    """An answer to every criterion of the tender, in the criteria's order."""
    names = [criterion.name for criterion in tender.criteria.all()]
    for name in answers:
        if name not in names:
            raise RuleViolation(
                _("%(criterion)r is not an award criterion of this tender."),
                code="unknown_criterion",
                params={"criterion": name},
            )
    checked = {}
    for name in names:
        text = str(answers.get(name) or "").strip()
        if not text:
            raise RuleViolation(
                _("Answer the criterion %(criterion)r."),
                code="missing_answer",
                params={"criterion": name},
            )
        if len(text) > ANSWER_MAX:
            raise RuleViolation(
                _("The answer to %(criterion)r has %(length)s characters; at most %(max)s."),
                code="answer_too_long",
                params={"criterion": name, "length": len(text), "max": ANSWER_MAX},
            )
        checked[name] = text
    return checked


def _attachments(uploads: Sequence) -> list[CheckedPdf]:
    limit = settings.BIDDING_MAX_ATTACHMENTS
    if len(uploads) > limit:
        raise RuleViolation(
            _("A bid has at most %(max)s attachments (%(count)s were given)."),
            code="too_many_attachments",
            params={"max": limit, "count": len(uploads)},
        )
    return [check_pdf(upload) for upload in uploads]


@transaction.atomic
def bid_submit(
    *,
    tender: Tender,
    lot: Lot,
    by,
    price,
    answers: Mapping[str, str],
    attachments: Sequence = (),
) -> Bid:
    """Store a sealed bid for a lot; a previous one of the supplier for the lot is
    superseded. Refused after the closing time (the message names it)."""
    require_supplier(by)
    current = locked_tender(tender)
    now = clock.now()
    if now >= current.closing_at:
        raise RuleViolation(
            _("Bids closed at %(closing)s; this bid, received at %(received)s, is too late."),
            code="late_bid",
            params={"closing": moment(current.closing_at), "received": moment(now)},
        )
    require_state(
        current,
        (TenderState.PUBLISHED,),
        _("The tender %(tender)r is %(state)s: bids are submitted while it is published."),
    )
    if lot.tender_id != current.pk:
        raise RuleViolation(_("The lot is not one of this tender's."), code="lot")
    price = _price(price)
    answers = _answers(current, answers)
    files = _attachments(list(attachments))
    digest = contents_sha256(
        price=price, answers=answers, attachment_hashes=[f.sha256 for f in files]
    )
    mine = Bid.objects.filter(lot=lot, supplier=by)
    previous = mine.select_for_update().filter(superseded_at__isnull=True).first()
    sequence = (mine.aggregate(Max("sequence"))["sequence__max"] or 0) + 1
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    bid = Bid(
        tender=current,
        lot=lot,
        supplier=by,
        organisation=by.organisation or by.get_full_name() or by.get_username(),
        sequence=sequence,
        submitted_at=now,
        sha256=digest,
    )
    bid.full_clean()
    written: list[str] = []
    with removing_files_on_error(written):
        bid.save()
        content = BidContent(bid=bid, price=price, answers=answers)
        content.full_clean()
        content.save()
        for position, checked in enumerate(files, start=1):
            attachment = BidAttachment(
                content=content,
                position=position,
                file_name=checked.name,
                size=checked.size,
                sha256=checked.sha256,
            )
            name = default_storage.save(
                attachment_path(attachment, checked.name), ContentFile(checked.content)
            )
            written.append(name)
            attachment.file.name = name
            attachment.full_clean()
            attachment.save()
        if previous is not None:
            previous.superseded_by = bid
            previous.save(update_fields=["superseded_by"])
            audit_log(
                action="bidding.bid.superseded",
                obj=previous,
                actor=by,
                data={"tender": current.pk, "lot": lot.number, "superseded_by": bid.pk},
            )
        # The contents stay out of the audit trail (staff read it): only their hash.
        audit_log(
            action="bidding.bid.submitted",
            obj=bid,
            actor=by,
            data={
                "tender": current.pk,
                "lot": lot.number,
                "sequence": sequence,
                "sha256": digest,
                "supersedes": previous.pk if previous else None,
            },
        )
    return bid

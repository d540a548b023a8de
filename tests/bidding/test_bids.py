"""Submitting sealed bids: before the closing time only (server clock), an answer to every
criterion, PDF attachments, a receipt hash anyone can recompute, superseding instead of
changing, and the audit trail (which never holds the contents)."""

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bundel.audit.models import AuditEntry
from bundel.bidding import services
from bundel.bidding.models import Bid, BidAttachment, BidContent
from bundel.core.errors import RuleViolation, StateConflict

from .factories import CRITERION, lot, make_tender, pdf, submit, upload


def test_a_supplier_submits_a_bid_and_its_contents_are_stored_apart(tender, supplier):
    bid = submit(tender, supplier, price="123456.70", answer="Drie golven per regio.")

    assert (bid.lot.number, bid.sequence, bid.organisation) == (1, 1, "Netwerk B.V.")
    assert bid.superseded_at is None
    contents = BidContent.objects.get(bid=bid)
    assert contents.price == Decimal("123456.70")
    assert contents.answers == {CRITERION: "Drie golven per regio."}


def test_the_receipt_hash_is_the_sha256_of_the_canonical_json(tender, supplier):
    first, second = pdf("plan"), pdf("referenties")
    bid = submit(
        tender,
        supplier,
        price="99950.5",
        answers={CRITERION: "Plan “één” in fasen"},
        attachments=[upload("plan.pdf", first), upload("referenties.pdf", second)],
    )

    hashes = sorted(hashlib.sha256(content).hexdigest() for content in (first, second))
    # Written out by hand: sorted keys, no spaces, UTF-8 as is, price with two decimals.
    canonical = (
        '{"answers":{"Plan van aanpak":"Plan “één” in fasen"},'
        f'"attachments":["{hashes[0]}","{hashes[1]}"],"price":"99950.50"}}'
    ).encode()
    assert bid.sha256 == hashlib.sha256(canonical).hexdigest()
    # ... and recomputed from what is stored.
    contents = BidContent.objects.get(bid=bid)
    stored = json.dumps(
        {
            "answers": contents.answers,
            "attachments": sorted(a.sha256 for a in contents.attachments.all()),
            "price": str(contents.price),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert hashlib.sha256(stored.encode()).hexdigest() == bid.sha256
    for attachment in contents.attachments.all():
        with default_storage.open(attachment.file.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == attachment.sha256


def test_a_late_bid_is_refused_with_the_closing_time(tender, supplier, clock):
    clock.set(tender.closing_at)  # exactly at the closing time: too late

    with pytest.raises(RuleViolation) as refused:
        submit(tender, supplier)

    closing = timezone.localdate(tender.closing_at).isoformat()
    assert refused.value.code == "late_bid"
    assert refused.value.messages == [
        f"Bids closed at {closing} 12:00; this bid, received at {closing} 12:00, is too late."
    ]
    assert refused.value.params["closing"] == f"{closing} 12:00"
    assert not Bid.objects.exists()


def test_one_second_before_the_closing_time_is_in_time(tender, supplier, clock):
    clock.set(tender.closing_at - timedelta(seconds=1))

    bid = submit(tender, supplier)

    assert bid.submitted_at == tender.closing_at - timedelta(seconds=1)


def test_a_new_submission_supersedes_the_previous_one_which_is_kept(tender, supplier):
    first = submit(tender, supplier, price="120000")
    second = submit(tender, supplier, price="110000")

    first.refresh_from_db()
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.superseded_by == second and first.superseded_at == second.submitted_at
    assert second.superseded_at is None
    assert Bid.objects.filter(lot=first.lot, supplier=supplier).count() == 2
    assert BidContent.objects.get(bid=first).price == Decimal("120000.00")
    assert list(services.current_bids(tender)) == [second]
    superseded = AuditEntry.objects.get(action="bidding.bid.superseded")
    assert (superseded.object_id, superseded.data["superseded_by"]) == (str(first.pk), second.pk)
    submitted = AuditEntry.objects.get(action="bidding.bid.submitted", object_id=str(second.pk))
    assert submitted.data["supersedes"] == first.pk


def test_bids_per_lot_and_supplier_are_independent(tender, supplier, rival):
    submit(tender, supplier, number=1)
    submit(tender, supplier, number=2)
    submit(tender, rival, number=1)

    assert Bid.objects.filter(superseded_at__isnull=True).count() == 3
    assert set(Bid.objects.values_list("sequence", flat=True)) == {1}


def test_the_audit_trail_holds_the_hash_not_the_contents(tender, supplier):
    bid = submit(tender, supplier, price="4321.00", answer="Geheim antwoord")

    entry = AuditEntry.objects.get(action="bidding.bid.submitted")
    assert entry.actor == supplier
    assert entry.data == {
        "tender": tender.pk,
        "lot": 1,
        "sequence": 1,
        "sha256": bid.sha256,
        "supersedes": None,
    }
    assert "4321" not in json.dumps(entry.data) and "Geheim" not in json.dumps(entry.data)


@pytest.mark.parametrize(
    ("price", "code"),
    [("0", "price"), ("-5", "price"), ("100.005", "price_cents"), ("abc", "price")],
)
def test_a_price_must_be_positive_euros_and_cents(tender, supplier, price, code):
    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(
            tender=tender, lot=lot(tender), by=supplier, price=price, answers={CRITERION: "x"}
        )
    assert refused.value.code == code
    assert not Bid.objects.exists()


def test_every_criterion_is_answered_and_no_other(tender, supplier):
    with pytest.raises(RuleViolation) as missing:
        submit(tender, supplier, answers={CRITERION: "   "})
    with pytest.raises(RuleViolation) as unknown:
        submit(tender, supplier, answers={CRITERION: "ja", "Prijs": "laag"})

    assert missing.value.code == "missing_answer"
    assert "Plan van aanpak" in missing.value.messages[0]
    assert unknown.value.code == "unknown_criterion"
    assert not Bid.objects.exists()


def test_attachments_must_be_pdfs_by_content(tender, supplier, media_root):
    with pytest.raises(RuleViolation) as refused:
        submit(
            tender,
            supplier,
            attachments=[upload("ok.pdf"), upload("plan.pdf", b"PK\x03\x04 not a pdf")],
        )

    assert refused.value.code == "file_type"
    assert refused.value.messages == [
        "The file “plan.pdf” is not accepted: by its content it is of the type “damaged zip "
        "archive” (whatever its name says). Accepted: PDF document."
    ]
    assert not Bid.objects.exists() and not BidAttachment.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_attachments_have_a_size_limit(tender, supplier, settings):
    settings.BIDDING_UPLOAD_MAX_BYTES = 100
    with pytest.raises(RuleViolation) as refused:
        submit(tender, supplier, attachments=[upload("groot.pdf", pdf("x" * 200))])
    assert refused.value.code == "too_large"
    assert not Bid.objects.exists()


def test_attachments_have_a_maximum_count(tender, supplier, settings):
    settings.BIDDING_MAX_ATTACHMENTS = 2
    with pytest.raises(RuleViolation) as refused:
        submit(tender, supplier, attachments=[upload(f"{n}.pdf") for n in range(3)])
    assert refused.value.code == "too_many_attachments"


def test_a_failed_submission_leaves_no_file_behind(tender, supplier, media_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("bundel.bidding.services.bids.audit_log", fail)
    with pytest.raises(RuntimeError):
        submit(tender, supplier, attachments=[upload("plan.pdf")])

    assert not Bid.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_only_supplier_accounts_bid(tender, staff, contact):
    for who in (staff, contact):
        with pytest.raises(PermissionDenied):
            submit(tender, who)


def test_bids_only_on_a_published_tender(staff, supplier):
    draft = make_tender(by=staff, publish=False)

    with pytest.raises(StateConflict):
        submit(draft, supplier)


def test_the_lot_must_be_the_tenders(staff, tender, supplier):
    other = make_tender(by=staff, title="Wifi")

    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(
            tender=tender, lot=lot(other), by=supplier, price="10", answers={CRITERION: "x"}
        )
    assert refused.value.code == "lot"


@given(
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
    answers=st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=50), max_size=5),
    hashes=st.lists(st.from_regex(r"[0-9a-f]{64}", fullmatch=True), max_size=4),
)
def test_the_hash_does_not_depend_on_the_order_of_answers_or_attachments(price, answers, hashes):
    reordered = dict(reversed(list(answers.items())))
    first = services.contents_sha256(price=price, answers=answers, attachment_hashes=hashes)
    second = services.contents_sha256(
        price=price, answers=reordered, attachment_hashes=list(reversed(hashes))
    )
    canonical = json.loads(
        services.canonical_json(price=price, answers=answers, attachment_hashes=hashes)
    )
    assert first == second
    assert canonical == {"answers": answers, "attachments": sorted(hashes), "price": f"{price:.2f}"}

"""Bad bids through the bidding service: each refused with a message that names what is
wrong; the supplier's earlier bid stays the one that counts (bids, contents and
attachments exactly as before) and no file is left behind. The tender of
tests/bidding/factories.py: published, two lots, one criterion "Plan van aanpak"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from bundel.bidding import services
from bundel.core.errors import RuleViolation

from ..bidding.factories import CRITERION, lot, make_supplier, make_tender, upload
from ..factories import StaffFactory, UserFactory
from .checksum import table_state

TABLES = ("bidding.Bid", "bidding.BidContent", "bidding.BidAttachment")
GOOD = {"price": Decimal("1000.00"), "answers": {CRITERION: "Zo pakken we het aan."}}

# case: (what differs from a good bid, what the message says)
CASES = {
    "price of zero": ({"price": "0"}, "The price must be more than 0 euros (it is 0)"),
    "negative price": ({"price": "-5"}, "The price must be more than 0 euros (it is -5)"),
    "price that is not a number": ({"price": "veel"}, "The price 'veel' is not a number."),
    "price below a cent": ({"price": "10.005"}, "in euros and cents (it is 10.005)"),
    "price that is infinite": ({"price": "Infinity"}, "more than 0 euros"),
    "no answer": ({"answers": {}}, f"Answer the criterion '{CRITERION}'."),
    "blank answer": ({"answers": {CRITERION: "   "}}, f"Answer the criterion '{CRITERION}'."),
    "answer to a criterion that is not there": (
        {"answers": {CRITERION: "x", "Duurzaamheid": "y"}},
        "'Duurzaamheid' is not an award criterion of this tender.",
    ),
    "answer too long": (
        {"answers": {CRITERION: "x" * 20_001}},
        "has 20001 characters; at most 20000",
    ),
    "attachment that is not a PDF": (
        {"attachments": [upload("offerte.pdf", b"MZ\x90\x00 not a pdf")]},
        "The file “offerte.pdf” is not accepted: by its content it is of the type “program",
    ),
    "empty attachment": ({"attachments": [upload("leeg.pdf", b"")]}, "“leeg.pdf” is empty"),
    "too many attachments": (
        {"attachments": [upload("a.pdf"), upload("b.pdf"), upload("c.pdf")]},
        "at most 2 attachments (3 were given)",
    ),
    "lot of another tender": ({"lot": "other"}, "The lot is not one of this tender's."),
}


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BIDDING_MAX_ATTACHMENTS = 2


@pytest.fixture
def world(db):
    staff = StaffFactory()
    tender = make_tender(by=staff)
    other = make_tender(by=staff, title="Wifi 2027")
    supplier = make_supplier()
    services.bid_submit(
        tender=tender, lot=lot(tender), by=supplier, attachments=[upload("eerste.pdf")], **GOOD
    )
    return tender, other, supplier


def files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_bid_is_refused_with_its_reason_and_the_earlier_bid_counts(world, settings, case):
    tender, other, supplier = world
    change, message = CASES[case]
    bid = {"lot": lot(tender), **GOOD, **change}
    if bid["lot"] == "other":
        bid["lot"] = lot(other)
    before, stored = table_state(*TABLES), files(settings)

    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(tender=tender, by=supplier, **bid)

    assert message in refused.value.messages[0]
    assert table_state(*TABLES) == before
    assert files(settings) == stored


def test_a_late_bid_names_the_closing_time_and_stores_nothing(world, settings, monkeypatch):
    tender, _other, supplier = world
    monkeypatch.setattr(
        "bundel.bidding.clock.now", lambda: tender.closing_at + timedelta(seconds=1)
    )
    before = table_state(*TABLES)

    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(tender=tender, lot=lot(tender), by=supplier, **GOOD)

    assert refused.value.code == "late_bid"
    assert "Bids closed at" in refused.value.messages[0]
    assert "is too late" in refused.value.messages[0]
    assert table_state(*TABLES) == before


def test_only_suppliers_bid(world):
    tender, _other, _supplier = world
    before = table_state(*TABLES)

    with pytest.raises(PermissionDenied, match="Only supplier accounts"):
        services.bid_submit(tender=tender, lot=lot(tender), by=UserFactory(), **GOOD)

    assert table_state(*TABLES) == before

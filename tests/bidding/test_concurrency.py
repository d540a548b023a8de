"""Two submissions by one supplier for one lot at the same moment (PostgreSQL only): both
are stored, one after the other, and exactly one of them is the latest."""

from decimal import Decimal

import pytest

from bundel.audit.models import AuditEntry
from bundel.bidding import services
from bundel.bidding.models import Bid

from ..concurrency import run_at_once
from .factories import CRITERION, lot

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submissions_become_successive_ones(tender, supplier):
    first_lot = lot(tender)

    def bid(price):
        return lambda: services.bid_submit(
            tender=tender,
            lot=first_lot,
            by=supplier,
            price=Decimal(price),
            answers={CRITERION: f"Aanbod {price}"},
        )

    outcomes = run_at_once(bid("1000.00"), bid("2000.00"))

    assert all(isinstance(outcome, Bid) for outcome in outcomes), outcomes
    bids = list(Bid.objects.filter(lot=first_lot, supplier=supplier).order_by("sequence"))
    assert [b.sequence for b in bids] == [1, 2]
    latest = [b for b in bids if b.superseded_at is None]
    assert latest == [bids[1]]
    assert bids[0].superseded_by_id == bids[1].pk
    assert bids[0].superseded_at == bids[1].submitted_at
    assert AuditEntry.objects.filter(action="bidding.bid.submitted").count() == 2
    assert AuditEntry.objects.filter(action="bidding.bid.superseded").count() == 1


def test_two_suppliers_at_once_both_count(tender, supplier, rival):
    first_lot = lot(tender)

    def bid(who):
        return lambda: services.bid_submit(
            tender=tender, lot=first_lot, by=who, price=Decimal("10"), answers={CRITERION: "x"}
        )

    outcomes = run_at_once(bid(supplier), bid(rival))

    assert all(isinstance(outcome, Bid) for outcome in outcomes), outcomes
    assert Bid.objects.filter(superseded_at__isnull=True).count() == 2

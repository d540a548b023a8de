"""Simultaneous requests on PostgreSQL: no double counts, no lost updates.

Each case races real database connections (`tests/concurrency.py: run_at_once`, one
thread per call, at most a handful). The races of the other capabilities live with
their apps and are not repeated here:

- votes: tests/governance/test_election_concurrency.py (two votes for one board count
  once; many boards at once all count; a proxy vote and its revocation);
- bids: tests/bidding/test_concurrency.py (two submissions by one supplier become
  successive ones; two suppliers at once both count);
- event registrations: tests/events/test_concurrency.py (the last place goes to one,
  the other is waitlisted or refused; cancellations hand places on);
- call-offs under a contract maximum: tests/contracts/test_concurrency.py;
- tender publication, updates and demand registration: tests/tenders/test_concurrency.py;
- group joins and digests: tests/groups/test_concurrency.py.

Added here: orders (one location, one product, two orders at once) and membership
transitions (two admits at once; an admit racing a rejection), through the services and
through the API.
"""

from datetime import date

import pytest
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import StateConflict
from bundel.membership import services as membership_services
from bundel.membership.models import Membership
from bundel.subscriptions import services
from bundel.subscriptions.models import Order, Subscription
from bundel.subscriptions.services import OrderLine

from ..concurrency import run_at_once
from ..factories import StaffFactory
from .builders import applicant, contact_of, member
from .conftest import login

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def next_january() -> date:
    return date(timezone.localdate().year + 1, 1, 1)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages asserted in English, in every thread (the setting, not an override)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff():
    return StaffFactory(username="staff")


@pytest.fixture
def board(staff):
    return member(staff).board


def test_two_orders_for_the_same_location_and_product_at_once_accept_one(board):
    code = board.locations.order_by("code").first().code
    first, second = contact_of(board), contact_of(board)

    def order(by):
        line = OrderLine(location=code, product="wifi", capacity="m", start=next_january())
        return lambda: services.order_place(board=board, lines=[line], by=by)

    for _attempt in range(3):  # the race goes either way; the outcome must not
        Subscription.objects.all().delete()
        Order.objects.all().delete()
        outcomes = run_at_once(order(first), order(second))

        accepted = [o for o in outcomes if isinstance(o, list)]
        refused = [o for o in outcomes if isinstance(o, StateConflict)]
        assert (len(accepted), len(refused)) == (1, 1), outcomes
        assert "already takes" in refused[0].messages[0]
        assert Subscription.objects.filter(location__code=code).count() == 1
        assert Order.objects.count() == 1  # the refused order left nothing behind
    assert AuditEntry.objects.filter(action="subscriptions.subscription.ordered").count() == 3


def test_two_orders_of_one_board_for_different_products_at_once_both_count(board):
    first, second = board.locations.order_by("code")
    contact = contact_of(board)

    def order(location, product, capacity):
        line = OrderLine(location.code, product, capacity, next_january())
        return lambda: services.order_place(board=board, lines=[line], by=contact)

    outcomes = run_at_once(order(first, "wifi", "m"), order(second, "wifi", "l"))

    assert all(isinstance(o, list) for o in outcomes), outcomes
    taken = set(Subscription.objects.values_list("location__code", "capacity__code"))
    assert taken == {(first.code, "m"), (second.code, "l")}
    assert Order.objects.count() == 2


def test_two_orders_over_the_api_at_once_give_201_and_409(board):
    code = board.locations.order_by("code").first().code
    clients = [login(contact_of(board)), login(contact_of(board))]
    url = f"/api/v1/boards/{board.duo_number}/orders/"
    payload = {
        "lines": [
            {"location": code, "product": "wifi", "capacity": "s", "start": str(next_january())}
        ]
    }

    responses = run_at_once(
        *(lambda c=c: c.post(url, payload, content_type="application/json") for c in clients)
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "already takes" in refused.json()["detail"][0]
    assert Subscription.objects.filter(location__code=code, product__code="wifi").count() == 1


def test_two_admits_of_one_membership_at_once_apply_once(staff):
    applied = applicant(staff)
    colleague = StaffFactory(username="colleague")
    outcomes = run_at_once(
        lambda: membership_services.membership_admit(membership=applied, by=staff),
        lambda: membership_services.membership_admit(membership=applied, by=colleague),
    )

    admitted = [o for o in outcomes if isinstance(o, Membership)]
    refused = [o for o in outcomes if isinstance(o, StateConflict)]
    assert (len(admitted), len(refused)) == (1, 1), outcomes
    assert "Cannot admit" in refused[0].messages[0]
    stored = Membership.objects.get(pk=applied.pk)
    assert (stored.state, stored.admitted_on) == ("member", timezone.localdate())
    entries = AuditEntry.objects.filter(action="membership.admitted", object_id=str(applied.pk))
    assert entries.count() == 1
    assert entries.get().actor in (staff, colleague)


def test_an_admit_and_a_rejection_at_once_one_wins_and_nothing_is_lost(staff):
    for _attempt in range(3):
        applied = applicant(staff)
        outcomes = run_at_once(
            lambda m=applied: membership_services.membership_admit(membership=m, by=staff),
            lambda m=applied: membership_services.membership_reject(
                membership=m, by=staff, reason="Geen onderwijsinstelling"
            ),
        )

        won = [o for o in outcomes if isinstance(o, Membership)]
        refused = [o for o in outcomes if isinstance(o, StateConflict)]
        assert (len(won), len(refused)) == (1, 1), outcomes
        stored = Membership.objects.get(pk=applied.pk)
        assert stored.state == won[0].state
        # The loser's fields are not half-written next to the winner's.
        if stored.state == "member":
            assert (stored.rejected_on, stored.rejection_reason) == (None, "")
        else:
            assert stored.state == "rejected" and stored.admitted_on is None
        actions = set(
            AuditEntry.objects.filter(object_id=str(applied.pk)).values_list("action", flat=True)
        )
        assert len(actions & {"membership.admitted", "membership.rejected"}) == 1


def test_two_admits_over_the_api_at_once_give_200_and_409(staff):
    applied = applicant(staff)
    clients = [login(staff), login(StaffFactory(username="colleague"))]
    url = f"/api/v1/memberships/{applied.pk}/admit/"

    responses = run_at_once(
        *(lambda c=c: c.post(url, {}, content_type="application/json") for c in clients)
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "Cannot admit" in refused.json()["detail"][0]
    assert Membership.objects.get(pk=applied.pk).state == "member"
    assert AuditEntry.objects.filter(action="membership.admitted").count() == 1

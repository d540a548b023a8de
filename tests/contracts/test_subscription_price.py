"""The negotiated rates as the price of what boards order from the catalogue
(`subscriptions.services.price_for`), and the hook that turns such subscriptions into
call-offs under the contract (`contracts.services.call_off_subscriptions`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bundel.contracts import services
from bundel.contracts.models import CallOff
from bundel.core.errors import RuleViolation
from bundel.subscriptions import services as subscription_services
from bundel.subscriptions.models import Order, Subscription
from bundel.subscriptions.services import OrderLine, price_for

from ..factories import LocationFactory, UserFactory
from .factories import capacity, make_contract, member_board

TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=14)


def order(board, by, start=SOON) -> dict[str, Subscription]:
    location = board.locations.first()
    lines = [
        OrderLine(location.code, "connectivity", "1g", start),
        OrderLine(location.code, "security", None, start),
    ]
    placed = subscription_services.order_place(board=board, lines=lines, by=by)
    return {s.product.code: s for s in placed}


def test_price_for_gives_the_contract_rate_to_a_participating_board(staff, contract, member):
    gig = capacity("connectivity", "1g")
    other = member_board(staff, duo_number="30001")

    assert price_for(gig.product, gig, member, TODAY) == Decimal("400.00")
    assert price_for(gig.product, gig, other, TODAY) == Decimal("480.00")  # catalogue
    # Outside the term, and for a capacity the contract has no rate for: the catalogue.
    assert price_for(gig.product, gig, member, contract.ends_on + timedelta(days=1)) == Decimal(
        "480.00"
    )
    assert price_for(gig.product, gig, member, contract.starts_on - timedelta(days=1)) == Decimal(
        "480.00"
    )
    ten = capacity("connectivity", "10g")
    assert price_for(ten.product, ten, member, TODAY) == Decimal("1250.00")


def test_the_lowest_rate_applies_when_two_contracts_cover_it(staff, contract, member):
    make_contract(
        by=staff,
        title="Tweede",
        boards=[member],
        rates=[("connectivity", "1g", Decimal("395.00"))],
    )
    gig = capacity("connectivity", "1g")
    assert price_for(gig.product, gig, member, TODAY) == Decimal("395.00")


def test_ordering_under_a_contract_stores_the_rate(staff, contract, member, contact):
    other = member_board(staff, duo_number="30001")

    mine = order(member, contact)
    theirs = order(other, UserFactory(board=other))

    assert {code: s.monthly_price for code, s in mine.items()} == {
        "connectivity": Decimal("400.00"),
        "security": Decimal("60.00"),
    }
    assert {code: s.monthly_price for code, s in theirs.items()} == {
        "connectivity": Decimal("480.00"),
        "security": Decimal("75.00"),
    }


def test_a_board_that_joins_later_orders_at_the_rate(staff, contract):
    other = member_board(staff, duo_number="30001")
    contact = UserFactory(board=other)
    services.contract_join(contract=contract, board=other, by=contact)

    assert order(other, contact)["connectivity"].monthly_price == Decimal("400.00")


def test_a_capacity_change_takes_the_rate_of_the_new_capacity(staff, contract, member, contact):
    subscription = order(member, contact)["connectivity"]
    changed = subscription_services.subscription_change_capacity(
        subscription=subscription, capacity="10g", on=SOON + timedelta(days=30), by=contact
    )
    assert changed.monthly_price == Decimal("1250.00")  # no rate for 10 Gbit/s
    back = subscription_services.subscription_change_capacity(
        subscription=changed, capacity="1g", on=SOON + timedelta(days=60), by=contact
    )
    assert back.monthly_price == Decimal("400.00")


# --- the ordering hook: subscriptions at a contract's rate become call-offs ---------------


def test_subscriptions_at_the_rate_become_call_offs(staff, contract, member, contact):
    subscriptions = list(order(member, contact).values())  # order_place calls the hook

    call_offs = list(CallOff.objects.select_related("product"))

    assert sorted((c.product.code, c.quantity, c.yearly_value) for c in call_offs) == [
        ("connectivity", 1, Decimal("4800.00")),
        ("security", 1, Decimal("720.00")),
    ]
    assert {c.subscription_id for c in call_offs} == {s.pk for s in subscriptions}
    assert all(c.starts_on == SOON and c.contract_id == contract.pk for c in call_offs)
    assert services.used(contract) == Decimal("5520.00")


def test_subscriptions_at_the_catalogue_price_are_no_call_offs(staff, contract):
    other = member_board(staff, duo_number="30001")
    contact = UserFactory(board=other)
    order(other, contact)

    assert CallOff.objects.count() == 0


def test_an_order_past_the_maximum_is_refused_whole(staff, member, contact):
    """`order_place` calls the hook inside its transaction, so the refusal takes the order
    with it."""
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5000.00"))
    LocationFactory(board=member)

    with pytest.raises(RuleViolation) as refused:
        order(member, contact)

    assert refused.value.code == "maximum"
    assert "EUR 5000.00" in refused.value.messages[0]
    assert (Order.objects.count(), Subscription.objects.count(), CallOff.objects.count()) == (
        0,
        0,
        0,
    )
    assert services.headroom(contract) == Decimal("5000.00")

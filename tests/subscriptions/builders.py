"""Shared set-up of the ordering tests: the shipped catalogue, the board as a member
(through the membership services), and orders placed through the ordering service."""

from datetime import date

from bundel.audit.models import AuditEntry
from bundel.catalogue.demo import load_catalogue
from bundel.catalogue.models import Product
from bundel.membership import services as membership_services
from bundel.membership.models import Membership
from bundel.subscriptions.models import CapacityChange, MigrationWave, Order, Subscription
from bundel.subscriptions.services import OrderLine, order_place

from ..factories import AgreementVersionFactory, LocationFactory

ADMITTED = date(2025, 1, 10)

# What one location can take, in an order that always satisfies "requires".
EVERYTHING = [
    ("security", None),
    ("connectivity", "1g"),
    ("wifi", "m"),
    ("lan", None),
    ("anti-ddos", None),
    ("firewall", None),
    ("iaas", "vm-s"),
]


def products() -> dict[str, Product]:
    load_catalogue()
    return {product.code: product for product in Product.objects.all()}


def admit(board, staff, on: date = ADMITTED) -> Membership:
    AgreementVersionFactory(kind="membership", version="2025.1", valid_from=date(2025, 1, 1))
    membership = membership_services.membership_start(
        board=board, kind="application", by=staff, on=on
    )
    membership_services.agreement_sign(
        membership=membership,
        kind="membership",
        version="2025.1",
        signed_on=on,
        signer="Anna de Vries, voorzitter",
        by=staff,
    )
    return membership_services.membership_admit(membership=membership, by=staff, on=on)


def line(location, product: str, capacity: str | None = None, start=date(2031, 1, 1)):
    code = location if isinstance(location, str) else location.code
    return OrderLine(location=code, product=product, capacity=capacity, start=start)


def order(board, by, *lines: OrderLine) -> dict[str, Subscription]:
    """Place an order; the subscriptions by product code (one location per call)."""
    return {s.product.code: s for s in order_place(board=board, lines=list(lines), by=by)}


def order_many(board, by, count: int, start: date) -> list[Subscription]:
    """`count` subscriptions over as many new locations of the board as needed."""
    lines = []
    while len(lines) < count:
        location = LocationFactory(board=board)
        lines += [line(location, p, c, start) for p, c in EVERYTHING]
    return order_place(board=board, lines=lines[:count], by=by)


def stored() -> dict[str, int]:
    """What the ordering domain holds, to assert that a refusal stored nothing."""
    return {
        "orders": Order.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "terminating": Subscription.objects.filter(state="terminating").count(),
        "changes": CapacityChange.objects.count(),
        "waves": MigrationWave.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="subscriptions.").count(),
    }

"""The catalogue's "requires" rules, checked wherever products are taken at a location:
ordering (`subscriptions.services.order_place`) and registering demand for a tender
(`tenders.services.participation_register`). Each caller says what a location already
has and words the refusal for its own page; the rule itself is decided here once."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bundel.registry.models import Location
from bundel.subscriptions.constants import OPEN_STATES, SubscriptionState
from bundel.subscriptions.models import Subscription

from .models import Product, ProductRule


@dataclass(frozen=True)
class RequiresBreach:
    """`product` at `location` (from `start`) lacks `required` there: it is missing
    (`required_from` is None) or starts later (`required_from`)."""

    location: Location
    product: Product
    required: Product
    start: date
    required_from: date | None

    @property
    def params(self) -> dict:
        """The names a message shows, and the codes the API gives (`*_code`)."""
        return {
            "product": self.product.name,
            "required": self.required.name,
            "location": f"{self.location.code} {self.location.name}",
            "product_code": self.product.code,
            "required_code": self.required.code,
            "location_code": self.location.code,
        }


def requirements() -> dict[int, list[Product]]:
    """Product id -> the products it requires at the same location (one query)."""
    rules: dict[int, list[Product]] = {}
    for rule in ProductRule.objects.select_related("required"):
        rules.setdefault(rule.product_id, []).append(rule.required)
    return rules


def taken_at(location_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    """What the locations take now: (location id, product id) -> from when, for every
    open subscription that is not ending (one query)."""
    existing = (
        Subscription.objects.filter(location_id__in=set(location_ids), state__in=OPEN_STATES)
        .exclude(state=SubscriptionState.TERMINATING)
        .only("location_id", "product_id", "active_on", "wished_start")
    )
    return {(s.location_id, s.product_id): s.active_on or s.wished_start for s in existing}


def first_requires_breach(
    adding: Iterable[tuple[Location, Product, date]],
    present: Mapping[tuple[int, int], date],
    rules: Mapping[int, list[Product]] | None = None,
) -> RequiresBreach | None:
    """The first product in `adding` whose required products are not at its location
    from its own start on. `present` maps (location id, product id) to the date the
    product is there from, and includes what is being added."""
    rules = requirements() if rules is None else rules
    for location, product, start in adding:
        for required in rules.get(product.pk, []):
            required_from = present.get((location.pk, required.pk))
            if required_from is None or required_from > start:
                return RequiresBreach(location, product, required, start, required_from)
    return None

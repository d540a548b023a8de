"""Ordering and changing services per location, with the catalogue's rules as data.

An order is accepted or refused as a whole: every line is checked first (membership,
location of the board, product available, capacity of the product, no duplicate, and
every "requires" rule, counting what the board already has and what the order adds);
a refusal names the rule, both products and the location, and stores nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.catalogue.models import CapacityOption, Product
from bundel.catalogue.rules import first_requires_breach, taken_at
from bundel.contracts.selectors import applicable_rate
from bundel.contracts.services import call_off_subscriptions
from bundel.core import versions
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.constants import State as MembershipState
from bundel.membership.selectors import open_membership
from bundel.registry.models import Board, Location

from .constants import OPEN_STATES, SUBSCRIPTIONS_VERSION, SubscriptionState, WaveState
from .models import CapacityChange, MigrationWave, Order, Subscription

WAVE_TO_SUBSCRIPTION = {
    WaveState.PLANNED: SubscriptionState.PLANNED,
    WaveState.MIGRATING: SubscriptionState.MIGRATING,
}


def _today() -> date:
    return timezone.localdate()


def _require_acts_for(by, board: Board) -> None:
    if by is None or not (by.is_cooperative_staff or by.acts_for(board)):
        raise PermissionDenied(_("You do not act for board %(n)s.") % {"n": board.duo_number})


def _require_member(board: Board) -> None:
    membership = open_membership(board)
    if membership is None or membership.state != MembershipState.MEMBER:
        state = membership.get_state_display().lower() if membership else _("not a member")
        raise RuleViolation(
            _("Only members order services; board %(n)s is %(state)s.")
            % {"n": board.duo_number, "state": state}
        )


@dataclass(frozen=True)
class OrderLine:
    location: str  # location code
    product: str  # product code
    capacity: str | None  # capacity code; None when the product has one option
    start: date


def price_for(product: Product, capacity: CapacityOption, board: Board, on: date):
    """The monthly price: the rate of a framework contract running on `on` that the
    board takes part in (the lowest, when several do), else the catalogue price."""
    rate = applicable_rate(capacity=capacity, board=board, on=on)
    return capacity.monthly_price if rate is None else rate.monthly_rate


def _resolve(board: Board, lines: list[OrderLine]):
    codes = {line.location.upper() for line in lines}
    locations = {loc.code: loc for loc in Location.objects.filter(code__in=codes, board=board)}
    products = {p.code: p for p in Product.objects.filter(code__in={li.product for li in lines})}
    capacities = {
        (c.product_id, c.code): c
        for c in CapacityOption.objects.filter(product__in=products.values())
    }
    options = {}
    for c in capacities.values():
        options.setdefault(c.product_id, []).append(c)
    resolved = []
    for number, line in enumerate(lines, start=1):
        where = _("line %(n)s") % {"n": number}
        location = locations.get(line.location.upper())
        if location is None:
            raise RuleViolation(
                _("%(where)s: location %(code)s is not a location of board %(board)s.")
                % {"where": where, "code": line.location, "board": board.duo_number}
            )
        product = products.get(line.product)
        if product is None:
            raise RuleViolation(
                _("%(where)s: there is no product %(code)r.")
                % {"where": where, "code": line.product}
            )
        if not product.is_orderable:
            raise RuleViolation(
                _("%(where)s: %(product)s cannot be ordered (it is %(state)s).")
                % {
                    "where": where,
                    "product": product.name,
                    "state": product.get_lifecycle_display().lower(),
                }
            )
        choices = options.get(product.pk, [])
        if line.capacity is None and len(choices) == 1:
            capacity = choices[0]
        else:
            capacity = capacities.get((product.pk, line.capacity))
        if capacity is None:
            raise RuleViolation(
                _("%(where)s: choose the capacity of %(product)s at %(location)s: %(choices)s.")
                % {
                    "where": where,
                    "product": product.name,
                    "location": location.code,
                    "choices": ", ".join(c.code for c in choices) or "-",
                }
            )
        resolved.append((location, product, capacity, line.start))
    return resolved


def check_requires(board: Board, adding: list[tuple[Location, Product, date]]) -> None:
    """Every product added at a location has what it requires there, open already or in
    the same order, and from its own start on (not later): `catalogue.rules`."""
    present = taken_at(loc.pk for loc, _p, _s in adding)
    for location, product, start in adding:
        present[(location.pk, product.pk)] = start
    breach = first_requires_breach(adding, present)
    if breach is None:
        return
    if breach.required_from is None:
        raise RuleViolation(
            _(
                "%(product)s at %(location)s requires %(required)s at that location; "
                "add %(required)s to the order."
            ),
            code="requires",
            params=breach.params,
        )
    raise RuleViolation(
        _(
            "%(product)s at %(location)s starts on %(start)s, before the "
            "%(required)s it requires (from %(required_from)s)."
        ),
        code="requires_from",
        params={**breach.params, "start": breach.start, "required_from": breach.required_from},
    )


@transaction.atomic
def order_place(*, board: Board, lines: list[OrderLine], by) -> list[Subscription]:
    """Accept every line as a subscription, or refuse the whole order."""
    _require_acts_for(by, board)
    Board.objects.select_for_update().get(pk=board.pk)
    _require_member(board)
    if not lines:
        raise RuleViolation(_("An order has at least one line."))
    resolved = _resolve(board, lines)
    seen = set()
    for location, product, _capacity, start in resolved:
        if (location.pk, product.pk) in seen:
            raise RuleViolation(
                _("%(product)s appears twice for %(location)s in this order.")
                % {"product": product.name, "location": location.code}
            )
        seen.add((location.pk, product.pk))
        if start < _today() and not by.is_cooperative_staff:
            raise RuleViolation(
                _("The wished start of %(product)s at %(location)s is in the past (%(d)s).")
                % {"product": product.name, "location": location.code, "d": start}
            )
    existing = Subscription.objects.filter(
        location_id__in={loc.pk for loc, *_ in resolved}, state__in=OPEN_STATES
    ).values_list("location_id", "product_id")
    for location, product, *_rest in resolved:
        if (location.pk, product.pk) in set(existing):
            raise StateConflict(
                _("%(location)s already takes %(product)s.")
                % {"location": location.code, "product": product.name}
            )
    check_requires(board, [(loc, product, start) for loc, product, _c, start in resolved])
    order = Order.objects.create(board=board, placed_by=by)
    open_waves = {
        location.pk: wave
        for wave in MigrationWave.objects.filter(
            board=board, state__in=(WaveState.PLANNED, WaveState.MIGRATING)
        ).prefetch_related("locations")
        for location in wave.locations.all()
    }
    subscriptions = []
    for location, product, capacity, start in resolved:
        wave = open_waves.get(location.pk)  # a location in an open wave migrates with it
        subscription = Subscription(
            wave=wave,
            state=WAVE_TO_SUBSCRIPTION[wave.state] if wave else SubscriptionState.REQUESTED,
            board=board,
            location=location,
            product=product,
            capacity=capacity,
            order=order,
            monthly_price=price_for(product, capacity, board, start),
            surcharge_factor=product.surcharge_factor,
            wished_start=start,
        )
        subscription.full_clean(validate_constraints=False)
        subscriptions.append(subscription)
    try:
        with transaction.atomic():
            Subscription.objects.bulk_create(subscriptions)
            versions.bump(SUBSCRIPTIONS_VERSION)  # a bulk write sends no signals
    except IntegrityError:
        raise StateConflict(_("A location in this order already takes that product.")) from None
    # A subscription at a framework contract's rate is a call-off under that contract; one
    # past the contract's maximum refuses the whole order.
    call_off_subscriptions(subscriptions=subscriptions, by=by)
    for subscription in subscriptions:
        audit_log(
            action="subscriptions.subscription.ordered",
            obj=subscription,
            actor=by,
            data={
                "order": order.pk,
                "capacity": subscription.capacity.code,
                "price": subscription.monthly_price,
                "start": subscription.wished_start,
            },
        )
    return subscriptions


def _locked(subscription: Subscription) -> Subscription:
    return (
        Subscription.objects.select_for_update()
        .select_related("board", "location", "product", "capacity")
        .get(pk=subscription.pk)
    )


@transaction.atomic
def subscription_terminate(*, subscription: Subscription, on: date, by) -> Subscription:
    """End a subscription on `on`; refused while a product that requires it stays."""
    subscription = _locked(subscription)
    _require_acts_for(by, subscription.board)
    Board.objects.select_for_update().get(pk=subscription.board_id)  # as order_place does
    if subscription.state in (SubscriptionState.TERMINATING, SubscriptionState.ENDED):
        raise StateConflict(
            _("%(s)s is already %(state)s.")
            % {"s": subscription, "state": subscription.get_state_display().lower()}
        )
    if on < _today() and not by.is_cooperative_staff:
        raise RuleViolation(_("A subscription cannot end in the past (%(d)s).") % {"d": on})
    start = subscription.active_on or subscription.wished_start
    if on < start:
        raise RuleViolation(
            _("%(s)s cannot end (%(d)s) before it starts (%(start)s).")
            % {"s": subscription, "d": on, "start": start}
        )
    dependants = (
        Subscription.objects.filter(
            location=subscription.location,
            state__in=OPEN_STATES,
            product__rules__required=subscription.product,
        )
        .exclude(state=SubscriptionState.TERMINATING, ends_on__lte=on)
        .select_related("product")
    )
    for dependant in dependants:
        raise RuleViolation(
            _(
                "%(required)s at %(location)s cannot end while %(product)s there requires it; "
                "end %(product)s first."
            ),
            code="in_use",
            params={
                "required": subscription.product.name,
                "product": dependant.product.name,
                "location": f"{subscription.location.code} {subscription.location.name}",
                "required_code": subscription.product.code,
                "product_code": dependant.product.code,
                "location_code": subscription.location.code,
            },
        )
    subscription.state = SubscriptionState.TERMINATING
    subscription.ends_on = on
    subscription.save(update_fields=["state", "ends_on"])
    audit_log(
        action="subscriptions.subscription.terminating",
        obj=subscription,
        actor=by,
        data={"ends_on": on},
    )
    return subscription


@transaction.atomic
def subscription_change_capacity(
    *, subscription: Subscription, capacity: str, on: date, by
) -> Subscription:
    subscription = _locked(subscription)
    _require_acts_for(by, subscription.board)
    if subscription.state not in OPEN_STATES or subscription.state == SubscriptionState.TERMINATING:
        raise StateConflict(_("Only a running subscription changes capacity."))
    new = CapacityOption.objects.filter(product=subscription.product, code=capacity).first()
    if new is None:
        raise RuleViolation(
            _("%(product)s has no capacity %(code)r.")
            % {"product": subscription.product.name, "code": capacity}
        )
    if new.pk == subscription.capacity_id:
        raise RuleViolation(_("The subscription already has this capacity."))
    if on < _today() and not by.is_cooperative_staff:
        raise RuleViolation(_("A change cannot take effect in the past (%(d)s).") % {"d": on})
    last = subscription.changes.order_by("-date").first()
    if last is not None and on < last.date:
        raise RuleViolation(
            _("A change takes effect on or after the last one (%(d)s).") % {"d": last.date}
        )
    price = price_for(subscription.product, new, subscription.board, on)
    CapacityChange.objects.create(
        subscription=subscription,
        date=on,
        old_capacity=subscription.capacity,
        new_capacity=new,
        old_price=subscription.monthly_price,
        new_price=price,
    )
    old = subscription.capacity
    subscription.capacity, subscription.monthly_price = new, price
    subscription.save(update_fields=["capacity", "monthly_price"])
    audit_log(
        action="subscriptions.subscription.capacity_changed",
        obj=subscription,
        actor=by,
        changes={"capacity": [old.code, new.code]},
        data={"from": on, "price": price},
    )
    return subscription


# -- phased migration ------------------------------------------------------------------


@transaction.atomic
def wave_create(*, board: Board, name: str, on: date, locations: list[str], by) -> MigrationWave:
    """Plan a wave: these locations of the board move on `on`; their requested
    subscriptions become planned."""
    _require_acts_for(by, board)
    if not name.strip():
        raise RuleViolation(_("Give the wave a name."))
    if on < _today() and not by.is_cooperative_staff:
        raise RuleViolation(_("A wave cannot be planned in the past (%(d)s).") % {"d": on})
    codes = {code.upper() for code in locations}
    found = list(Location.objects.filter(board=board, code__in=codes))
    missing = codes - {loc.code for loc in found}
    if missing:
        raise RuleViolation(
            _("Not locations of board %(board)s: %(codes)s.")
            % {"board": board.duo_number, "codes": ", ".join(sorted(missing))}
        )
    if not found:
        raise RuleViolation(_("A wave has at least one location."))
    taken = (
        MigrationWave.objects.filter(board=board, locations__in=found)
        .exclude(state=WaveState.DONE)
        .values_list("locations__code", flat=True)
    )
    taken = sorted(set(taken) & codes)
    if taken:
        raise StateConflict(
            _("Already in another open wave: %(codes)s.") % {"codes": ", ".join(taken)}
        )
    wave = MigrationWave.objects.create(board=board, name=name.strip(), date=on)
    wave.locations.set(found)
    Subscription.objects.filter(
        board=board, location__in=found, state=SubscriptionState.REQUESTED
    ).update(state=SubscriptionState.PLANNED, wave=wave)
    versions.bump(SUBSCRIPTIONS_VERSION)  # a bulk write sends no signals
    audit_log(
        action="subscriptions.wave.planned",
        obj=wave,
        actor=by,
        data={"date": on, "locations": sorted(codes)},
    )
    return wave


def _wave_step(
    wave: MigrationWave,
    *,
    by,
    frm: tuple,
    to: str,
    sub_from: tuple,
    sub_to: str,
    action: str,
    on: date | None = None,
) -> MigrationWave:
    wave = MigrationWave.objects.select_for_update().select_related("board").get(pk=wave.pk)
    _require_acts_for(by, wave.board)
    if not by.is_cooperative_staff:
        raise PermissionDenied(_("The cooperative's staff carry out the migration."))
    if wave.state not in frm:
        raise StateConflict(
            _("The wave %(w)s is %(state)s.")
            % {"w": wave.name, "state": wave.get_state_display().lower()}
        )
    wave.state = to
    wave.save(update_fields=["state"])
    updates = {"state": sub_to}
    if on is not None:
        updates["active_on"] = on
    Subscription.objects.filter(wave=wave, state__in=sub_from).update(**updates)
    versions.bump(SUBSCRIPTIONS_VERSION)  # a bulk write sends no signals
    audit_log(action=action, obj=wave, actor=by, data={"on": on} if on else {})
    return wave


@transaction.atomic
def wave_start(*, wave: MigrationWave, by) -> MigrationWave:
    return _wave_step(
        wave,
        by=by,
        frm=(WaveState.PLANNED,),
        to=WaveState.MIGRATING,
        sub_from=(SubscriptionState.PLANNED,),
        sub_to=SubscriptionState.MIGRATING,
        action="subscriptions.wave.started",
    )


@transaction.atomic
def wave_complete(*, wave: MigrationWave, by, on: date | None = None) -> MigrationWave:
    """The wave's locations are migrated: their subscriptions are active from `on`."""
    on = on or _today()
    if on > _today():
        raise RuleViolation(_("A wave cannot be completed in the future (%(d)s).") % {"d": on})
    return _wave_step(
        wave,
        by=by,
        frm=(WaveState.PLANNED, WaveState.MIGRATING),
        to=WaveState.DONE,
        sub_from=(SubscriptionState.PLANNED, SubscriptionState.MIGRATING),
        sub_to=SubscriptionState.ACTIVE,
        action="subscriptions.wave.completed",
        on=on,
    )


def subscriptions_end_due(*, today: date | None = None) -> int:
    """End subscriptions whose end date has passed (idempotent; run daily)."""
    today = today or _today()
    due = Subscription.objects.filter(state=SubscriptionState.TERMINATING, ends_on__lte=today)
    count = 0
    for subscription in due.select_related("location", "product", "capacity"):
        with transaction.atomic():
            Subscription.objects.filter(
                pk=subscription.pk, state=SubscriptionState.TERMINATING
            ).update(state=SubscriptionState.ENDED, ended_on=subscription.ends_on)
            versions.bump(SUBSCRIPTIONS_VERSION)  # a bulk write sends no signals
            audit_log(action="subscriptions.subscription.ended", obj=subscription, actor=None)
            count += 1
    return count

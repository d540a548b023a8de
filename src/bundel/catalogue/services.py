"""Keeping the catalogue: products, their capacity options and the rules between products.

The staff pages and the admin both call these, so the rules are the same on every path.
Each function is staff only, validates with `full_clean()` and writes its audit entry in
the same transaction. Capacity and rule entries carry the product's code in their data,
so the product's page shows them with its own.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bundel.audit.services import audit_log, diff, field_values
from bundel.core.errors import RuleViolation
from bundel.subscriptions.models import CapacityChange, Subscription

from .constants import RuleKind
from .models import CapacityOption, Product, ProductRule

PRODUCT_EDITABLE = (
    "group",
    "name_nl",
    "name_en",
    "description_nl",
    "description_en",
    "includes_nl",
    "includes_en",
    "lifecycle",
    "min_term_months",
    "purchasing_surcharge",
    "service_surcharge",
    "is_optional",
    "demand_threshold",
    "position",
)
CAPACITY_FIELDS = ("code", "label", "monthly_price", "position")


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff keep the catalogue."))


def _check_fields(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


@transaction.atomic
def product_create(*, by, code: str, **values: Any) -> Product:
    """Add a product; its code is fixed from then on (orders and the API name it)."""
    _require_staff(by)
    _check_fields(values, PRODUCT_EDITABLE)
    product = Product(code=code, **values)
    product.full_clean()
    product.save()
    audit_log(
        action="catalogue.product.created",
        obj=product,
        actor=by,
        data=field_values(product, ("code", *PRODUCT_EDITABLE)),
    )
    return product


@transaction.atomic
def product_update(*, product: Product, by, **values: Any) -> Product:
    """Change a product's names, texts, lifecycle, terms, group or position. The values
    before are read from the database, so a caller may pass an instance a form has
    already changed (the admin does)."""
    _require_staff(by)
    _check_fields(values, PRODUCT_EDITABLE)
    current = Product.objects.select_for_update().get(pk=product.pk)
    before = field_values(current, PRODUCT_EDITABLE)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    changes = diff(before, field_values(current, PRODUCT_EDITABLE))
    if changes:
        current.save(update_fields=list(changes))
        audit_log(action="catalogue.product.updated", obj=current, actor=by, changes=changes)
    return current


@transaction.atomic
def capacity_save(
    *, product: Product, by, capacity: CapacityOption | None = None, **values: Any
) -> CapacityOption:
    """Add a capacity option to `product` (no `capacity`) or change one of its options.
    A changed price applies to new orders: subscriptions keep the price they were
    ordered at."""
    _require_staff(by)
    _check_fields(values, CAPACITY_FIELDS)
    if capacity is None:
        option, before = CapacityOption(product=product), None
    else:
        if capacity.product_id != product.pk:
            raise ValueError(f"Capacity {capacity.pk} is not an option of {product.code}.")
        option = CapacityOption.objects.select_for_update().get(pk=capacity.pk)
        before = field_values(option, CAPACITY_FIELDS)
    for name, value in values.items():
        setattr(option, name, value)
    taken = CapacityOption.objects.filter(product=product, code=option.code)
    if option.pk:
        taken = taken.exclude(pk=option.pk)
    if taken.exists():
        raise RuleViolation(
            _("%(product)s already has a capacity option with the code “%(code)s”.")
            % {"product": product.name, "code": option.code},
            code="capacity_code",
        )
    option.full_clean()
    if before is None:
        option.save()
        audit_log(
            action="catalogue.capacity.created",
            obj=option,
            actor=by,
            data={"product": product.code, **field_values(option, CAPACITY_FIELDS)},
        )
        return option
    changes = diff(before, field_values(option, CAPACITY_FIELDS))
    if changes:
        option.save(update_fields=list(changes))
        audit_log(
            action="catalogue.capacity.updated",
            obj=option,
            actor=by,
            changes=changes,
            data={"product": product.code},
        )
    return option


def check_capacity_deletable(capacity: CapacityOption) -> None:
    """Refuse while a subscription uses the option, now or in its history (ended
    subscriptions and capacity changes keep the option they were priced at)."""
    changed = CapacityChange.objects.filter(
        Q(old_capacity=capacity) | Q(new_capacity=capacity)
    ).values("subscription_id")
    used = (
        Subscription.objects.filter(Q(capacity=capacity) | Q(pk__in=changed)).values("pk").count()
    )
    if used:
        raise RuleViolation(
            ngettext(
                "The capacity “%(capacity)s” of %(product)s cannot be deleted: "
                "%(count)s subscription uses it.",
                "The capacity “%(capacity)s” of %(product)s cannot be deleted: "
                "%(count)s subscriptions use it.",
                used,
            )
            % {"capacity": capacity.label, "product": capacity.product.name, "count": used},
            code="in_use",
        )


@transaction.atomic
def capacity_delete(*, capacity: CapacityOption, by) -> None:
    _require_staff(by)
    option = (
        CapacityOption.objects.select_for_update().select_related("product").get(pk=capacity.pk)
    )
    check_capacity_deletable(option)
    audit_log(
        action="catalogue.capacity.deleted",
        obj=option,
        actor=by,
        data={"product": option.product.code, **field_values(option, CAPACITY_FIELDS)},
    )
    option.delete()


def _lock_rules() -> None:
    """Serialise rule changes: two staff adding A requires B and B requires A at the same
    time must not both pass the cycle check. The catalogue is small; its rows are the
    lock."""
    list(Product.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def rule_add(
    *, product: Product, required: Product, by, kind: str = RuleKind.REQUIRES
) -> ProductRule:
    """Add "taking `product` at a location requires `required` there".

    Refused for a product requiring itself, for a rule that exists already, and for a
    rule that closes a circle (A requires B requires A: neither could ever be ended).

    Existing subscriptions are not checked again: a location that already takes
    `product` without `required` keeps it. The rule holds for orders and terminations
    from now on.
    """
    _require_staff(by)
    _lock_rules()
    rule = ProductRule(kind=kind, product=product, required=required)
    if ProductRule.objects.filter(kind=kind, product=product, required=required).exists():
        raise RuleViolation(
            _("%(product)s already requires %(required)s.")
            % {"product": product.name, "required": required.name},
            code="duplicate",
        )
    rule.check_graph()
    rule.full_clean()
    rule.save()
    audit_log(
        action="catalogue.rule.created",
        obj=rule,
        actor=by,
        data={"product": product.code, "kind": kind, "required": required.code},
    )
    return rule


@transaction.atomic
def rule_remove(*, rule: ProductRule, by) -> None:
    """Remove a rule. Nothing to check: what it required stays, and may be ended."""
    _require_staff(by)
    rule = ProductRule.objects.select_related("product", "required").get(pk=rule.pk)
    audit_log(
        action="catalogue.rule.deleted",
        obj=rule,
        actor=by,
        data={"product": rule.product.code, "kind": rule.kind, "required": rule.required.code},
    )
    rule.delete()

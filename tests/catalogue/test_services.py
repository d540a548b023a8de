"""Keeping the catalogue through its services: staff only, validated, audited in the same
transaction, and the rules between products kept free of self-rules, doubles and circles."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from bundel.audit.models import AuditEntry
from bundel.catalogue import services
from bundel.catalogue.models import CapacityOption, Product, ProductRule
from bundel.core.errors import RuleViolation
from bundel.subscriptions.services import subscription_change_capacity

from ..subscriptions.builders import admit, line, order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONNECTIVITY = "External connectivity (network and internet access)"
SECURITY = "Information security services"


def new_product(group, by, code="vpn", **values) -> Product:
    return services.product_create(
        by=by, code=code, group=group, name_nl="VPN", name_en="VPN", **values
    )


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


# Staff only


@pytest.mark.parametrize("who", ["contact", "anonymous", "nobody"])
def test_only_staff_keep_the_catalogue(who, contact, catalogue):
    by = {"contact": contact, "anonymous": AnonymousUser(), "nobody": None}[who]
    connectivity, security, wifi = (
        catalogue["connectivity"],
        catalogue["security"],
        catalogue["wifi"],
    )
    option = wifi.capacities.first()
    rule = ProductRule.objects.get(product=connectivity)
    calls = [
        lambda: new_product(connectivity.group, by),
        lambda: services.product_update(product=wifi, by=by, lifecycle="phase_out"),
        lambda: services.capacity_save(
            product=wifi, by=by, code="xl", label="XL", monthly_price=Decimal("1")
        ),
        lambda: services.capacity_save(product=wifi, capacity=option, by=by, label="Tiny"),
        lambda: services.capacity_delete(capacity=option, by=by),
        lambda: services.rule_add(product=wifi, required=security, by=by),
        lambda: services.rule_remove(rule=rule, by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()

    assert not Product.objects.filter(code="vpn").exists()
    assert Product.objects.get(pk=wifi.pk).lifecycle == "available"
    assert CapacityOption.objects.get(pk=option.pk).label == option.label
    assert ProductRule.objects.filter(pk=rule.pk).exists()
    assert not ProductRule.objects.filter(product=wifi).exists()
    assert not AuditEntry.objects.exists()


# Products


def test_create_a_product_validated_and_audited(staff, catalogue):
    group = catalogue["security"].group

    product = new_product(group, staff, lifecycle="exploring", min_term_months=24)

    stored = Product.objects.get(code="vpn")
    assert (stored.group, stored.lifecycle, stored.min_term_months) == (group, "exploring", 24)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.actor) == (
        "catalogue.product.created",
        str(product.pk),
        staff,
    )
    assert entry.data["code"] == "vpn" and entry.data["group"] == group.pk


@pytest.mark.parametrize(
    ("code", "values", "field"),
    [
        ("VPN!", {}, "code"),
        ("wifi", {}, "code"),  # taken
        ("vpn", {"lifecycle": "sold"}, "lifecycle"),
        ("vpn", {"purchasing_surcharge": Decimal("-1")}, "purchasing_surcharge"),
    ],
)
def test_an_invalid_product_is_refused_and_nothing_stored(staff, catalogue, code, values, field):
    count = Product.objects.count()

    with pytest.raises(ValidationError) as refused:
        new_product(catalogue["wifi"].group, staff, code=code, **values)

    assert field in refused.value.error_dict
    assert Product.objects.count() == count
    assert not AuditEntry.objects.exists()


def test_update_audits_exactly_what_changed(staff, catalogue):
    wifi = catalogue["wifi"]

    services.product_update(
        product=wifi,
        by=staff,
        lifecycle="phase_out",
        service_surcharge=Decimal("3.50"),
        name_en="Wifi",  # unchanged
    )

    stored = Product.objects.get(pk=wifi.pk)
    assert (stored.lifecycle, stored.service_surcharge) == ("phase_out", Decimal("3.50"))
    entry = AuditEntry.objects.get()
    assert entry.action == "catalogue.product.updated"
    assert entry.changes == {
        "lifecycle": ["available", "phase_out"],
        "service_surcharge": ["3.00", "3.50"],
    }

    services.product_update(product=wifi, by=staff, lifecycle="phase_out")

    assert AuditEntry.objects.count() == 1  # nothing changed, nothing written


def test_update_reads_the_values_before_from_the_database(staff, catalogue):
    """The admin passes an instance its form has already changed."""
    wifi = catalogue["wifi"]
    wifi.min_term_months = 48

    services.product_update(product=wifi, by=staff, min_term_months=48)

    assert AuditEntry.objects.get().changes == {"min_term_months": [36, 48]}


def test_the_code_is_not_editable(staff, catalogue):
    with pytest.raises(ValueError, match="code"):
        services.product_update(product=catalogue["wifi"], by=staff, code="wlan")


def test_the_change_and_its_audit_entry_are_one_transaction(staff, catalogue):
    wifi = catalogue["wifi"]

    with (
        mock.patch.object(services, "audit_log", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.product_update(product=wifi, by=staff, lifecycle="end_of_life")

    assert Product.objects.get(pk=wifi.pk).lifecycle == "available"


# Capacity options


def test_add_and_change_a_capacity_option_audited(staff, catalogue):
    wifi = catalogue["wifi"]

    option = services.capacity_save(
        product=wifi, by=staff, code="xl", label="Extra large", monthly_price=Decimal("3800.00")
    )
    services.capacity_save(
        product=wifi, capacity=option, by=staff, monthly_price=Decimal("3650.00"), position=9
    )

    stored = CapacityOption.objects.get(product=wifi, code="xl")
    assert (stored.label, stored.monthly_price, stored.position) == (
        "Extra large",
        Decimal("3650.00"),
        9,
    )
    created, updated = AuditEntry.objects.order_by("pk")
    assert created.action == "catalogue.capacity.created"
    assert created.data == {
        "product": "wifi",
        "code": "xl",
        "label": "Extra large",
        "monthly_price": "3800.00",
        "position": 0,
    }
    assert updated.action == "catalogue.capacity.updated"
    assert updated.changes == {"monthly_price": ["3800.00", "3650.00"], "position": [0, 9]}
    assert updated.data == {"product": "wifi"}


def test_a_capacity_code_is_unique_per_product(staff, catalogue):
    wifi, lan = catalogue["wifi"], catalogue["lan"]
    small = wifi.capacities.get(code="s")

    with pytest.raises(RuleViolation, match="Wifi already has a capacity option with the code “m”"):
        services.capacity_save(product=wifi, capacity=small, by=staff, code="m")
    services.capacity_save(  # another product may use the code
        product=lan, by=staff, code="m", label="Medium", monthly_price=Decimal("1")
    )

    assert CapacityOption.objects.get(pk=small.pk).code == "s"
    assert actions() == ["catalogue.capacity.created"]


def test_an_option_of_another_product_is_refused(staff, catalogue):
    option = catalogue["lan"].capacities.get()

    with pytest.raises(ValueError):
        services.capacity_save(product=catalogue["wifi"], capacity=option, by=staff, label="X")


def test_an_invalid_price_is_refused(staff, catalogue):
    with pytest.raises(ValidationError) as refused:
        services.capacity_save(
            product=catalogue["wifi"],
            by=staff,
            code="xl",
            label="XL",
            monthly_price=Decimal("-5"),
        )

    assert "monthly_price" in refused.value.error_dict
    assert not CapacityOption.objects.filter(code="xl").exists()


def test_delete_an_unused_option_audited(staff, catalogue):
    large = catalogue["wifi"].capacities.get(code="l")

    services.capacity_delete(capacity=large, by=staff)

    assert not CapacityOption.objects.filter(pk=large.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("catalogue.capacity.deleted", str(large.pk))
    assert entry.data["product"] == "wifi" and entry.data["code"] == "l"
    assert entry.data["monthly_price"] == "1900.00"


@pytest.fixture
def ordered(board, staff, catalogue):
    """Board 41211 a member taking 1 Gbit/s connectivity and security at its location."""
    admit(board, staff)
    location = board.locations.get()
    return order(board, staff, line(location, "connectivity", "1g"), line(location, "security"))


def test_an_option_a_subscription_uses_cannot_be_deleted(staff, catalogue, ordered):
    gigabit = catalogue["connectivity"].capacities.get(code="1g")
    entries = AuditEntry.objects.count()

    with pytest.raises(RuleViolation) as refused:
        services.capacity_delete(capacity=gigabit, by=staff)

    assert refused.value.code == "in_use"
    assert refused.value.messages == [
        f"The capacity “1 Gbit/s” of {CONNECTIVITY} cannot be deleted: 1 subscription uses it."
    ]
    assert CapacityOption.objects.filter(pk=gigabit.pk).exists()
    assert AuditEntry.objects.count() == entries


def test_an_option_in_a_subscriptions_history_cannot_be_deleted(staff, catalogue, ordered):
    gigabit = catalogue["connectivity"].capacities.get(code="1g")
    subscription_change_capacity(
        subscription=ordered["connectivity"], capacity="100m", on=date(2031, 6, 1), by=staff
    )
    assert not gigabit.subscriptions.exists()  # only the change still names it

    with pytest.raises(RuleViolation, match="1 subscription uses it"):
        services.capacity_delete(capacity=gigabit, by=staff)


# Rules


def test_add_and_remove_a_rule_audited(staff, catalogue):
    wifi, lan = catalogue["wifi"], catalogue["lan"]

    rule = services.rule_add(product=wifi, required=lan, by=staff)
    services.rule_remove(rule=rule, by=staff)

    assert not ProductRule.objects.filter(product=wifi).exists()
    added, removed = AuditEntry.objects.order_by("pk")
    assert (added.action, removed.action) == ("catalogue.rule.created", "catalogue.rule.deleted")
    expected = {"product": "wifi", "kind": "requires", "required": "lan"}
    assert added.data == expected and removed.data == expected
    assert added.object_id == removed.object_id == str(rule.pk)


def test_a_product_cannot_require_itself(staff, catalogue):
    wifi = catalogue["wifi"]

    with pytest.raises(RuleViolation, match="A product cannot require itself") as refused:
        services.rule_add(product=wifi, required=wifi, by=staff)

    assert refused.value.code == "self"
    assert not ProductRule.objects.filter(product=wifi).exists()
    assert not AuditEntry.objects.exists()


def test_a_rule_is_not_added_twice(staff, catalogue):
    with pytest.raises(RuleViolation) as refused:
        services.rule_add(
            product=catalogue["connectivity"], required=catalogue["security"], by=staff
        )

    assert refused.value.code == "duplicate"
    assert refused.value.messages == [f"{CONNECTIVITY} already requires {SECURITY}."]
    assert ProductRule.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_rule_closing_a_circle_is_refused(staff, catalogue):
    """connectivity requires security (shipped): security requires connectivity would
    mean neither could ever be ended at a location."""
    with pytest.raises(RuleViolation) as refused:
        services.rule_add(
            product=catalogue["security"], required=catalogue["connectivity"], by=staff
        )

    assert refused.value.code == "cycle"
    assert refused.value.messages == [
        f"{SECURITY} cannot require {CONNECTIVITY}: {CONNECTIVITY} already requires "
        f"{SECURITY} ({SECURITY} → {CONNECTIVITY} → {SECURITY}), so neither could ever be ended."
    ]
    assert ProductRule.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_longer_circle_is_refused_and_a_chain_is_not(staff, catalogue):
    wifi, lan, security = catalogue["wifi"], catalogue["lan"], catalogue["security"]
    services.rule_add(product=wifi, required=lan, by=staff)
    services.rule_add(product=lan, required=security, by=staff)  # a chain: fine

    with pytest.raises(RuleViolation, match="Wifi → Internal fixed network → Information"):
        services.rule_add(product=security, required=wifi, by=staff)
    services.rule_add(product=wifi, required=security, by=staff)  # a shortcut: fine

    assert not ProductRule.objects.filter(product=security).exists()
    assert ProductRule.objects.filter(product=wifi).count() == 2


def test_a_new_rule_does_not_check_existing_subscriptions(staff, catalogue, ordered):
    """Documented in `rule_add`: what locations already take stays as it is."""
    before = {code: s.state for code, s in ordered.items()}

    services.rule_add(product=catalogue["security"], required=catalogue["wifi"], by=staff)

    for code, subscription in ordered.items():
        subscription.refresh_from_db()
        assert subscription.state == before[code]
    assert not subscription.location.subscriptions.filter(product__code="wifi").exists()

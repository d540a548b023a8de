"""The staff's pages that keep the catalogue: what they show, what a post stores (through
the services), what they refuse, and that only staff get them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bundel.audit.models import AuditEntry
from bundel.catalogue.models import CapacityOption, Product, ProductRule
from bundel.catalogue.services import PRODUCT_EDITABLE

from ..subscriptions.builders import admit, line, order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MANAGE = "/catalogue/beheer/"
NEW = "/catalogue/beheer/nieuw/product/"


def edit_url(code: str) -> str:
    return f"/catalogue/beheer/{code}/"


def product_post(product: Product, **changes) -> dict:
    """The product form as the page posts it, with `changes`."""
    values = {name: getattr(product, name) for name in PRODUCT_EDITABLE}
    values["group"] = product.group_id
    values.update(changes)
    data = {"action": "product"}
    for name, value in values.items():
        if value is None:
            value = ""
        if isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[f"product-{name}"] = str(value)
    return data


def errors_of(response, form_key: str) -> list[str]:
    form = response.context[form_key]
    return [error for errors in form.errors.values() for error in errors]


# Who may


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [MANAGE, NEW, edit_url("wifi")])
def test_anonymous_are_sent_to_log_in(client, catalogue, url, method):
    response = getattr(client, method)(url, {"action": "rule_add", "rule_add-required": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("url", [MANAGE, NEW, edit_url("wifi")])
def test_a_board_contact_is_refused(contact_client, catalogue, url):
    assert contact_client.get(url).status_code == 403


def test_a_board_contact_cannot_post_a_change(contact_client, catalogue):
    wifi, security = catalogue["wifi"], catalogue["security"]

    responses = [
        contact_client.post(edit_url("wifi"), product_post(wifi, lifecycle="end_of_life")),
        contact_client.post(
            edit_url("wifi"), {"action": "rule_add", "rule_add-required": security.pk}
        ),
        contact_client.post(NEW, {"product_new-code": "vpn"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert Product.objects.get(pk=wifi.pk).lifecycle == "available"
    assert not ProductRule.objects.filter(product=wifi).exists()
    assert not AuditEntry.objects.exists()


def test_the_public_catalogue_links_staff_to_the_staff_pages(client, staff, contact, catalogue):
    link = f'href="{MANAGE}"'
    assert link not in client.get("/catalogue/").content.decode()
    client.force_login(contact)
    assert link not in client.get("/catalogue/").content.decode()
    client.force_login(staff)
    html = client.get("/catalogue/").content.decode()
    assert f"{link}>Edit catalogue</a>" in html


# The overview


def test_the_overview_lists_groups_products_lifecycle_capacities_and_rules(staff_client, catalogue):
    response = staff_client.get(MANAGE)

    assert response.status_code == 200
    assert [g.code for g in response.context["groups"]][:2] == ["network", "connectivity"]
    html = response.content.decode()
    row = html[html.index('id="product-connectivity"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{edit_url("connectivity")}"' in row
    for text in (
        "Available",
        "1 Gbit/s: € 480.00",
        "10 Gbit/s: € 1,250.00",
        "Information security",
    ):
        assert text in row, text
    assert "In tender" in html[html.index('id="product-telephony"') :]
    assert f'href="{NEW}"' in html


def test_the_overview_costs_a_fixed_number_of_queries(
    staff_client, staff, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        staff_client.get(MANAGE)
    group = catalogue["wifi"].group
    for n in range(50):
        product = Product.objects.create(group=group, code=f"p{n}", name_nl="P", name_en="P")
        CapacityOption.objects.create(
            product=product, code="x", label="X", monthly_price=Decimal(1)
        )
        ProductRule.objects.create(product=product, required=catalogue["lan"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(MANAGE)


# A new product


def test_staff_add_a_product(staff_client, staff, catalogue):
    group = catalogue["security"].group
    data = {
        "product_new-code": "vpn",
        "product_new-group": group.pk,
        "product_new-name_nl": "VPN",
        "product_new-name_en": "VPN",
        "product_new-lifecycle": "exploring",
        "product_new-min_term_months": "24",
        "product_new-purchasing_surcharge": "2",
        "product_new-service_surcharge": "2.5",
        "product_new-position": "5",
        "product_new-is_optional": "on",
        "product_new-demand_threshold": "300",
    }
    response = staff_client.post(NEW, data)

    assert response.status_code == 302
    assert response["Location"] == edit_url("vpn")
    product = Product.objects.get(code="vpn")
    assert (product.group, product.lifecycle, product.min_term_months) == (group, "exploring", 24)
    assert (product.service_surcharge, product.is_optional, product.demand_threshold) == (
        Decimal("2.50"),
        True,
        300,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("catalogue.product.created", staff)


def test_a_taken_code_is_shown_on_the_form(staff_client, catalogue):
    response = staff_client.post(
        NEW,
        {
            "product_new-code": "wifi",
            "product_new-group": catalogue["wifi"].group_id,
            "product_new-name_nl": "Wifi 2",
            "product_new-name_en": "Wifi 2",
            "product_new-lifecycle": "exploring",
            "product_new-min_term_months": "12",
            "product_new-purchasing_surcharge": "0",
            "product_new-service_surcharge": "0",
            "product_new-position": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Product with this Code already exists."]
    assert Product.objects.filter(code="wifi").count() == 1
    assert not AuditEntry.objects.exists()


# A product's page


def test_the_product_page_shows_its_forms(staff_client, catalogue):
    response = staff_client.get(edit_url("connectivity"))

    assert response.status_code == 200
    assert [c.code for c, *_forms in response.context["capacity_rows"]][:2] == ["100m", "500m"]
    assert [r.required.code for r, _form in response.context["rule_rows"]] == ["security"]
    html = response.content.decode()
    assert "Requires Information security services at the same location" in html
    assert 'name="product-lifecycle"' in html


def test_unknown_products_and_actions(staff_client, catalogue):
    assert staff_client.get(edit_url("nope")).status_code == 404
    assert staff_client.post(edit_url("wifi"), {"action": "explode"}).status_code == 400
    lan_option = catalogue["lan"].capacities.get()
    response = staff_client.post(
        edit_url("wifi"), {"action": "capacity_delete", "target": lan_option.pk}
    )
    assert response.status_code == 404  # an option of another product
    assert CapacityOption.objects.filter(pk=lan_option.pk).exists()


def test_staff_change_a_product(staff_client, staff, catalogue):
    wifi = catalogue["wifi"]

    response = staff_client.post(
        edit_url("wifi"),
        product_post(wifi, lifecycle="phase_out", min_term_months=48, name_en="Wi-Fi"),
    )

    assert response.status_code == 302
    stored = Product.objects.get(pk=wifi.pk)
    assert (stored.lifecycle, stored.min_term_months, stored.name_en) == ("phase_out", 48, "Wi-Fi")
    entry = AuditEntry.objects.get()
    assert entry.action == "catalogue.product.updated"
    assert entry.changes == {
        "name_en": ["Wifi", "Wi-Fi"],
        "lifecycle": ["available", "phase_out"],
        "min_term_months": [36, 48],
    }
    page = staff_client.get(edit_url("wifi"))
    assert [e.action for e in page.context["audit"]] == ["catalogue.product.updated"]


def test_an_invalid_product_change_is_shown_and_not_stored(staff_client, catalogue):
    wifi = catalogue["wifi"]

    response = staff_client.post(edit_url("wifi"), product_post(wifi, purchasing_surcharge="-1"))

    assert response.status_code == 200
    assert "purchasing_surcharge" in response.context["product_form"].errors
    assert response.context["product"].purchasing_surcharge == Decimal("2.00")
    assert Product.objects.get(pk=wifi.pk).purchasing_surcharge == Decimal("2.00")


def test_staff_add_change_and_delete_capacity_options(staff_client, catalogue):
    wifi = catalogue["wifi"]
    small, large = wifi.capacities.get(code="s"), wifi.capacities.get(code="l")

    added = staff_client.post(
        edit_url("wifi"),
        {
            "action": "capacity_add",
            "capacity_add-code": "xl",
            "capacity_add-label": "Extra large",
            "capacity_add-monthly_price": "3800.00",
            "capacity_add-position": "4",
        },
    )
    changed = staff_client.post(
        edit_url("wifi"),
        {
            "action": "capacity",
            "target": small.pk,
            f"capacity-{small.pk}-code": "s",
            f"capacity-{small.pk}-label": small.label,
            f"capacity-{small.pk}-monthly_price": "425.00",
            f"capacity-{small.pk}-position": "0",
        },
    )
    deleted = staff_client.post(edit_url("wifi"), {"action": "capacity_delete", "target": large.pk})

    assert [r.status_code for r in (added, changed, deleted)] == [302, 302, 302]
    assert sorted(wifi.capacities.values_list("code", "monthly_price")) == [
        ("m", Decimal("950.00")),
        ("s", Decimal("425.00")),
        ("xl", Decimal("3800.00")),
    ]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "catalogue.capacity.created",
        "catalogue.capacity.updated",
        "catalogue.capacity.deleted",
    ]
    page = staff_client.get(edit_url("wifi"))
    assert len(page.context["audit"]) == 3  # the options' entries show on the product's page


def test_a_duplicate_capacity_code_is_shown_on_its_row(staff_client, catalogue):
    wifi = catalogue["wifi"]
    small = wifi.capacities.get(code="s")

    response = staff_client.post(
        edit_url("wifi"),
        {
            "action": "capacity",
            "target": small.pk,
            f"capacity-{small.pk}-code": "m",
            f"capacity-{small.pk}-label": small.label,
            f"capacity-{small.pk}-monthly_price": "450.00",
            f"capacity-{small.pk}-position": "0",
        },
    )

    assert response.status_code == 200
    row = next(f for c, f, _d in response.context["capacity_rows"] if c.pk == small.pk)
    assert row.non_field_errors() == ["Wifi already has a capacity option with the code “m”."]
    assert CapacityOption.objects.get(pk=small.pk).code == "s"


def test_an_option_in_use_is_not_deleted(staff_client, board, staff, catalogue):
    admit(board, staff)
    location = board.locations.get()
    order(board, staff, line(location, "connectivity", "1g"), line(location, "security"))
    gigabit = catalogue["connectivity"].capacities.get(code="1g")
    entries = AuditEntry.objects.count()

    response = staff_client.post(
        edit_url("connectivity"), {"action": "capacity_delete", "target": gigabit.pk}
    )

    assert response.status_code == 200
    form = next(d for c, _f, d in response.context["capacity_rows"] if c.pk == gigabit.pk)
    assert form.non_field_errors() == [
        "The capacity “1 Gbit/s” of External connectivity (network and internet access) "
        "cannot be deleted: 1 subscription uses it."
    ]
    assert "1 subscription uses it." in response.content.decode()
    assert CapacityOption.objects.filter(pk=gigabit.pk).exists()
    assert AuditEntry.objects.count() == entries


def test_staff_add_and_remove_a_rule(staff_client, catalogue):
    wifi, lan = catalogue["wifi"], catalogue["lan"]

    added = staff_client.post(edit_url("wifi"), {"action": "rule_add", "rule_add-required": lan.pk})
    rule = ProductRule.objects.get(product=wifi)
    assert (added.status_code, rule.required) == (302, lan)

    removed = staff_client.post(edit_url("wifi"), {"action": "rule_remove", "target": rule.pk})

    assert removed.status_code == 302
    assert not ProductRule.objects.filter(product=wifi).exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "catalogue.rule.created",
        "catalogue.rule.deleted",
    ]


def test_a_circle_or_a_double_rule_is_refused_on_the_page(staff_client, catalogue):
    security, connectivity = catalogue["security"], catalogue["connectivity"]

    circle = staff_client.post(
        edit_url("security"), {"action": "rule_add", "rule_add-required": connectivity.pk}
    )
    double = staff_client.post(
        edit_url("connectivity"), {"action": "rule_add", "rule_add-required": security.pk}
    )

    assert circle.status_code == double.status_code == 200
    assert "so neither could ever be ended." in errors_of(circle, "rule_add_form")[0]
    assert errors_of(double, "rule_add_form") == [
        "External connectivity (network and internet access) already requires "
        "Information security services."
    ]
    assert ProductRule.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_the_page_does_not_offer_a_product_itself(staff_client, catalogue):
    response = staff_client.get(edit_url("wifi"))

    choices = response.context["rule_add_form"].fields["required"].queryset
    assert catalogue["wifi"] not in choices and catalogue["lan"] in choices

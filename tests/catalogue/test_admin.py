"""Staff keep the catalogue in the admin; every change, inline rows included, goes through
the catalogue's services: audited, and refused by the same rules as the staff pages."""

from decimal import Decimal

import pytest

from bundel.audit.models import AuditEntry
from bundel.catalogue.models import CapacityOption, Product, ProductRule

from ..subscriptions.builders import admit, line, order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/admin/catalogue/product/"


def inline_management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def product_data(group, **overrides) -> dict:
    data = {
        "group": group.pk,
        "code": "vpn",
        "lifecycle": "available",
        "position": "20",
        "name_nl": "VPN",
        "name_en": "VPN",
        "description_nl": "",
        "description_en": "",
        "includes_nl": "",
        "includes_en": "",
        "min_term_months": "12",
        "purchasing_surcharge": "2.00",
        "service_surcharge": "2.00",
        "demand_threshold": "",
    }
    data.update(overrides)
    return data


def test_staff_add_a_product_with_capacities_and_a_rule_all_audited(staff_client, catalogue):
    group = catalogue["connectivity"].group
    data = {
        **product_data(group),
        **inline_management("capacities", 2, 0),
        "capacities-0-code": "small",
        "capacities-0-label": "10 users",
        "capacities-0-monthly_price": "30.00",
        "capacities-0-position": "0",
        "capacities-1-code": "large",
        "capacities-1-label": "100 users",
        "capacities-1-monthly_price": "200.00",
        "capacities-1-position": "1",
        **inline_management("rules", 1, 0),
        "rules-0-kind": "requires",
        "rules-0-required": catalogue["security"].pk,
    }

    response = staff_client.post(f"{URL}add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(code="vpn")
    assert sorted(product.capacities.values_list("code", "monthly_price")) == [
        ("large", Decimal("200.00")),
        ("small", Decimal("30.00")),
    ]
    assert ProductRule.objects.get(product=product).required.code == "security"
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "catalogue.capacity.created",
        "catalogue.capacity.created",
        "catalogue.product.created",
        "catalogue.rule.created",
    ]


def test_staff_change_a_price_and_delete_an_option_audited(staff_client, catalogue):
    product = catalogue["wifi"]
    options = list(product.capacities.order_by("position", "pk"))
    data = {**product_data(product.group, code="wifi", name_nl="Wifi", name_en="Wifi")}
    data.update(inline_management("capacities", 3, 3))
    for index, option in enumerate(options):
        data.update(
            {
                f"capacities-{index}-id": option.pk,
                f"capacities-{index}-product": product.pk,
                f"capacities-{index}-code": option.code,
                f"capacities-{index}-label": option.label,
                f"capacities-{index}-monthly_price": str(option.monthly_price),
                f"capacities-{index}-position": option.position,
            }
        )
    data["capacities-0-monthly_price"] = "475.00"
    data["capacities-2-DELETE"] = "on"
    data.update(inline_management("rules", 0, 0))

    response = staff_client.post(f"{URL}{product.pk}/change/", data)

    assert response.status_code == 302
    assert CapacityOption.objects.get(pk=options[0].pk).monthly_price == Decimal("475.00")
    assert not CapacityOption.objects.filter(pk=options[2].pk).exists()
    changed = AuditEntry.objects.get(action="catalogue.capacity.updated")
    assert changed.object_id == str(options[0].pk)
    assert changed.changes == {"monthly_price": ["450.00", "475.00"]}
    deleted = AuditEntry.objects.get(action="catalogue.capacity.deleted")
    assert deleted.object_id == str(options[2].pk) and deleted.data["code"] == "l"
    product_entry = AuditEntry.objects.get(action="catalogue.product.updated")
    assert product_entry.changes["position"] == [0, 20]


def test_a_product_cannot_require_itself(staff_client, catalogue):
    product = catalogue["iaas"]
    data = {
        **product_data(product.group, code="iaas", name_nl="IaaS", name_en="IaaS"),
        **inline_management("capacities", 0, 0),
        **inline_management("rules", 1, 0),
        "rules-0-kind": "requires",
        "rules-0-required": product.pk,
    }

    response = staff_client.post(f"{URL}{product.pk}/change/", data)

    assert response.status_code == 200
    assert "A product cannot require itself." in response.content.decode()
    assert not ProductRule.objects.filter(product=product).exists()
    assert not AuditEntry.objects.exists()


def test_a_rule_closing_a_circle_is_refused(staff_client, catalogue):
    """connectivity requires security (shipped); security requiring connectivity is
    refused on the form, as the service refuses it, and nothing is saved."""
    security = catalogue["security"]
    data = {
        **product_data(
            security.group,
            code="security",
            name_nl=security.name_nl,
            name_en="Renamed",
        ),
        **inline_management("capacities", 0, 0),
        **inline_management("rules", 1, 0),
        "rules-0-kind": "requires",
        "rules-0-required": catalogue["connectivity"].pk,
    }

    response = staff_client.post(f"{URL}{security.pk}/change/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "so neither could ever be ended." in html
    assert not ProductRule.objects.filter(product=security).exists()
    assert Product.objects.get(pk=security.pk).name_en == "Information security services"
    assert not AuditEntry.objects.exists()


def test_an_option_in_use_is_not_deleted(staff_client, board, staff, catalogue):
    admit(board, staff)
    location = board.locations.get()
    order(board, staff, line(location, "connectivity", "1g"), line(location, "security"))
    product = catalogue["connectivity"]
    options = list(product.capacities.order_by("position", "pk"))
    data = {**product_data(product.group, code="connectivity", name_nl="C", name_en="C")}
    data.update(inline_management("capacities", len(options), len(options)))
    for index, option in enumerate(options):
        data.update(
            {
                f"capacities-{index}-id": option.pk,
                f"capacities-{index}-product": product.pk,
                f"capacities-{index}-code": option.code,
                f"capacities-{index}-label": option.label,
                f"capacities-{index}-monthly_price": str(option.monthly_price),
                f"capacities-{index}-position": option.position,
            }
        )
        if option.code == "1g":
            data[f"capacities-{index}-DELETE"] = "on"
    rule = ProductRule.objects.get(product=product)
    data.update(inline_management("rules", 1, 1))
    data.update({"rules-0-id": rule.pk, "rules-0-product": product.pk})
    data.update({"rules-0-kind": "requires", "rules-0-required": rule.required_id})
    entries = AuditEntry.objects.count()

    response = staff_client.post(f"{URL}{product.pk}/change/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert product.capacities.filter(code="1g").exists()
    assert Product.objects.get(pk=product.pk).name_en != "C"
    assert AuditEntry.objects.count() == entries


def test_the_code_is_fixed_once_added(staff_client, catalogue):
    response = staff_client.get(f"{URL}{catalogue['wifi'].pk}/change/")

    assert 'name="code"' not in response.content.decode()


def test_groups_are_audited(staff_client, catalogue):
    response = staff_client.post(
        "/admin/catalogue/productgroup/add/",
        {
            "code": "printing",
            "name_nl": "Printen",
            "name_en": "Printing",
            "description_nl": "",
            "description_en": "",
            "status": "exploring",
            "position": "9",
        },
    )

    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="catalogue.group.added").count() == 1


def test_board_contacts_have_no_admin(contact_client, catalogue):
    assert contact_client.get(URL).status_code == 302

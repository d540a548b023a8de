"""Staff keep the catalogue in the admin; every change, inline rows included, is audited."""

from decimal import Decimal

import pytest

from bundel.audit.models import AuditEntry
from bundel.catalogue.models import CapacityOption, Product, ProductRule

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
        "catalogue.capacity.added",
        "catalogue.capacity.added",
        "catalogue.product.added",
        "catalogue.rule.added",
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
    changed = AuditEntry.objects.get(action="catalogue.capacity.changed")
    assert changed.object_id == str(options[0].pk)
    assert changed.changes == {"monthly_price": ["450.00", "475.00"]}
    deleted = AuditEntry.objects.get(action="catalogue.capacity.deleted")
    assert deleted.object_id == str(options[2].pk) and deleted.data["code"] == "l"
    product_entry = AuditEntry.objects.get(action="catalogue.product.changed")
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

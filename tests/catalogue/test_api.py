"""The catalogue API: public, the shipped catalogue as data, bounded queries."""

from decimal import Decimal

import pytest

from bundel.catalogue.demo import load_catalogue
from bundel.catalogue.models import CapacityOption, Product, ProductGroup, ProductRule


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def catalogue(db):
    load_catalogue()


def products(client) -> dict[str, dict]:
    response = client.get("/api/v1/products/")
    assert response.status_code == 200
    return {p["code"]: p for p in response.json()["results"]}


def test_anyone_reads_the_catalogue_with_prices_terms_surcharges_and_rules(client, catalogue):
    shown = products(client)

    assert len(shown) == 12
    assert shown["connectivity"] == {
        "code": "connectivity",
        "name": "External connectivity (network and internet access)",
        "description": "",
        "includes": "Fully managed service: equipment, maintenance, management and advice.",
        "group": "connectivity",
        "group_name": "External connectivity",
        "group_status": "offered",
        "lifecycle": "available",
        "is_orderable": True,
        "capacities": [
            {"code": "100m", "label": "100 Mbit/s", "monthly_price": "180.00"},
            {"code": "500m", "label": "500 Mbit/s", "monthly_price": "320.00"},
            {"code": "1g", "label": "1 Gbit/s", "monthly_price": "480.00"},
            {"code": "10g", "label": "10 Gbit/s", "monthly_price": "1250.00"},
        ],
        "min_term_months": 36,
        # 1 + (2.00 + 2.50) / 100
        "surcharges": {"purchasing_percent": "2.00", "service_percent": "2.50", "factor": "1.0450"},
        "is_optional": False,
        "demand_threshold": None,
        "requires": ["security"],
    }
    assert shown["security"]["requires"] == []
    assert (shown["telephony"]["lifecycle"], shown["telephony"]["is_orderable"]) == (
        "in_tender",
        False,
    )
    assert shown["anti-spam"]["demand_threshold"] == 500
    orderable = sorted(code for code, p in shown.items() if p["is_orderable"])
    assert orderable == [
        "anti-ddos",
        "connectivity",
        "firewall",
        "iaas",
        "lan",
        "security",
        "wifi",
    ]


def test_names_follow_the_language(client, catalogue, settings):
    settings.LANGUAGE_CODE = "nl"

    lan = products(client)["lan"]

    assert (lan["name"], lan["group_name"]) == (
        "Intern vast netwerk",
        "Netwerkinfrastructuur",
    )


def test_rules_are_data(client, catalogue):
    ProductRule.objects.create(
        product=Product.objects.get(code="wifi"), required=Product.objects.get(code="lan")
    )

    assert products(client)["wifi"]["requires"] == ["lan"]


@pytest.mark.parametrize("extra", [0, 40])
def test_catalogue_queries_do_not_grow(client, catalogue, extra, django_assert_num_queries):
    group = ProductGroup.objects.get(code="cloud")
    for i in range(extra):
        product = Product.objects.create(
            group=group, code=f"extra-{i}", name_nl=f"Extra {i}", name_en=f"Extra {i}"
        )
        CapacityOption.objects.create(
            product=product, code="standard", label="Standaard", monthly_price=Decimal("1.00")
        )
        ProductRule.objects.create(product=product, required=Product.objects.get(code="security"))

    with django_assert_num_queries(4):  # count, products with groups, capacities, rules
        response = client.get("/api/v1/products/?page_size=100")

    assert response.json()["count"] == 12 + extra

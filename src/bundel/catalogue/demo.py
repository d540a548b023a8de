"""The seed's catalogue (founding document, "Producten en diensten"), shipped as demo
data: product groups, products with capacities and prices, and the rule that external
connectivity requires the information security services. Prices are illustrative."""

from decimal import Decimal as D

from django.db import transaction

from .constants import GroupStatus, Lifecycle
from .models import CapacityOption, Product, ProductGroup, ProductRule

GROUPS = [
    ("network", "Netwerkinfrastructuur", "Network infrastructure", GroupStatus.OFFERED),
    ("connectivity", "Externe connectiviteit", "External connectivity", GroupStatus.OFFERED),
    (
        "security",
        "Informatiebeveiligingsdiensten",
        "Information security services",
        GroupStatus.OFFERED,
    ),
    (
        "cloud",
        "Serverinfrastructuur in de cloud",
        "Cloud server infrastructure",
        GroupStatus.OFFERED,
    ),
    ("cloud-software", "Cloud en software", "Cloud and software", GroupStatus.EXPLORING),
    ("devices", "Devices", "Devices", GroupStatus.EXPLORING),
    (
        "learning-material",
        "Digitaal leermateriaal",
        "Digital learning material",
        GroupStatus.EXPLORING,
    ),
]

MANAGED_NL = "Volledig verzorgde dienst: apparatuur, onderhoud, beheer en advies."
MANAGED_EN = "Fully managed service: equipment, maintenance, management and advice."

# (group, code, nl, en, lifecycle, min term, purchasing %, service %, optional, threshold,
#  [(capacity code, label, monthly price)])
PRODUCTS = [
    (
        "network",
        "wifi",
        "Wifi",
        "Wifi",
        Lifecycle.AVAILABLE,
        36,
        D("2.00"),
        D("3.00"),
        False,
        None,
        [
            ("s", "Klein (tot 30 access points)", D("450.00")),
            ("m", "Middel (tot 80 access points)", D("950.00")),
            ("l", "Groot (tot 200 access points)", D("1900.00")),
        ],
    ),
    (
        "network",
        "lan",
        "Intern vast netwerk",
        "Internal fixed network",
        Lifecycle.AVAILABLE,
        36,
        D("2.00"),
        D("3.00"),
        False,
        None,
        [("standard", "Standaard", D("350.00"))],
    ),
    (
        "connectivity",
        "connectivity",
        "Externe connectiviteit (netwerk en internettoegang)",
        "External connectivity (network and internet access)",
        Lifecycle.AVAILABLE,
        36,
        D("2.00"),
        D("2.50"),
        False,
        None,
        [
            ("100m", "100 Mbit/s", D("180.00")),
            ("500m", "500 Mbit/s", D("320.00")),
            ("1g", "1 Gbit/s", D("480.00")),
            ("10g", "10 Gbit/s", D("1250.00")),
        ],
    ),
    (
        "connectivity",
        "anti-ddos",
        "Anti-DDoS",
        "Anti-DDoS",
        Lifecycle.AVAILABLE,
        12,
        D("2.00"),
        D("2.00"),
        False,
        None,
        [("standard", "Standaard", D("45.00"))],
    ),
    (
        "connectivity",
        "firewall",
        "Firewalldienst",
        "Firewall service",
        Lifecycle.AVAILABLE,
        36,
        D("2.00"),
        D("3.00"),
        False,
        None,
        [("standard", "Standaard", D("95.00"))],
    ),
    (
        "connectivity",
        "telephony",
        "Vaste telefonie",
        "Fixed telephony",
        Lifecycle.IN_TENDER,
        24,
        D("2.00"),
        D("2.00"),
        False,
        None,
        [("standard", "Per vestiging", D("60.00"))],
    ),
    (
        "connectivity",
        "colocation",
        "Colocatie / datacenter",
        "Colocation / datacenter",
        Lifecycle.IN_TENDER,
        36,
        D("2.00"),
        D("2.00"),
        False,
        None,
        [("rack-unit", "Per rack unit", D("40.00"))],
    ),
    (
        "security",
        "security",
        "Informatiebeveiligingsdiensten",
        "Information security services",
        Lifecycle.AVAILABLE,
        36,
        D("2.00"),
        D("3.00"),
        False,
        None,
        [("standard", "Standaard", D("75.00"))],
    ),
    (
        "security",
        "anti-spam",
        "Anti-spam",
        "Anti-spam",
        Lifecycle.EXPLORING,
        12,
        D("2.00"),
        D("2.00"),
        True,
        500,
        [("standard", "Standaard", D("15.00"))],
    ),
    (
        "security",
        "url-filter",
        "URL/content-filtering",
        "URL/content filtering",
        Lifecycle.EXPLORING,
        12,
        D("2.00"),
        D("2.00"),
        True,
        500,
        [("standard", "Standaard", D("20.00"))],
    ),
    (
        "security",
        "incident-response",
        "Incidentdetectie en -respons",
        "Incident detection and response",
        Lifecycle.EXPLORING,
        24,
        D("2.00"),
        D("2.00"),
        True,
        300,
        [("standard", "Standaard", D("120.00"))],
    ),
    (
        "cloud",
        "iaas",
        "Virtuele machines (IaaS)",
        "Virtual machines (IaaS)",
        Lifecycle.AVAILABLE,
        12,
        D("2.00"),
        D("2.00"),
        False,
        None,
        [
            ("vm-s", "2 vCPU / 8 GB", D("65.00")),
            ("vm-m", "4 vCPU / 16 GB", D("120.00")),
            ("vm-l", "8 vCPU / 32 GB", D("230.00")),
        ],
    ),
]

RULES = [("connectivity", "security")]


@transaction.atomic
def load_catalogue() -> int:
    """Idempotent: creates what is missing, changes nothing that exists."""
    groups = {}
    for position, (code, nl, en, status) in enumerate(GROUPS):
        groups[code], _created = ProductGroup.objects.get_or_create(
            code=code,
            defaults={"name_nl": nl, "name_en": en, "status": status, "position": position},
        )
    created = 0
    for position, row in enumerate(PRODUCTS):
        group, code, nl, en, lifecycle, term, purchasing, service, optional, threshold, caps = row
        product, was_created = Product.objects.get_or_create(
            code=code,
            defaults=dict(
                group=groups[group],
                name_nl=nl,
                name_en=en,
                includes_nl=MANAGED_NL,
                includes_en=MANAGED_EN,
                lifecycle=lifecycle,
                min_term_months=term,
                purchasing_surcharge=purchasing,
                service_surcharge=service,
                is_optional=optional,
                demand_threshold=threshold,
                position=position,
            ),
        )
        created += was_created
        for cap_position, (cap_code, label, price) in enumerate(caps):
            CapacityOption.objects.get_or_create(
                product=product,
                code=cap_code,
                defaults={"label": label, "monthly_price": price, "position": cap_position},
            )
    for product, required in RULES:
        ProductRule.objects.get_or_create(
            product=Product.objects.get(code=product), required=Product.objects.get(code=required)
        )
    return created

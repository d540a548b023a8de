"""The knowledge base's negotiated rates are the running contracts' rates
(`knowledge.selectors.negotiated_rates`), for members and staff only."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from bundel.knowledge.selectors import NegotiatedRate, negotiated_rates

from .factories import make_contract

TODAY = timezone.localdate()


def test_members_and_staff_get_the_running_contracts_rates(staff, contract, contact):
    make_contract(
        by=staff,
        title="Oud",
        starts_on=date(2026, 1, 1),
        ends_on=TODAY - timedelta(days=1),
    )

    rates = negotiated_rates(user=contact)

    assert rates == [
        NegotiatedRate(
            contract=contract.reference,
            supplier="Netwerk B.V.",
            lot="1. Perceel 1 (Connectiviteit)",
            product="External connectivity (network and internet access), 1 Gbit/s",
            unit="per month per location",
            price=Decimal("400.00"),
            valid_from=contract.starts_on,
            valid_until=contract.ends_on,
            url=f"/contracts/{contract.pk}/",
        ),
        NegotiatedRate(
            contract=contract.reference,
            supplier="Netwerk B.V.",
            lot="1. Perceel 1 (Connectiviteit)",
            product="Information security services, Standaard",
            unit="per month per location",
            price=Decimal("60.00"),
            valid_from=contract.starts_on,
            valid_until=contract.ends_on,
            url=f"/contracts/{contract.pk}/",
        ),
    ]
    assert negotiated_rates(user=staff) == rates


def test_others_get_no_rates(contract, outsider, supplier):
    from django.contrib.auth.models import AnonymousUser

    assert negotiated_rates(user=outsider) == []
    assert negotiated_rates(user=supplier) == []
    assert negotiated_rates(user=AnonymousUser()) == []


def test_the_rates_page_shows_them(client, contact, outsider, contract):
    client.force_login(contact)
    page = client.get("/knowledge/rates/").content.decode()
    client.force_login(outsider)
    hidden = client.get("/knowledge/rates/").content.decode()

    assert contract.reference in page and "400.00" in page
    assert f'href="/contracts/{contract.pk}/"' in page
    assert contract.reference not in hidden and 'id="rates-members-only"' in hidden

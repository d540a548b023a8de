"""The shipped catalogue and the board 41211 as a member, made through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bundel.catalogue.demo import load_catalogue
from bundel.catalogue.models import Product
from bundel.membership import services as membership_services
from bundel.subscriptions import services
from bundel.subscriptions.services import OrderLine

from ..factories import AgreementVersionFactory, LocationFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def catalogue(db) -> dict[str, Product]:
    load_catalogue()
    return {product.code: product for product in Product.objects.all()}


@pytest.fixture
def member(board, staff, catalogue, today):
    """Board 41211 applied, signed and was admitted 60 days ago."""
    since = today - timedelta(days=60)
    AgreementVersionFactory(kind="membership", version="2026.1", valid_from=since)
    membership = membership_services.membership_start(
        board=board, kind="application", by=staff, on=since
    )
    membership_services.agreement_sign(
        membership=membership,
        kind="membership",
        version="2026.1",
        signed_on=since,
        signer="Anna de Vries, voorzitter",
        by=staff,
    )
    return membership_services.membership_admit(membership=membership, by=staff, on=since)


@pytest.fixture
def english(settings):
    """Pages in English, so assertions name the message ids whatever is translated."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def first_location(board):
    return board.locations.get()


@pytest.fixture
def second_location(board):
    return LocationFactory(board=board, name="De Tweede", place="EINDHOVEN")


@pytest.fixture
def next_year(today) -> int:
    return today.year + 1


@pytest.fixture
def connected(member, board, contact, first_location, second_location, next_year):
    """Connectivity 1 Gbit/s and security at both locations from 1 January next year,
    ordered by the board's contact."""
    start = date(next_year, 1, 1)
    lines = [
        OrderLine(location.code, product, capacity, start)
        for location in (first_location, second_location)
        for product, capacity in (("connectivity", "1g"), ("security", None))
    ]
    return services.order_place(board=board, lines=lines, by=contact)

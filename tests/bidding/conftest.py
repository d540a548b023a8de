"""A published tender, two suppliers, a board contact who is an outsider here, the
server clock of bidding under the test's control, and a temporary MEDIA_ROOT."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from .factories import make_supplier, make_tender


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Clock:
    """Bidding's server clock (`bundel.bidding.clock.now`), set by the test."""

    def __init__(self):
        self.at = None

    def now(self):
        return self.at or timezone.now()

    def set(self, at):
        self.at = at

    def after_closing(self, tender, **delta):
        self.at = tender.closing_at + (timedelta(**delta) if delta else timedelta(seconds=1))
        return self.at


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("bundel.bidding.clock.now", clock.now)
    return clock


@pytest.fixture
def tender(staff):
    return make_tender(by=staff)


@pytest.fixture
def supplier(db):
    return make_supplier("supplier", "Netwerk B.V.", first_name="Lars", last_name="Leverancier")


@pytest.fixture
def rival(db):
    return make_supplier("rival", "Concurrent Connect B.V.", first_name="Rik", last_name="Rivaal")


def logged_in(user) -> Client:
    """A client of its own (the `client` fixture is shared by the root conftest's
    staff_client and contact_client)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supplier_client(supplier):
    return logged_in(supplier)


@pytest.fixture
def rival_client(rival):
    return logged_in(rival)


@pytest.fixture
def staff_browser(staff):
    return logged_in(staff)


@pytest.fixture
def board_contact_client(contact):
    return logged_in(contact)

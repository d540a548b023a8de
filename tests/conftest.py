"""Shared fixtures: board -> contact -> client, an outsider board, and the DUO files."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bundel.registry.duo.importer import Source, import_duo_files
from bundel.registry.management.commands.import_duo import read_manifest

from .factories import BoardFactory, LocationFactory, PupilCountFactory, StaffFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the live server tests
# touch the database from that thread on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DUO_DIR = Path(settings.BASE_DIR) / "data" / "duo"


def pytest_report_header(config):
    if connection.vendor != "postgresql":
        return "SQLite: the tests marked postgresql are left out (they run on PostgreSQL)"
    return None


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` prove what only PostgreSQL can show (e.g. two requests at
    the same moment; SQLite serialises all writers). `make test` runs the suite on both
    databases in CI, so on SQLite they are left out of the run (the header says so; in one
    process the count is printed as "deselected")."""
    if connection.vendor == "postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what an earlier test cached (under keys
    that may recur once its rows are rolled back) is not this test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def duo_dir() -> Path:
    return DUO_DIR


@pytest.fixture
def shipped_sources() -> list[Source]:
    return read_manifest(DUO_DIR / "manifest.toml")


@pytest.fixture
def full_registry(db, shipped_sources):
    """Every shipped DUO file imported, as `make run` does."""
    return import_duo_files(shipped_sources)


@pytest.fixture
def board(db):
    board = BoardFactory(duo_number="41211", name="")
    PupilCountFactory(location=LocationFactory(board=board, place="VALKENSWAARD"), pupils=812)
    return board


@pytest.fixture
def contact(board):
    return UserFactory(board=board, username="contact")


@pytest.fixture
def contact_client(client, contact):
    client.force_login(contact)
    return client


@pytest.fixture
def outsider_board(db):
    return BoardFactory(duo_number="10249")


@pytest.fixture
def outsider(outsider_board):
    return UserFactory(board=outsider_board, username="outsider")


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client

"""Two member boards (41211 with its contact, and a second one with a council member), the
outsider board 10249 that is not a member, a supplier, and a group staff created."""

from datetime import date

import pytest

from bundel.accounts.constants import Role
from bundel.groups import services

from ..factories import BoardFactory, MembershipFactory, UserFactory
from .factories import SupplierFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english(settings):
    """Pages and e-mails in English, so assertions name the message ids."""
    settings.LANGUAGE_CODE = "en"


def make_member(board):
    return MembershipFactory(board=board, state="member", admitted_on=date(2025, 1, 10))


@pytest.fixture
def member(board):
    """Board 41211 is a member."""
    return make_member(board)


@pytest.fixture
def colleague_board(db):
    board = BoardFactory(duo_number="20001", name="Stichting Samen Leren")
    make_member(board)
    return board


@pytest.fixture
def colleague(colleague_board):
    """A council member of another member board."""
    return UserFactory(
        username="colleague",
        board=colleague_board,
        role=Role.COUNCIL_MEMBER,
        first_name="Rosa",
        last_name="Raadslid",
    )


@pytest.fixture
def supplier(db):
    return SupplierFactory(username="supplier", first_name="Lars", last_name="Leverancier")


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier)
    return client


@pytest.fixture
def colleague_client(client, colleague):
    client.force_login(colleague)
    return client


@pytest.fixture
def group(staff):
    return services.group_create(
        name="Wifi in het po",
        kind="topic",
        description="Ervaringen met wifi, zie https://example.test/wifi.",
        by=staff,
    )


@pytest.fixture
def joined(group, member, contact, colleague):
    """The contact of 41211 and the colleague take part in the group."""
    services.group_join(group=group, by=contact)
    services.group_join(group=group, by=colleague)
    return group


@pytest.fixture
def thread(joined, contact):
    return services.thread_start(
        group=joined, title="Access points per lokaal", body="Hoeveel hebben jullie?", by=contact
    )

"""Board 41211 as a member with its contact; a second member's contact; people of an
interested board; a supplier. Memberships as stored (their transitions are not under
test here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.events.constants import Audience

from ..factories import MembershipFactory, UserFactory
from .factories import EventFactory, board_in_state, person_of


@pytest.fixture(autouse=True)
def english(settings):
    """Pages and e-mails in English, so assertions name the message ids whatever the
    catalogue holds."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def member(board):
    return MembershipFactory(board=board, state="member", admitted_on=timezone.localdate())


@pytest.fixture
def member_client(contact_client, member):
    return contact_client


@pytest.fixture
def colleague(db):
    """The contact of another member board."""
    return person_of(board_in_state("member"), username="colleague", first_name="Cor")


@pytest.fixture
def third(db):
    return person_of(board_in_state("member"), username="third", first_name="Tess")


@pytest.fixture
def interested_person(db):
    return person_of(board_in_state("interested"), username="interested")


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


@pytest.fixture
def event(db):
    return EventFactory(title="Workshop migratieplan", capacity=2)


@pytest.fixture
def open_event(db):
    """Opened by staff to interested boards too."""
    return EventFactory(
        title="Webinar aanbesteding",
        kind="webinar",
        place="",
        link="https://webinar.example/aanbesteding",
        audience=Audience.MEMBERS_AND_INTERESTED,
        capacity=None,
    )


@pytest.fixture
def soon():
    return timezone.now() + timedelta(days=14)

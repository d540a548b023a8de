"""Who reads what: a member board's contact and council member, an interested board's
contact, a board that is neither (the shared `outsider`), a supplier, the public; and a
document of each visibility, made through the services. Uploaded files go to a
temporary MEDIA_ROOT."""

from datetime import date

import pytest

from bundel.accounts.constants import Role
from bundel.knowledge import services
from bundel.knowledge.constants import Visibility

from ..factories import BoardFactory, MembershipFactory, UserFactory
from .factories import CategoryFactory, make_document


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def member_board(db):
    board = BoardFactory(duo_number="20001", name="Stichting Lid")
    MembershipFactory(board=board, state="member", admitted_on=date(2026, 2, 1))
    return board


@pytest.fixture
def member(member_board):
    return UserFactory(board=member_board, username="member")


@pytest.fixture
def council_member(member_board):
    return UserFactory(board=member_board, username="council", role=Role.COUNCIL_MEMBER)


@pytest.fixture
def interested(db):
    board = BoardFactory(duo_number="20002", name="Stichting Belangstelling")
    MembershipFactory(board=board, state="interested", interested_on=date(2026, 1, 5))
    return UserFactory(board=board, username="interested")


@pytest.fixture
def former_member(db):
    """A board whose membership ended: no longer a member."""
    board = BoardFactory(duo_number="20003", name="Stichting Oud-lid")
    MembershipFactory(board=board, state="ended", ended_on=date(2026, 3, 1))
    return UserFactory(board=board, username="former")


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


@pytest.fixture
def categories(db):
    return {
        "procurement": CategoryFactory(
            code="procurement", name_nl="Aanbestedingsdocumenten", name_en="Procurement documents"
        ),
        "ict": CategoryFactory(code="ict", name_nl="ICT-kennis", name_en="ICT knowledge"),
        "security": CategoryFactory(
            code="security", name_nl="Informatiebeveiliging", name_en="Security guidance"
        ),
    }


@pytest.fixture
def library(staff, categories):
    """One document per visibility, all about wifi, and a withdrawn members' document."""
    public = make_document(
        staff,
        title="Wifi in de klas: basisadvies",
        visibility=Visibility.PUBLIC,
        body="Wifi-advies voor iedereen.",
    )
    for_interested = make_document(
        staff,
        title="Wifi-ontwerp voor belangstellenden",
        visibility=Visibility.INTERESTED,
        body="Wifi-ontwerp dat de coöperatie met belangstellende besturen deelt.",
    )
    members = make_document(
        staff,
        title="Wifi-tarieven van de raamovereenkomst",
        visibility=Visibility.MEMBERS,
        body="Wifi-tarieven die alleen leden zien.",
    )
    withdrawn = make_document(
        staff,
        title="Oude wifi-richtlijn",
        visibility=Visibility.PUBLIC,
        body="Verouderd wifi-advies.",
    )
    services.document_withdraw(document=withdrawn, by=staff, reason="Vervangen")
    return {
        "public": public,
        "interested": for_interested,
        "members": members,
        "withdrawn": withdrawn,
    }

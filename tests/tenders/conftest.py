from datetime import date

import pytest

from bundel.accounts.constants import Role
from bundel.tenders import services
from tests.factories import BoardFactory, PupilCountFactory, UserFactory

from .factories import connectivity, demand_tender, line, make_member, place


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier)
    return client


@pytest.fixture
def tender(staff):
    """Connectivity and security, lots 1 and 2, in demand registration."""
    return demand_tender(by=staff)


@pytest.fixture
def member_board(board):
    """Board 41211 (the contact's) is a member."""
    make_member(board)
    return board


@pytest.fixture
def example(staff, tender, member_board):
    """The hand-computed example of docs/tenders.md: two member boards, four locations,
    a location in both lots.

    Board 41211: A1 (bo, 100 pupils in 2019; 90 in 2018, not counted), Utrecht;
                 A2 (vo, 300 in 2025), Noord-Brabant.
    Board 30000: B1 (bo, 50), Utrecht; B2 (so 20 + vso 30), Limburg.
    Lot 1: A1 connectivity 1g, A2 connectivity 500m, B1 connectivity 1g (each with
           security).  Lot 2: A1 anti-spam; B1 connectivity 100m, B2 connectivity 1g
           (each with security).
    """
    a1 = place(member_board, "02FY00", pupils=100)
    PupilCountFactory(location=a1, count_date=date(2018, 10, 1), pupils=90)
    a2 = place(member_board, "02FY01", pupils=300, sector="vo", province="Noord-Brabant")
    other = BoardFactory(duo_number="30000", name="Stichting Tweede Bestuur")
    make_member(other)
    b1 = place(other, "30AB00", pupils=50)
    b2 = place(other, "30AB01", sector="so", province="Limburg", so=20, vso=30)
    services.participation_register(
        tender=tender,
        board=member_board,
        lines=[
            *connectivity(1, a1),
            *connectivity(1, a2, "500m"),
            line(2, a1, "anti-spam"),
        ],
        by=staff,
    )
    services.participation_register(
        tender=tender,
        board=other,
        lines=[*connectivity(1, b1), *connectivity(2, b1, "100m"), *connectivity(2, b2)],
        by=staff,
    )
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2, "other": other}

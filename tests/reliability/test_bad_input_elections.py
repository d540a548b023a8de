"""Bad votes through the API (`POST /api/v1/elections/{id}/votes/`): each refused with a
message that names what is wrong, and no receipt, ballot or proxy stored or changed.
The election of tests/governance/election_setup.py: PO (An, Bo, Cas) and Small (Dirk)."""

from types import SimpleNamespace

import pytest

from bundel.governance.services import vote_cast

from ..governance.election_setup import *  # noqa: F403 - the election fixtures
from ..governance.election_setup import contact_of, member_board, shift
from .checksum import table_state
from .conftest import login

TABLES = ("governance.VoteReceipt", "governance.Ballot", "governance.Proxy")


def vote(voter, board, candidate):
    return voter, {"board": board, "candidate": candidate}


# case: the world -> (who votes, payload); then the status and what the answer names
CASES = {
    "unknown board": (
        lambda w: vote(w.contact, "99999", w.candidates["An"].pk),
        400,
        "No board with this DUO number",
    ),
    "candidate of another election": (
        lambda w: vote(w.contact, w.board.duo_number, 987654),
        400,
        "No such candidate in this election",
    ),
    "candidate that is not a number": (
        lambda w: vote(w.contact, w.board.duo_number, "An"),
        400,
        "candidate",
    ),
    "no candidate": (lambda w: (w.contact, {"board": w.board.duo_number}), 400, "candidate"),
    "candidate of another chamber": (
        lambda w: vote(w.contact, w.board.duo_number, w.candidates["Dirk"].pk),
        400,
        "stands in the chamber Small",
    ),
    "second vote for the board": (
        lambda w: vote(w.voted_contact, w.voted.duo_number, w.candidates["An"].pk),
        409,
        "already voted",
    ),
    "contact of another board": (
        lambda w: vote(w.voted_contact, w.board.duo_number, w.candidates["An"].pk),
        403,
        "not its contact",
    ),
    "board that is not a member": (
        lambda w: vote(w.outsider, w.outsider.board.duo_number, w.candidates["An"].pk),
        403,
        "Elections are for the cooperative's members",
    ),
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(voting, candidates, po_boards):
    board, voted, _third = po_boards
    voted_contact = contact_of(voted)
    vote_cast(election=voting, board=voted, candidate=candidates["Bo"], by=voted_contact)
    return SimpleNamespace(
        election=voting,
        candidates=candidates,
        board=board,
        contact=contact_of(board),
        voted=voted,
        voted_contact=voted_contact,
        outsider=contact_of(member_board(member=False)),
    )


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_vote_is_refused_with_its_reason_and_stores_nothing(world, case):
    make, status, message = CASES[case]
    voter, payload = make(world)
    before = table_state(*TABLES)

    response = login(voter).post(
        f"/api/v1/elections/{world.election.pk}/votes/", payload, content_type="application/json"
    )

    assert response.status_code == status, response.content
    assert message in str(response.json())
    assert table_state(*TABLES) == before


def test_a_vote_outside_the_voting_period_is_refused(election, candidates, po_boards):
    board = po_boards[0]
    before = table_state(*TABLES)

    response = login(contact_of(board)).post(
        f"/api/v1/elections/{election.pk}/votes/",
        {"board": board.duo_number, "candidate": candidates["An"].pk},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert "must be “Voting”" in response.json()["detail"][0]
    assert table_state(*TABLES) == before
    shift(election, "closed")
    response = login(contact_of(board)).post(
        f"/api/v1/elections/{election.pk}/votes/",
        {"board": board.duo_number, "candidate": candidates["An"].pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert table_state(*TABLES) == before

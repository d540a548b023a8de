"""Two votes for the same board at the same moment: the database lets exactly one in."""

import pytest

from bundel.core.errors import StateConflict
from bundel.governance.models import Ballot, VoteReceipt
from bundel.governance.services import vote_cast

from ..concurrency import run_at_once
from .election_setup import *  # noqa: F403 - the election fixtures
from .election_setup import contact_of

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_votes_for_one_board_count_once(voting, candidates, po_boards):
    board = po_boards[0]
    contact, colleague = contact_of(board), contact_of(board)  # two contacts of one board
    outcomes = run_at_once(
        lambda: vote_cast(election=voting, board=board, candidate=candidates["An"], by=contact),
        lambda: vote_cast(election=voting, board=board, candidate=candidates["Bo"], by=colleague),
    )
    receipts = [o for o in outcomes if isinstance(o, VoteReceipt)]
    refused = [o for o in outcomes if isinstance(o, StateConflict)]
    assert (len(receipts), len(refused)) == (1, 1), outcomes
    assert VoteReceipt.objects.filter(election=voting, board=board).count() == 1
    assert Ballot.objects.filter(election=voting).count() == 1


def test_many_boards_voting_at_once_all_count(voting, candidates, po_boards):
    calls = [
        (
            lambda b=board: vote_cast(
                election=voting, board=b, candidate=candidates["Cas"], by=contact_of(b)
            )
        )
        for board in po_boards
    ]
    outcomes = run_at_once(*calls)
    assert all(isinstance(o, VoteReceipt) for o in outcomes), outcomes
    assert Ballot.objects.filter(election=voting, candidate=candidates["Cas"]).count() == 3

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


def test_after_the_count_ballots_share_one_transaction_and_no_vote_order(
    voting, candidates, po_boards, election_staff
):
    """Votes are written in their own transactions; the count rewrites every ballot in one,
    so PostgreSQL's row transaction ids (xmin) no longer lead from a ballot to a receipt."""
    from django.db import connection

    from bundel.governance.services import election_count

    from .election_setup import shift

    for board, name in zip(po_boards, ["An", "Bo", "Cas"], strict=True):
        vote_cast(election=voting, board=board, candidate=candidates[name], by=contact_of(board))

    def transaction_ids():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT xmin::text) FROM governance_ballot WHERE election_id = %s",
                [voting.pk],
            )
            return cursor.fetchone()[0]

    assert transaction_ids() == 3
    election_count(election=shift(voting, "closed"), by=election_staff)
    assert transaction_ids() == 1


def test_a_proxy_vote_and_its_revocation_at_once_do_not_both_happen(
    election, candidates, po_boards
):
    from bundel.governance.models import Proxy
    from bundel.governance.services import proxy_grant, proxy_revoke

    from .election_setup import shift

    a, b, _ = po_boards
    proxy = proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    shift(election, "voting")
    holder, grantor = contact_of(b), contact_of(a)
    outcomes = run_at_once(
        lambda: vote_cast(election=election, board=a, candidate=candidates["An"], by=holder),
        lambda: proxy_revoke(proxy=proxy, by=grantor),
    )
    voted = VoteReceipt.objects.filter(election=election, board=a).exists()
    revoked = not Proxy.objects.filter(pk=proxy.pk).exists()
    assert voted != revoked, outcomes  # exactly one of the two took effect

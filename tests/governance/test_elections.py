"""Elections: opening, nominations, proxies, the secret vote and the count."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.governance.constants import Body, Phase
from bundel.governance.models import Appointment, Ballot, Result, VoteReceipt
from bundel.governance.services import (
    candidate_nominate,
    election_count,
    election_open,
    proxy_grant,
    proxy_revoke,
    vote_cast,
)
from bundel.governance.services.elections import ranked

from .election_setup import *  # noqa: F403 - the election fixtures
from .election_setup import contact_of, member_board, shift


@pytest.fixture(autouse=True)
def english():
    with override("en"):
        yield


def test_open_records_seats_roll_and_a_hidden_seed(election, po_boards, small_board):
    assert dict(election.chambers.values_list("chamber", "seats")) == {"po": 2, "small": 1}
    roll = dict(election.roll.values_list("board__duo_number", "chamber"))
    assert roll == {**{b.duo_number: "po" for b in po_boards}, small_board.duo_number: "small"}
    assert len(election.seed) == 32  # 128 random bits, hex
    assert election.published_seed is None
    entry = AuditEntry.objects.get(action="governance.election.opened")
    assert entry.data == {
        "seats": {"po": 2, "small": 1},
        "seed_sha256": election.seed_sha256,
        "roll": 4,
    }
    assert election.seed not in str(entry.data)
    assert election.phase() == Phase.NOMINATION


def test_the_roll_is_fixed_when_the_election_opens(election, candidates):
    """A board admitted after the opening has no vote in this election."""
    late = member_board(pupils=1700)
    shift(election, "voting")
    with pytest.raises(PermissionDenied, match="not on the electoral roll"):
        vote_cast(election=election, board=late, candidate=candidates["An"], by=contact_of(late))


def test_only_staff_open_an_election(po_boards):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        election_open(
            title="X",
            seats={"po": 1},
            nomination_opens_at=now,
            nomination_closes_at=now + timedelta(days=1),
            voting_opens_at=now + timedelta(days=2),
            voting_closes_at=now + timedelta(days=3),
            by=contact_of(po_boards[0]),
        )


def test_periods_out_of_order_are_refused(election_staff):
    now = timezone.now()
    with pytest.raises(ValidationError, match="close before voting opens"):
        election_open(
            title="X",
            seats={"po": 1},
            nomination_opens_at=now,
            nomination_closes_at=now + timedelta(days=3),
            voting_opens_at=now + timedelta(days=2),
            voting_closes_at=now + timedelta(days=4),
            by=election_staff,
        )


def test_an_election_needs_seats(election_staff):
    now = timezone.now()
    with pytest.raises(RuleViolation, match="at least one chamber"):
        election_open(
            title="X",
            seats={"po": 0},
            nomination_opens_at=now,
            nomination_closes_at=now + timedelta(days=1),
            voting_opens_at=now + timedelta(days=2),
            voting_closes_at=now + timedelta(days=3),
            by=election_staff,
        )


# -- nominations ------------------------------------------------------------------------------


def test_a_contact_nominates_in_its_own_chamber(election, po_boards):
    contact = contact_of(po_boards[0])
    candidate = candidate_nominate(
        election=election,
        name="Eva",
        email="Eva@School.test",
        board=po_boards[1],
        motivation="Netwerkkennis.",
        by=contact,
    )
    assert (candidate.chamber, candidate.email, candidate.nominated_by) == (
        "po",
        "eva@school.test",
        contact,
    )


def test_nominating_into_another_chamber_is_refused(election, po_boards, small_board):
    with pytest.raises(RuleViolation, match="you nominate in your own chamber"):
        candidate_nominate(
            election=election,
            name="Eva",
            email="eva@school.test",
            board=small_board,
            motivation="-",
            by=contact_of(po_boards[0]),
        )


def test_a_non_member_board_cannot_nominate(election, po_boards):
    outsider = member_board(member=False)
    with pytest.raises(PermissionDenied, match="not a member"):
        candidate_nominate(
            election=election,
            name="Eva",
            email="eva@school.test",
            board=po_boards[0],
            motivation="-",
            by=contact_of(outsider),
        )


def test_nomination_outside_its_period_is_refused(voting, po_boards):
    with pytest.raises(StateConflict, match="Voting"):
        candidate_nominate(
            election=voting,
            name="Late",
            email="late@school.test",
            board=po_boards[0],
            motivation="-",
            by=contact_of(po_boards[0]),
        )


def test_the_same_person_stands_once(candidates, election, election_staff, po_boards):
    with pytest.raises(ValidationError, match="already a candidate"):
        candidate_nominate(
            election=election,
            name="An again",
            email="an@school.test",
            board=po_boards[0],
            motivation="-",
            by=election_staff,
        )


# -- proxies ----------------------------------------------------------------------------------


def test_a_member_holds_at_most_two_proxies(election, po_boards, small_board):
    holder = po_boards[0]
    for grantor in (po_boards[1], po_boards[2]):
        proxy_grant(election=election, grantor=grantor, holder=holder, by=contact_of(grantor))
    with pytest.raises(RuleViolation, match="already holds 2 proxies"):
        proxy_grant(
            election=election, grantor=small_board, holder=holder, by=contact_of(small_board)
        )
    assert election.proxies.count() == 2


def test_staff_give_no_proxy_without_a_grantor(election, po_boards, election_staff):
    with pytest.raises(RuleViolation, match="given by a member board"):
        proxy_grant(election=election, grantor=None, holder=po_boards[0], by=election_staff)


def test_a_proxy_is_not_passed_on(election, po_boards):
    a, b, c = po_boards
    proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    with pytest.raises(RuleViolation, match="cannot hold a proxy"):
        proxy_grant(election=election, grantor=c, holder=a, by=contact_of(c))
    with pytest.raises(RuleViolation, match="cannot give its vote away"):
        proxy_grant(election=election, grantor=b, holder=c, by=contact_of(b))


def test_proxy_rules_on_who(election, po_boards):
    a, b, _ = po_boards
    with pytest.raises(PermissionDenied):
        proxy_grant(election=election, grantor=a, holder=b, by=contact_of(b))
    with pytest.raises(RuleViolation, match="only a member can hold a proxy"):
        proxy_grant(
            election=election, grantor=a, holder=member_board(member=False), by=contact_of(a)
        )
    with pytest.raises(RuleViolation, match="to itself"):
        proxy_grant(election=election, grantor=a, holder=a, by=contact_of(a))


# -- voting -----------------------------------------------------------------------------------


def test_a_vote_leaves_a_receipt_and_an_anonymous_ballot(voting, candidates, po_boards):
    contact = contact_of(po_boards[0])
    receipt = vote_cast(election=voting, board=po_boards[0], candidate=candidates["Bo"], by=contact)
    assert (receipt.board, receipt.cast_by, receipt.via_proxy, receipt.chamber) == (
        po_boards[0],
        contact,
        False,
        "po",
    )
    ballot = Ballot.objects.get()
    assert ballot.candidate == candidates["Bo"]
    # Nothing on the ballot points back at the voter or the moment of voting.
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "election", "chamber", "candidate"}
    entry = AuditEntry.objects.get(action="governance.vote.cast")
    assert set(entry.data) == {"board", "via_proxy"}


def test_a_second_vote_for_the_same_board_is_refused(voting, candidates, po_boards):
    contact = contact_of(po_boards[0])
    vote_cast(election=voting, board=po_boards[0], candidate=candidates["Bo"], by=contact)
    with pytest.raises(StateConflict, match="already voted"):
        vote_cast(election=voting, board=po_boards[0], candidate=candidates["An"], by=contact)
    assert (VoteReceipt.objects.count(), Ballot.objects.count()) == (1, 1)


def test_a_proxy_holder_votes_for_the_grantor(election, candidates, po_boards):
    a, b, _ = po_boards
    proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    shift(election, "voting")
    holder_contact = contact_of(b)
    receipt = vote_cast(election=election, board=a, candidate=candidates["Cas"], by=holder_contact)
    assert receipt.via_proxy and receipt.cast_by == holder_contact
    with pytest.raises(RuleViolation, match="gave its proxy"):
        vote_cast(election=election, board=a, candidate=candidates["Cas"], by=contact_of(a))


def test_a_used_proxy_cannot_be_revoked(election, candidates, po_boards):
    a, b, _ = po_boards
    proxy = proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    shift(election, "voting")
    vote_cast(election=election, board=a, candidate=candidates["An"], by=contact_of(b))
    with pytest.raises(StateConflict, match="has been used"):
        proxy_revoke(proxy=proxy, by=contact_of(a))


def test_a_revoked_proxy_gives_the_vote_back(election, candidates, po_boards):
    a, b, _ = po_boards
    proxy = proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    proxy_revoke(proxy=proxy, by=contact_of(a))
    shift(election, "voting")
    with pytest.raises(PermissionDenied):
        vote_cast(election=election, board=a, candidate=candidates["An"], by=contact_of(b))
    assert vote_cast(election=election, board=a, candidate=candidates["An"], by=contact_of(a))


def test_votes_stay_in_the_boards_chamber(voting, candidates, small_board):
    with pytest.raises(RuleViolation, match=r"stands in the chamber PO; .* votes in Small"):
        vote_cast(
            election=voting,
            board=small_board,
            candidate=candidates["An"],
            by=contact_of(small_board),
        )


def test_who_may_not_vote(voting, candidates, po_boards, election_staff):
    outsider = member_board(member=False)
    with pytest.raises(PermissionDenied, match="not a member"):
        vote_cast(
            election=voting, board=outsider, candidate=candidates["An"], by=contact_of(outsider)
        )
    with pytest.raises(PermissionDenied, match="not its contact"):
        vote_cast(
            election=voting,
            board=po_boards[0],
            candidate=candidates["An"],
            by=contact_of(po_boards[1]),
        )
    with pytest.raises(PermissionDenied):
        vote_cast(
            election=voting, board=po_boards[0], candidate=candidates["An"], by=election_staff
        )
    vo_member = member_board(po=False, vo=True)  # VO has no seats in this election
    with pytest.raises(PermissionDenied, match="not on the electoral roll"):
        vote_cast(
            election=voting, board=vo_member, candidate=candidates["An"], by=contact_of(vo_member)
        )
    assert not VoteReceipt.objects.exists()


def test_no_vote_outside_the_voting_period(election, candidates, po_boards):
    with pytest.raises(StateConflict, match="must be “Voting”"):
        vote_cast(
            election=election,
            board=po_boards[0],
            candidate=candidates["An"],
            by=contact_of(po_boards[0]),
        )


# -- the count --------------------------------------------------------------------------------


def _vote(election, board, candidate):
    vote_cast(election=election, board=board, candidate=candidate, by=contact_of(board))


def test_the_count_seats_those_with_most_votes(
    voting, candidates, po_boards, small_board, election_staff
):
    a, b, c = po_boards
    _vote(voting, a, candidates["Bo"])
    _vote(voting, b, candidates["Bo"])
    _vote(voting, c, candidates["Cas"])
    _vote(voting, small_board, candidates["Dirk"])
    with pytest.raises(StateConflict):
        election_count(election=voting, by=election_staff)  # still voting
    closed = shift(voting, "closed")
    election_count(election=closed, by=election_staff)
    results = {r.candidate.name: (r.votes, r.rank, r.elected) for r in Result.objects.all()}
    assert results == {
        "Bo": (2, 1, True),
        "Cas": (1, 2, True),
        "An": (0, 3, False),
        "Dirk": (1, 1, True),
    }
    seats = Appointment.objects.filter(body=Body.COUNCIL, election=closed).order_by("name")
    assert [(s.name, s.chamber) for s in seats] == [("Bo", "po"), ("Cas", "po"), ("Dirk", "small")]
    term = seats[0]
    assert term.starts_on == closed.term_starts_on
    assert (term.ends_on.year - term.starts_on.year, term.ends_on.month) == (
        4,
        term.starts_on.month,
    )
    closed.refresh_from_db()
    assert closed.phase() == Phase.COUNTED
    with pytest.raises(StateConflict):
        election_count(election=closed, by=election_staff)


def test_a_tie_is_decided_by_the_recorded_lot(
    voting, candidates, po_boards, small_board, election_staff
):
    """An, Bo, Cas one vote each for two seats: the lot decides, and the same seed gives
    the same order every time."""
    for board, name in zip(po_boards, ["An", "Bo", "Cas"], strict=True):
        _vote(voting, board, candidates[name])
    closed = shift(voting, "closed")
    election_count(election=closed, by=election_staff)
    po = list(Result.objects.filter(chamber="po").order_by("rank"))
    assert [r.votes for r in po] == [1, 1, 1]
    assert all(r.by_lot for r in po)
    assert sum(r.elected for r in po) == 2
    pk = {c.pk: name for name, c in candidates.items()}
    expected = ranked({candidates[n].pk: 1 for n in ["An", "Bo", "Cas"]}, f"{closed.seed}:po")
    assert [pk[r.candidate_id] for r in po] == [pk[c] for c, _, _ in expected]


def test_ranked_is_deterministic_and_orders_by_votes():
    votes = {1: 5, 2: 7, 3: 5, 4: 1}
    first = ranked(votes, "42:po")
    assert first == ranked(votes, "42:po")
    order = [c for c, _, _ in first]
    assert (order[0], order[-1]) == (2, 4)
    assert {c for c, _, lot in first if lot} == {1, 3}
    # Another seed may order the tie differently, never the votes.
    orders = {tuple(c for c, _, _ in ranked(votes, f"{seed}:po"))[1:3] for seed in range(40)}
    assert orders == {(1, 3), (3, 1)}


def test_the_elected_council_member_gets_the_account_with_that_email(
    voting, candidates, po_boards, election_staff
):
    from tests.factories import UserFactory

    user = UserFactory(board=po_boards[2], email="Cas@School.test", role="council_member")
    _vote(voting, po_boards[0], candidates["Cas"])
    election_count(election=shift(voting, "closed"), by=election_staff)
    assert Appointment.objects.get(name="Cas").user == user


def test_the_count_rewrites_the_ballots_so_their_order_says_nothing(
    voting, candidates, po_boards, election_staff
):
    for board, name in zip(po_boards, ["An", "Bo", "Cas"], strict=True):
        _vote(voting, board, candidates[name])
    before = set(Ballot.objects.values_list("id", flat=True))
    election_count(election=shift(voting, "closed"), by=election_staff)
    after = Ballot.objects.all()
    assert before.isdisjoint({b.id for b in after})  # new keys, written in one go
    assert sorted(b.candidate.name for b in after) == ["An", "Bo", "Cas"]


def test_the_seed_is_published_with_the_results(voting, candidates, po_boards, election_staff):
    import hashlib

    _vote(voting, po_boards[0], candidates["An"])
    closed = shift(voting, "closed")
    assert closed.published_seed is None
    election_count(election=closed, by=election_staff)
    closed.refresh_from_db()
    assert closed.published_seed == closed.seed
    assert hashlib.sha256(closed.seed.encode()).hexdigest() == closed.seed_sha256


def test_the_new_council_succeeds_the_sitting_one(
    voting, candidates, po_boards, small_board, election_staff
):
    from datetime import date

    from bundel.governance.services import appointment_create

    sitting = appointment_create(
        body=Body.COUNCIL,
        name="Oud Raadslid",
        email="oud@school.test",
        board=po_boards[0],
        chamber="po",
        starts_on=date(2024, 1, 1),
        by=election_staff,
    )
    _vote(voting, po_boards[0], candidates["An"])
    closed = shift(voting, "closed")
    election_count(election=closed, by=election_staff)
    sitting.refresh_from_db()
    assert sitting.ended_on == closed.term_starts_on
    assert "Succeeded by the council elected" in sitting.end_reason


def test_a_tie_has_a_fixed_order_for_a_fixed_seed():
    """Recorded once; the same seed must give the same lot on every machine and version."""
    assert ranked({11: 2, 12: 2, 13: 2, 14: 1}, "0f1e2d3c4b5a69788796a5b4c3d2e1f0:po") == GOLDEN


GOLDEN = [(11, 2, True), (13, 2, True), (12, 2, True), (14, 1, False)]

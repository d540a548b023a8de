"""Meetings, proposals, votes and decisions: the services' rules and worked examples."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.governance.constants import Body, Outcome
from bundel.governance.models import Meeting, MeetingDocument, Proposal, ProposalVote
from bundel.governance.selectors.meetings import votes_of, voting_right
from bundel.governance.services import meetings as services
from bundel.governance.services.meetings import decide

from ..concurrency import run_at_once
from ..factories import UserFactory
from .factories import *  # noqa: F403
from .factories import (
    AppointmentFactory,
    MeetingFactory,
    ProposalFactory,
    at,
    member_board,
    pdf_upload,
)

pytestmark = [pytest.mark.usefixtures("english")]


# -- the decision ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "abstentions", "quorum", "outcome"),
    [
        (10, 5, 3, 10, Outcome.PASSED),  # 10 of 15 valid votes
        (5, 5, 8, 10, Outcome.REJECTED),  # a tie is no absolute majority
        (6, 5, 20, 18, Outcome.PASSED),  # abstentions are not valid votes: 6 of 11
        (8, 9, 1, 18, Outcome.REJECTED),  # 8 of 17: the quorum met exactly by an abstention
        (8, 9, 0, 18, Outcome.NO_QUORUM),  # 17 of 36 voted: no quorum, no decision
        (17, 0, 0, 18, Outcome.NO_QUORUM),  # unanimous, but too few
        (0, 0, 18, 18, Outcome.REJECTED),  # everyone abstained: no majority for
        (1, 0, 17, 18, Outcome.PASSED),  # one valid vote, for
        (0, 0, 0, 0, Outcome.REJECTED),
    ],
)
def test_decide_worked_examples(votes_for, votes_against, abstentions, quorum, outcome):
    decided = decide(
        votes_for=votes_for, votes_against=votes_against, abstentions=abstentions, quorum=quorum
    )
    assert decided == outcome


# -- meetings and documents -----------------------------------------------------------------


@pytest.mark.django_db
def test_staff_plan_a_meeting_and_only_staff(staff, contact):
    meeting = services.meeting_create(
        kind="council",
        title="Ledenraad najaar",
        starts_at=at(timezone.localdate() + timedelta(days=30)),
        place="Utrecht",
        agenda="1. Opening",
        by=staff,
    )

    with pytest.raises(PermissionDenied):
        services.meeting_create(
            kind="council", title="X", starts_at=meeting.starts_at, place="", agenda="", by=contact
        )
    assert list(Meeting.objects.all()) == [meeting]
    assert AuditEntry.objects.filter(action="governance.meeting.created").count() == 1


@pytest.mark.django_db
def test_a_meeting_changes_but_not_its_date_once_a_vote_opened(staff, seat, council_meeting):
    later = council_meeting.starts_at + timedelta(days=1)
    changed = services.meeting_update(
        meeting=council_meeting,
        kind="council",
        title="Ledenraad voorjaar (verplaatst)",
        starts_at=council_meeting.starts_at,
        place="Online",
        agenda=council_meeting.agenda,
        by=staff,
    )
    proposal = ProposalFactory(meeting=council_meeting)
    services.proposal_open(proposal=proposal, by=staff)

    with pytest.raises(StateConflict) as refused:
        services.meeting_update(
            meeting=council_meeting,
            kind="council",
            title=changed.title,
            starts_at=later,
            place="Online",
            agenda=changed.agenda,
            by=staff,
        )

    assert (changed.title, changed.place) == ("Ledenraad voorjaar (verplaatst)", "Online")
    assert "its kind and date fixed who may vote" in refused.value.messages[0]
    council_meeting.refresh_from_db()
    assert council_meeting.starts_at != later
    entry = AuditEntry.objects.get(action="governance.meeting.changed")
    assert entry.changes["place"] == ["Utrecht", "Online"]


@pytest.mark.django_db
def test_documents_are_pdfs_by_their_content(staff, council_meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = services.document_add(
        meeting=council_meeting, title="Meerjarenplan", file=pdf_upload(), by=staff
    )

    with pytest.raises(RuleViolation) as not_pdf:
        services.document_add(
            meeting=council_meeting,
            title="Stiekem",
            file=pdf_upload("plan.pdf", b"MZ\x90\x00 not a pdf"),
            by=staff,
        )
    settings.GOVERNANCE_UPLOAD_MAX_BYTES = 50
    with pytest.raises(RuleViolation) as too_large:
        services.document_add(
            meeting=council_meeting, title="Groot", file=pdf_upload("groot.pdf"), by=staff
        )

    assert document.file.read() == pdf_upload().read()
    assert not_pdf.value.messages == [
        "The file “plan.pdf” is not accepted: by its content it is of the type “program "
        "(executable)” (whatever its name says). Accepted: PDF document."
    ]
    assert too_large.value.code == "too_large"
    assert too_large.value.messages == [
        f"The file “groot.pdf” is {len(pdf_upload().read())}\xa0bytes; files of at most "
        "50\xa0bytes are accepted."
    ]
    assert list(MeetingDocument.objects.all()) == [document]


@pytest.mark.django_db
def test_a_proposal_s_document_belongs_to_its_meeting(staff, council_meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = MeetingFactory()
    document = services.document_add(meeting=other, title="Elders", file=pdf_upload(), by=staff)

    with pytest.raises(RuleViolation, match="The document belongs to another meeting"):
        services.proposal_add(
            meeting=council_meeting, title="X", text="Y", document=document, by=staff
        )
    assert not Proposal.objects.exists()


# -- opening: who may vote ------------------------------------------------------------------


@pytest.mark.django_db
def test_at_a_council_meeting_the_seats_held_that_day_vote(staff, council_meeting):
    day = timezone.localdate(council_meeting.starts_at)
    for n in range(6):
        AppointmentFactory(chamber="small", name=f"Lid {n}")
    AppointmentFactory(chamber="po", ended_on=day)  # left that morning
    AppointmentFactory(chamber="po", starts_on=day + timedelta(days=1))  # not yet
    AppointmentFactory(body=Body.BOARD, chamber="", seat_kind="member")  # not the council
    proposal = ProposalFactory(meeting=council_meeting)

    opened = services.proposal_open(proposal=proposal, by=staff)

    assert (opened.outcome, opened.electorate, opened.quorum) == (Outcome.VOTING, 6, 3)
    assert opened.voting_opened_at is not None


@pytest.mark.django_db
def test_the_quorum_is_a_share_rounded_up(staff, council_meeting, settings):
    settings.DECISION_QUORUM = Decimal("0.6667")
    for _n in range(7):
        AppointmentFactory()

    opened = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)

    assert (opened.electorate, opened.quorum) == (7, 5)  # 7 x 0.6667 = 4.67


@pytest.mark.django_db
def test_at_the_member_day_every_member_board_votes(staff, member_day, outsider_board):
    for n in range(4):
        member_board(pupils=500 + n)

    opened = services.proposal_open(proposal=ProposalFactory(meeting=member_day), by=staff)

    assert (opened.electorate, opened.quorum) == (4, 2)


@pytest.mark.django_db
def test_a_vote_without_voters_or_twice_is_refused(staff, council_meeting):
    proposal = ProposalFactory(meeting=council_meeting)

    with pytest.raises(RuleViolation, match="Nobody is entitled to vote on this proposal"):
        services.proposal_open(proposal=proposal, by=staff)
    AppointmentFactory()
    services.proposal_open(proposal=proposal, by=staff)
    with pytest.raises(StateConflict, match="already been opened"):
        services.proposal_open(proposal=proposal, by=staff)


# -- voting ---------------------------------------------------------------------------------


@pytest.fixture
def voting(staff, seat, council_meeting):
    for _n in range(4):
        AppointmentFactory()
    return services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)


@pytest.mark.django_db
def test_a_council_member_votes_once(voting, councillor, seat):
    vote = services.proposal_vote(proposal=voting, choice="for", by=councillor)

    with pytest.raises(StateConflict) as again:
        services.proposal_vote(proposal=voting, choice="against", by=councillor)

    assert (vote.appointment, vote.board, vote.choice) == (seat, None, "for")
    assert again.value.messages == ["You have already voted on this proposal."]
    assert list(ProposalVote.objects.values_list("choice", flat=True)) == ["for"]
    assert AuditEntry.objects.filter(action="governance.proposal.voted").count() == 1
    meeting = voting.meeting
    assert votes_of(voting_right(councillor, meeting), meeting) == {voting.pk: "for"}


@pytest.mark.django_db
def test_who_holds_no_council_seat_may_not_vote_at_a_council_meeting(
    voting, contact, staff, outsider, supplier
):
    for user in (contact, staff, outsider, supplier):
        with pytest.raises(PermissionDenied) as refused:
            services.proposal_vote(proposal=voting, choice="for", by=user)
        assert str(refused.value) == "Only the seated council members vote on this proposal."
    assert not ProposalVote.objects.exists()


@pytest.mark.django_db
def test_a_seat_that_ended_before_the_meeting_does_not_vote(voting, councillor, seat):
    seat.ended_on = timezone.localdate(voting.meeting.starts_at)
    seat.save()

    with pytest.raises(PermissionDenied):
        services.proposal_vote(proposal=voting, choice="for", by=councillor)


@pytest.mark.django_db
def test_at_the_member_day_a_member_board_votes_once_through_its_contact(
    staff, member_day, contact, membership, outsider, councillor
):
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=member_day), by=staff)
    second_contact = UserFactory(board=contact.board)

    vote = services.proposal_vote(proposal=proposal, choice="against", by=contact)
    with pytest.raises(StateConflict):
        services.proposal_vote(proposal=proposal, choice="for", by=second_contact)
    for user in (outsider, councillor, staff):
        with pytest.raises(PermissionDenied, match="each member board votes through its contact"):
            services.proposal_vote(proposal=proposal, choice="for", by=user)

    assert (vote.board, vote.appointment) == (contact.board, None)
    assert votes_of(voting_right(second_contact, member_day), member_day) == {
        proposal.pk: "against"
    }


@pytest.mark.django_db
def test_a_vote_needs_an_open_proposal_and_a_known_choice(staff, voting, councillor):
    with pytest.raises(RuleViolation) as unknown:
        services.proposal_vote(proposal=voting, choice="maybe", by=councillor)
    not_open = ProposalFactory(meeting=voting.meeting)
    with pytest.raises(StateConflict, match="This proposal is not open for votes"):
        services.proposal_vote(proposal=not_open, choice="for", by=councillor)

    assert unknown.value.messages == ["Vote for, against or abstain (not “maybe”)."]


# -- closing --------------------------------------------------------------------------------


def council_of(n: int) -> list:
    """`n` seated council members with a login each."""
    users = [UserFactory(role="council_member") for _ in range(n)]
    for user in users:
        AppointmentFactory(user=user, email=user.email)
    return users


@pytest.mark.django_db
def test_closing_counts_and_decides(staff, council_meeting):
    members = council_of(9)  # quorum 5
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)
    for user, choice in zip(members, ["for"] * 3 + ["against"] * 2 + ["abstain"] * 2, strict=False):
        services.proposal_vote(proposal=proposal, choice=choice, by=user)

    closed = services.proposal_close(proposal=proposal, by=staff)

    assert (closed.votes_for, closed.votes_against, closed.abstentions) == (3, 2, 2)
    assert (closed.outcome, closed.quorum, closed.electorate) == (Outcome.PASSED, 5, 9)
    assert closed.is_decided and closed.closed_at is not None
    with pytest.raises(StateConflict):
        services.proposal_vote(proposal=closed, choice="for", by=members[8])
    with pytest.raises(StateConflict):
        services.proposal_close(proposal=closed, by=staff)
    entry = AuditEntry.objects.get(action="governance.proposal.decided")
    assert entry.data == {"outcome": "passed", "for": 3, "against": 2, "abstentions": 2}


@pytest.mark.django_db
def test_closing_without_the_quorum_decides_nothing(staff, council_meeting):
    members = council_of(9)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)
    for user in members[:4]:
        services.proposal_vote(proposal=proposal, choice="for", by=user)

    closed = services.proposal_close(proposal=proposal, by=staff)

    assert (closed.outcome, closed.votes_for) == (Outcome.NO_QUORUM, 4)


@pytest.mark.django_db
def test_abstentions_make_the_quorum_but_not_the_majority(staff, council_meeting):
    members = council_of(9)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)
    choices = ["for", "against", "against", "abstain", "abstain", "abstain"]
    for user, choice in zip(members, choices, strict=False):
        services.proposal_vote(proposal=proposal, choice=choice, by=user)

    closed = services.proposal_close(proposal=proposal, by=staff)

    assert (closed.outcome, closed.abstentions) == (Outcome.REJECTED, 3)


@pytest.mark.django_db
def test_staff_record_a_count_from_the_room(staff, council_meeting, contact):
    council_of(9)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)

    with pytest.raises(RuleViolation) as too_many:
        services.proposal_count_record(
            proposal=proposal, votes_for=8, votes_against=2, abstentions=0, by=staff
        )
    with pytest.raises(PermissionDenied):
        services.proposal_count_record(
            proposal=proposal, votes_for=8, votes_against=0, abstentions=0, by=contact
        )
    decided = services.proposal_count_record(
        proposal=proposal, votes_for=4, votes_against=3, abstentions=1, by=staff
    )

    assert too_many.value.messages == ["10 votes counted, but only 9 are entitled to vote."]
    assert (decided.outcome, decided.votes_for, decided.votes_against) == (Outcome.PASSED, 4, 3)
    entry = AuditEntry.objects.get(action="governance.proposal.decided")
    assert entry.data["counted_in_the_room"] is True


@pytest.mark.django_db
def test_a_count_from_the_room_is_refused_once_someone_voted_online(staff, council_meeting):
    members = council_of(3)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)
    services.proposal_vote(proposal=proposal, choice="for", by=members[0])

    with pytest.raises(StateConflict) as refused:
        services.proposal_count_record(
            proposal=proposal, votes_for=3, votes_against=0, abstentions=0, by=staff
        )

    assert refused.value.messages == [
        "1 votes were cast online; close the vote to count them instead."
    ]


# -- minutes --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_minutes_are_published_after_the_votes_are_closed(staff, voting, contact):
    meeting = voting.meeting

    with pytest.raises(RuleViolation, match="Write the minutes before publishing them"):
        services.minutes_publish(meeting=meeting, minutes="  ", by=staff)
    with pytest.raises(StateConflict, match="Close the votes on every proposal"):
        services.minutes_publish(meeting=meeting, minutes="Notulen", by=staff)
    services.proposal_close(proposal=voting, by=staff)
    with pytest.raises(PermissionDenied):
        services.minutes_publish(meeting=meeting, minutes="Notulen", by=contact)
    published = services.minutes_publish(meeting=meeting, minutes=" Notulen\n", by=staff)

    assert (published.minutes, published.minutes_published_at is not None) == ("Notulen", True)
    assert AuditEntry.objects.filter(action="governance.minutes.published").count() == 1


@pytest.mark.django_db
def test_minutes_wait_until_the_meeting_has_been_held(staff):
    upcoming = MeetingFactory(starts_at=at(timezone.localdate() + timedelta(days=3), 10, 0))

    with pytest.raises(StateConflict) as refused:
        services.minutes_publish(meeting=upcoming, minutes="Te vroeg", by=staff)

    assert refused.value.code == "not_held"
    upcoming.refresh_from_db()
    assert (upcoming.minutes, upcoming.minutes_published_at) == ("", None)


# -- at the same moment ---------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_votes_of_one_council_member_at_once_count_once(staff, council_meeting):
    [member, *_rest] = council_of(3)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)

    outcomes = run_at_once(
        lambda: services.proposal_vote(proposal=proposal, choice="for", by=member),
        lambda: services.proposal_vote(proposal=proposal, choice="against", by=member),
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["ProposalVote", "StateConflict"]
    assert ProposalVote.objects.filter(proposal=proposal).count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_vote_at_the_moment_of_closing_is_counted_or_refused(staff, council_meeting):
    [member, *_rest] = council_of(3)
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=council_meeting), by=staff)

    outcomes = run_at_once(
        lambda: services.proposal_vote(proposal=proposal, choice="for", by=member),
        lambda: services.proposal_close(proposal=proposal, by=staff),
    )

    proposal.refresh_from_db()
    stored = ProposalVote.objects.filter(proposal=proposal).count()
    assert proposal.votes_for == stored  # never a vote stored but left out of the count
    assert isinstance(outcomes[1], Proposal)
    assert stored == (0 if isinstance(outcomes[0], StateConflict) else 1)

"""Meetings, their documents, proposals and decisions: for the members and staff only.
The public, boards that are not members and suppliers see nothing of them."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bundel.membership.selectors import is_member, user_is_member

from ..constants import Body, MeetingKind, Outcome
from ..models import Appointment, Meeting, MeetingDocument, Proposal, ProposalVote
from .bodies import seated_on


def may_see_meetings(user) -> bool:
    """People of member boards (their contacts and council members) and staff."""
    return user_is_member(user)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if not may_see_meetings(user):
        return Meeting.objects.none()
    return Meeting.objects.all()


def documents_visible_to(user) -> QuerySet[MeetingDocument]:
    if not may_see_meetings(user):
        return MeetingDocument.objects.none()
    return MeetingDocument.objects.select_related("meeting")


def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not may_see_meetings(user):
        return Proposal.objects.none()
    return Proposal.objects.select_related("meeting", "document")


def _count(model, **filters) -> Coalesce:
    """A correlated count per meeting (no joins that multiply the rows)."""
    rows = (
        model.objects.filter(meeting=OuterRef("pk"), **filters)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def meeting_list(user) -> QuerySet[Meeting]:
    """The visible meetings with their numbers of proposals, decisions and documents, in
    one query however many rows."""
    decided = [Outcome.PASSED, Outcome.REJECTED, Outcome.NO_QUORUM]
    return (
        meetings_visible_to(user)
        .annotate(
            proposal_count=_count(Proposal),
            decided_count=_count(Proposal, outcome__in=decided),
            voting_count=_count(Proposal, outcome=Outcome.VOTING),
            document_count=_count(MeetingDocument),
        )
        .order_by("-starts_at", "-pk")
    )


def meeting_proposals(meeting: Meeting) -> list[Proposal]:
    """The meeting's proposals with their document and the votes cast so far."""
    return list(
        meeting.proposals.select_related("document").annotate(cast=Count("votes")).order_by("pk")
    )


def council_seat_of(user, meeting: Meeting) -> Appointment | None:
    """The council seat `user` holds on the day of the meeting, if any."""
    if user is None or not user.is_authenticated:
        return None
    day = timezone.localdate(meeting.starts_at)
    return (
        Appointment.objects.filter(seated_on(day), body=Body.COUNCIL, user=user)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class VotingRight:
    """Who `user` votes as at a meeting: a council seat, or (member day) its board."""

    seat: Appointment | None = None
    board_id: int | None = None

    @property
    def may_vote(self) -> bool:
        return self.seat is not None or self.board_id is not None

    @property
    def as_board(self) -> bool:
        return self.board_id is not None


def voting_right(user, meeting: Meeting) -> VotingRight:
    if not (user is not None and user.is_authenticated):
        return VotingRight()
    if meeting.kind == MeetingKind.MEMBER_DAY:
        if user.is_board_contact and is_member(user.board):
            return VotingRight(board_id=user.board_id)
        return VotingRight()
    return VotingRight(seat=council_seat_of(user, meeting))


def votes_of(right: VotingRight, meeting: Meeting) -> dict[int, str]:
    """{proposal id: choice} of the votes cast by the seat or board (one query)."""
    if not right.may_vote:
        return {}
    voter = Q(appointment=right.seat) if right.seat else Q(board_id=right.board_id)
    return dict(
        ProposalVote.objects.filter(voter, proposal__meeting=meeting).values_list(
            "proposal_id", "choice"
        )
    )

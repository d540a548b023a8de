"""Meetings, their documents and proposals, the votes and the decision, the minutes."""

import math
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log, diff, field_values
from bundel.core.errors import RuleViolation, StateConflict
from bundel.core.uploads import FileKind, check_upload
from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.membership.selectors import is_member

from ..constants import Body, Choice, MeetingKind, Outcome
from ..models import Appointment, Meeting, MeetingDocument, Proposal, ProposalVote
from ..selectors.meetings import council_seat_of
from .common import require_staff

__all__ = [
    "council_seat_of",
    "decide",
    "document_add",
    "electorate",
    "meeting_create",
    "meeting_update",
    "minutes_publish",
    "proposal_add",
    "proposal_close",
    "proposal_count_record",
    "proposal_open",
    "proposal_vote",
]


@transaction.atomic
def meeting_create(
    *, kind: str, title: str, starts_at: datetime, place: str, agenda: str, by
) -> Meeting:
    require_staff(by)
    meeting = Meeting(
        kind=kind, title=title, starts_at=starts_at, place=place, agenda=agenda, created_by=by
    )
    meeting.full_clean()
    meeting.save()
    audit_log(action="governance.meeting.created", obj=meeting, actor=by, data={"kind": kind})
    return meeting


MEETING_FIELDS = ("kind", "title", "starts_at", "place", "agenda")


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, kind: str, title: str, starts_at: datetime, place: str, agenda: str, by
) -> Meeting:
    """Change what a meeting is, when and where. Its kind and date fix who may vote, so
    they stay once a vote on one of its proposals has opened."""
    require_staff(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = field_values(meeting, MEETING_FIELDS)
    moved = kind != meeting.kind or starts_at != meeting.starts_at
    if moved and meeting.proposals.exclude(outcome=Outcome.OPEN).exists():
        raise StateConflict(
            _(
                "A vote on a proposal of this meeting has opened: its kind and date fixed who "
                "may vote, so they can no longer change."
            ),
            code="voting_opened",
        )
    meeting.kind, meeting.title, meeting.starts_at = kind, title, starts_at
    meeting.place, meeting.agenda = place, agenda
    others = [f.name for f in Meeting._meta.concrete_fields if f.name not in MEETING_FIELDS]
    meeting.full_clean(exclude=others)
    meeting.save(update_fields=list(MEETING_FIELDS))
    changes = diff(before, field_values(meeting, MEETING_FIELDS))
    if changes:
        audit_log(action="governance.meeting.changed", obj=meeting, actor=by, changes=changes)
    return meeting


@transaction.atomic
def document_add(*, meeting: Meeting, title: str, file: UploadedFile, by) -> MeetingDocument:
    """Meeting documents are PDFs by their content, of at most GOVERNANCE_UPLOAD_MAX_BYTES."""
    require_staff(by)
    check_upload(file, allowed={FileKind.PDF}, max_bytes=settings.GOVERNANCE_UPLOAD_MAX_BYTES)
    document = MeetingDocument(meeting=meeting, title=title, file=file, uploaded_by=by)
    document.full_clean()
    document.save()
    audit_log(
        action="governance.document.added",
        obj=document,
        actor=by,
        data={"meeting": meeting.pk, "file": document.file.name},
    )
    return document


@transaction.atomic
def proposal_add(
    *, meeting: Meeting, title: str, text: str, by, document: MeetingDocument | None = None
) -> Proposal:
    require_staff(by)
    if document is not None and document.meeting_id != meeting.pk:
        raise RuleViolation(_("The document belongs to another meeting."), code="document")
    proposal = Proposal(meeting=meeting, title=title, text=text, document=document)
    proposal.full_clean()
    proposal.save()
    audit_log(
        action="governance.proposal.added", obj=proposal, actor=by, data={"meeting": meeting.pk}
    )
    return proposal


def electorate(meeting: Meeting) -> int:
    """Who may vote: at a council meeting the council members seated that day, at the
    general member day every member board (one vote each)."""
    day = timezone.localdate(meeting.starts_at)
    if meeting.kind == MeetingKind.MEMBER_DAY:
        return Membership.objects.filter(state__in=MEMBER_STATES).count()
    return sum(
        a.seated_on(day)
        for a in Appointment.objects.filter(body=Body.COUNCIL, starts_on__lte=day, ends_on__gt=day)
    )


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)


@transaction.atomic
def proposal_open(*, proposal: Proposal, by) -> Proposal:
    """Open the vote; who may vote and the quorum (DECISION_QUORUM of them) are fixed now."""
    require_staff(by)
    proposal = _locked(proposal)
    if proposal.outcome != Outcome.OPEN:
        raise StateConflict(_("The vote on this proposal has already been opened."), code="opened")
    proposal.electorate = electorate(proposal.meeting)
    if not proposal.electorate:
        raise RuleViolation(_("Nobody is entitled to vote on this proposal."), code="electorate")
    proposal.quorum = math.ceil(proposal.electorate * settings.DECISION_QUORUM)
    proposal.outcome = Outcome.VOTING
    proposal.voting_opened_at = timezone.now()
    proposal.save(update_fields=["electorate", "quorum", "outcome", "voting_opened_at"])
    audit_log(
        action="governance.proposal.opened",
        obj=proposal,
        actor=by,
        data={"electorate": proposal.electorate, "quorum": proposal.quorum},
    )
    return proposal


@transaction.atomic
def proposal_vote(*, proposal: Proposal, choice: str, by) -> ProposalVote:
    """A seated council member (council meeting) or a member board's contact (member day)
    votes for, against or abstains; once. The proposal is locked, so no vote slips in
    while the vote closes (and is left out of the count)."""
    proposal = _locked(proposal)
    if proposal.outcome != Outcome.VOTING:
        raise StateConflict(_("This proposal is not open for votes."), code="not_voting")
    if choice not in Choice.values:
        raise RuleViolation(
            _("Vote for, against or abstain (not “%(c)s”).") % {"c": choice}, code="choice"
        )
    meeting = proposal.meeting
    vote = ProposalVote(proposal=proposal, choice=choice, cast_by=by)
    if meeting.kind == MeetingKind.MEMBER_DAY:
        if not (by.is_board_contact and is_member(by.board)):
            raise PermissionDenied(
                _("At the member day each member board votes through its contact.")
            )
        vote.board = by.board
    else:
        vote.appointment = council_seat_of(by, meeting)
        if vote.appointment is None:
            raise PermissionDenied(_("Only the seated council members vote on this proposal."))
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError:
        raise StateConflict(_("You have already voted on this proposal."), code="voted") from None
    audit_log(action="governance.proposal.voted", obj=proposal, actor=by, data={"choice": choice})
    return vote


def decide(*, votes_for: int, votes_against: int, abstentions: int, quorum: int) -> Outcome:
    """Adopted with an absolute majority of the valid votes (abstentions are not valid
    votes but count for the quorum); no decision without the quorum."""
    if votes_for + votes_against + abstentions < quorum:
        return Outcome.NO_QUORUM
    if 2 * votes_for > votes_for + votes_against:
        return Outcome.PASSED
    return Outcome.REJECTED


@transaction.atomic
def proposal_close(*, proposal: Proposal, by) -> Proposal:
    require_staff(by)
    proposal = _locked(proposal)
    if proposal.outcome != Outcome.VOTING:
        raise StateConflict(_("This proposal is not open for votes."), code="not_voting")
    choices = list(proposal.votes.values_list("choice", flat=True))
    proposal.votes_for = choices.count(Choice.FOR)
    proposal.votes_against = choices.count(Choice.AGAINST)
    proposal.abstentions = choices.count(Choice.ABSTAIN)
    proposal.outcome = decide(
        votes_for=proposal.votes_for,
        votes_against=proposal.votes_against,
        abstentions=proposal.abstentions,
        quorum=proposal.quorum or 0,
    )
    proposal.closed_at = timezone.now()
    proposal.save()
    audit_log(
        action="governance.proposal.decided",
        obj=proposal,
        actor=by,
        data={
            "outcome": proposal.outcome,
            "for": proposal.votes_for,
            "against": proposal.votes_against,
            "abstentions": proposal.abstentions,
        },
    )
    return proposal


@transaction.atomic
def proposal_count_record(
    *, proposal: Proposal, votes_for: int, votes_against: int, abstentions: int, by
) -> Proposal:
    """Decide on a count taken in the room (a show of hands) instead of online votes:
    staff record it while the vote is open and before anyone voted online."""
    require_staff(by)
    proposal = _locked(proposal)
    if proposal.outcome != Outcome.VOTING:
        raise StateConflict(_("This proposal is not open for votes."), code="not_voting")
    online = proposal.votes.count()
    if online:
        raise StateConflict(
            _("%(n)s votes were cast online; close the vote to count them instead.")
            % {"n": online},
            code="online_votes",
            params={"votes": online},
        )
    counts = (votes_for, votes_against, abstentions)
    if min(counts) < 0:
        raise RuleViolation(_("A count cannot be negative."), code="negative")
    if sum(counts) > (proposal.electorate or 0):
        raise RuleViolation(
            _("%(n)s votes counted, but only %(e)s are entitled to vote.")
            % {"n": sum(counts), "e": proposal.electorate},
            code="too_many",
            params={"votes": sum(counts), "electorate": proposal.electorate},
        )
    proposal.votes_for, proposal.votes_against, proposal.abstentions = counts
    proposal.outcome = decide(
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        quorum=proposal.quorum or 0,
    )
    proposal.closed_at = timezone.now()
    proposal.save()
    audit_log(
        action="governance.proposal.decided",
        obj=proposal,
        actor=by,
        data={
            "outcome": proposal.outcome,
            "for": votes_for,
            "against": votes_against,
            "abstentions": abstentions,
            "counted_in_the_room": True,
        },
    )
    return proposal


@transaction.atomic
def minutes_publish(*, meeting: Meeting, minutes: str, by) -> Meeting:
    """Publish the minutes to the members; refused while a proposal is still being voted on."""
    require_staff(by)
    if not minutes.strip():
        raise RuleViolation(_("Write the minutes before publishing them."), code="empty")
    if meeting.starts_at > timezone.now():
        raise StateConflict(
            _("The meeting has not been held yet (it starts %(at)s); publish its minutes after.")
            % {"at": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M")},
            code="not_held",
        )
    if meeting.proposals.filter(outcome=Outcome.VOTING).exists():
        raise StateConflict(
            _("Close the votes on every proposal before publishing the minutes."), code="voting"
        )
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    audit_log(action="governance.minutes.published", obj=meeting, actor=by)
    return meeting

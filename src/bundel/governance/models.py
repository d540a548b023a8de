"""Elections for the council, the bodies and who sits in them, meetings and decisions.

The secret ballot is two tables: `VoteReceipt` records that a board voted and through whom
(unique per election and board, so a second vote fails in the database), and `Ballot`
holds the vote itself with a random key, no time and no voter, so the two cannot be joined.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import Body, Chamber, Choice, MeetingKind, Outcome, Phase, Role, SeatKind


class Election(models.Model):
    title = models.CharField(_("title"), max_length=200)
    nomination_opens_at = models.DateTimeField(_("nomination opens"))
    nomination_closes_at = models.DateTimeField(_("nomination closes"))
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    term_starts_on = models.DateField(
        _("terms start on"), help_text=_("The day the elected take their seats.")
    )
    seed = models.CharField(
        _("seed of the lot"),
        max_length=64,
        help_text=_(
            "Drawn when the election opens; only its SHA-256 is shown until the count, so "
            "nobody can work out a tie beforehand, and anyone can check it afterwards."
        ),
    )
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-voting_closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination_opens_at__lt=F("nomination_closes_at"))
                & Q(nomination_closes_at__lte=F("voting_opens_at"))
                & Q(voting_opens_at__lt=F("voting_closes_at")),
                name="governance_election_periods_in_order",
                violation_error_message=_(
                    "Nomination must open before it closes, close before voting opens, "
                    "and voting must open before it closes."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:election", args=[self.pk])

    def phase(self, now=None) -> Phase:
        now = now or timezone.now()
        if self.counted_at:
            return Phase.COUNTED
        if now < self.nomination_opens_at:
            return Phase.PLANNED
        if now < self.nomination_closes_at:
            return Phase.NOMINATION
        if now < self.voting_opens_at:
            return Phase.WAITING
        if now < self.voting_closes_at:
            return Phase.VOTING
        return Phase.CLOSED

    @property
    def current_phase(self) -> Phase:
        return self.phase()

    @property
    def seed_sha256(self) -> str:
        return hashlib.sha256(self.seed.encode()).hexdigest()

    @property
    def published_seed(self) -> str | None:
        """The seed itself once the votes are counted; before that, nothing."""
        return self.seed if self.counted_at else None


class ElectionChamber(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="chambers")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("chamber in an election")
        verbose_name_plural = _("chambers in an election")
        ordering = ["election", "chamber"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "chamber"], name="governance_election_chamber_once"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="governance_chamber_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.election}: {self.get_chamber_display()}"


class Voter(models.Model):
    """The electoral roll: the member boards and their chambers when the election opened.
    A board's chamber or membership changing later does not move its vote."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll")
    board = models.ForeignKey("registry.Board", on_delete=models.PROTECT, related_name="+")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("electoral roll")
        ordering = ["election", "chamber", "board"]
        constraints = [
            models.UniqueConstraint(fields=["election", "board"], name="governance_voter_once")
        ]

    def __str__(self) -> str:
        return f"{self.board} ({self.get_chamber_display()})"


class Candidate(models.Model):
    """A person from a member board, nominated in that board's chamber."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    board = models.ForeignKey(
        "registry.Board", on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    motivation = models.TextField(_("motivation"), max_length=2000)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    nominated_at = models.DateTimeField(_("nominated"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "chamber", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "email"],
                name="governance_candidate_once",
                violation_error_message=_("This person is already a candidate in this election."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Proxy(models.Model):
    """The grantor board lets the holder board cast its vote in this election."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="proxies")
    grantor = models.ForeignKey(
        "registry.Board", on_delete=models.PROTECT, related_name="+", verbose_name=_("grantor")
    )
    holder = models.ForeignKey(
        "registry.Board", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["election", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "grantor"],
                name="governance_proxy_once_per_grantor",
                violation_error_message=_("This board has already given a proxy."),
            ),
            models.CheckConstraint(
                condition=~Q(grantor=F("holder")),
                name="governance_proxy_not_to_self",
                violation_error_message=_("A board cannot give a proxy to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} -> {self.holder}"


class VoteReceipt(models.Model):
    """That a board voted, and through whom. Says nothing of the vote."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="receipts")
    board = models.ForeignKey("registry.Board", on_delete=models.PROTECT, related_name="+")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    via_proxy = models.BooleanField(_("through a proxy"), default=False)
    cast_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote receipt")
        verbose_name_plural = _("vote receipts")
        ordering = ["election", "cast_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "board"],
                name="governance_one_vote_per_board",
                violation_error_message=_("This board has already voted in this election."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.board} ({self.election})"


class Ballot(models.Model):
    """One anonymous vote: a random key, the chamber and the candidate; nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="ballots")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(_("ballot"))


class Result(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="results")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="result")
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices)
    votes = models.PositiveIntegerField(_("votes"))
    rank = models.PositiveSmallIntegerField(_("rank in the chamber"))
    elected = models.BooleanField(_("elected"))
    by_lot = models.BooleanField(
        _("place decided by lot"), default=False, help_text=_("Tied with another candidate.")
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["election", "chamber", "rank"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.votes}"


class Appointment(models.Model):
    """A seat in a body: who, from which board, since when, until when. Never deleted;
    an early end is recorded with its reason, so the history stays."""

    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
        verbose_name=_("account"),
        help_text=_("The login this person votes with in council meetings."),
    )
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("from board"),
    )
    chamber = models.CharField(_("chamber"), max_length=20, choices=Chamber.choices, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    seat_kind = models.CharField(
        _("kind of seat"), max_length=20, choices=SeatKind.choices, blank=True
    )
    employer = models.CharField(
        _("employer"),
        max_length=200,
        blank=True,
        help_text=_("For the supervisory board: who employs this person."),
    )
    employer_board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("employed by board"),
        help_text=_("The school board that employs this person, if any."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("term ends on"))
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending early"), max_length=300, blank=True)
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="appointments", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["body", "chamber", "starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")),
                name="governance_appointment_term_order",
                violation_error_message=_("A term must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(body=Body.COUNCIL) | ~Q(chamber=""),
                name="governance_council_seat_has_chamber",
                violation_error_message=_("A council seat belongs to a chamber."),
            ),
            models.CheckConstraint(
                condition=~Q(body=Body.BOARD) | ~Q(seat_kind=""),
                name="governance_board_seat_has_kind",
                violation_error_message=_(
                    "A seat on the board is either from the members or a professional director."
                ),
            ),
        ]
        indexes = [models.Index(fields=["body", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_body_display()})"

    @property
    def until(self):
        """The day the seat ends: the early end if there was one, else the term's end."""
        return self.ended_on or self.ends_on

    def seated_on(self, day) -> bool:
        return self.starts_on <= day < self.until


class Meeting(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place or link"), max_length=300)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="governance/meetings/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A proposal put to the vote: at a council meeting the seated council members vote, at
    the general member day every member board has one vote (through its contact)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal"))
    document = models.ForeignKey(
        MeetingDocument,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("document"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    voting_opened_at = models.DateTimeField(_("voting opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("voting closed"), null=True, blank=True)
    electorate = models.PositiveIntegerField(
        _("entitled to vote"), null=True, blank=True, help_text=_("Counted when voting opens.")
    )
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    quorum = models.PositiveIntegerField(
        _("quorum"), null=True, blank=True, help_text=_("Votes needed for a valid decision.")
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_decided(self) -> bool:
        return self.outcome in (Outcome.PASSED, Outcome.REJECTED, Outcome.NO_QUORUM)


class ProposalVote(models.Model):
    """An open vote on a proposal, by a council seat or (member day) by a member board."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    board = models.ForeignKey(
        "registry.Board", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote on a proposal")
        verbose_name_plural = _("votes on proposals")
        ordering = ["proposal", "cast_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=True) ^ Q(board__isnull=True),
                name="governance_proposal_vote_one_voter",
            ),
            models.UniqueConstraint(
                fields=["proposal", "appointment"],
                condition=Q(appointment__isnull=False),
                name="governance_proposal_vote_once_per_seat",
                violation_error_message=_("This council member has already voted."),
            ),
            models.UniqueConstraint(
                fields=["proposal", "board"],
                condition=Q(board__isnull=False),
                name="governance_proposal_vote_once_per_board",
                violation_error_message=_("This board has already voted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_choice_display()}"

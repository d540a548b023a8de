from django.db import models
from django.utils.translation import gettext_lazy as _

from .chambers import Chamber  # noqa: F401 - the chambers are governance's choices too


class Phase(models.TextChoices):
    """Where an election stands; follows from its times (server clock) and the count."""

    PLANNED = "planned", _("Planned")
    NOMINATION = "nomination", _("Nomination")
    WAITING = "waiting", _("Nominations closed")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", _("Voting closed")
    COUNTED = "counted", _("Results published")


class Body(models.TextChoices):
    COUNCIL = "council", _("Council")
    BOARD = "board", _("Board")
    SUPERVISORY = "supervisory", _("Supervisory board")


class SeatKind(models.TextChoices):
    """On the board: a director from the member boards, or a professional director."""

    MEMBER = "member", _("From the members")
    PROFESSIONAL = "professional", _("Professional director")


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("Council meeting")
    MEMBER_DAY = "member_day", _("General member day")


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    VOTING = "voting", _("Voting")
    PASSED = "passed", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    NO_QUORUM = "no_quorum", _("No quorum")

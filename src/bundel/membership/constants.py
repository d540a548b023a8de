from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    APPLIED = "applied", _("Applied")
    MEMBER = "member", _("Member")
    NOTICE_GIVEN = "notice_given", _("Notice given")
    ENDED = "ended", _("Ended")
    REJECTED = "rejected", _("Rejected")


# A board has at most one membership in these states.
OPEN_STATES = (State.INTERESTED, State.APPLIED, State.MEMBER, State.NOTICE_GIVEN)
# States in which a board is a member of the cooperative.
MEMBER_STATES = (State.MEMBER, State.NOTICE_GIVEN)


class Kind(models.TextChoices):
    """How a board first comes in: declaring interest, or applying straight away."""

    INTEREST = "interest", _("Interest")
    APPLICATION = "application", _("Application")


class AgreementKind(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership agreement")
    SERVICE = "service", _("Service agreement (SLA)")


class NoticeBy(models.TextChoices):
    MEMBER = "member", _("The member")
    COOPERATIVE = "cooperative", _("The cooperative")

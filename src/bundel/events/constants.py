from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    MEMBER_DAY = "member_day", _("Member day")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")


class Audience(models.TextChoices):
    """Who may see an event and register for it (besides staff, who see every event)."""

    MEMBERS = "members", _("Members only")
    MEMBERS_AND_INTERESTED = "members_and_interested", _("Members and interested boards")


class EventState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# A registration in these states holds a place or a position on the waiting list.
ACTIVE_STATES = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)

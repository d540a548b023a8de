from django.db import models
from django.utils.translation import gettext_lazy as _

from bundel.core import uploads


class GroupKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    REGION = "region", _("Region")


class GroupState(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class EmailPreference(models.TextChoices):
    """How a person hears of new posts in their groups by e-mail (in the app: always)."""

    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class NotificationKind(models.TextChoices):
    POST = "post", _("New post")
    SESSION = "session", _("Dialogue session planned")


class NotificationEmail(models.TextChoices):
    """How a notification is to be mailed, fixed when it is made (from the preference)."""

    NONE = "none", _("Not mailed")
    IMMEDIATE = "immediate", _("Mailed at once")
    DIGEST = "digest", _("In the daily digest")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# The types a group file may have, recognised by content: all kinds the core knows (the
# model's choices), served as the core's fixed type per kind.
FileKind = uploads.FileKind
CONTENT_TYPES = uploads.CONTENT_TYPES

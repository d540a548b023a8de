from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PLANNED = "planned", _("Planned")
    MIGRATING = "migrating", _("Migrating")
    ACTIVE = "active", _("Active")
    TERMINATING = "terminating", _("Terminating")
    ENDED = "ended", _("Ended")


# A location has at most one subscription of a product in these states.
OPEN_STATES = (
    SubscriptionState.REQUESTED,
    SubscriptionState.PLANNED,
    SubscriptionState.MIGRATING,
    SubscriptionState.ACTIVE,
    SubscriptionState.TERMINATING,
)


class WaveState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    MIGRATING = "migrating", _("Migrating")
    DONE = "done", _("Done")


# The data version (bundel.core.versions) of what the services pages read of a board: its
# subscriptions, its waves and their locations, and the catalogue's product names and
# capacities. Signals move it on any save or delete (apps.py); the services move it after
# their bulk writes, which send no signals.
SUBSCRIPTIONS_VERSION = "subscriptions"

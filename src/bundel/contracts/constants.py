from django.db import models
from django.utils.translation import gettext_lazy as _

from bundel.tenders.constants import TenderState


class MaximumKind(models.TextChoices):
    """What the maximum of a framework contract counts: the call-offs' yearly value in
    euros, or their quantity (in locations or in units)."""

    VALUE = "value", _("Value (EUR per year of the call-offs)")
    LOCATIONS = "locations", _("Number of locations")
    UNITS = "units", _("Number of units")


QUANTITY_KINDS = (MaximumKind.LOCATIONS, MaximumKind.UNITS)


class ContractStatus(models.TextChoices):
    """Derived from the term and the day: nothing is stored."""

    UPCOMING = "upcoming", _("Not started yet")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


# A framework contract follows from an award: the standstill period has run (or is running
# out: the contract is signed from the day after it) or the tender is contracted.
AWARDED_STATES = (TenderState.STANDSTILL, TenderState.CONTRACTED)

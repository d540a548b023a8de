"""The four chambers of the council (ledenraad) and which one a board belongs to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chamber(models.TextChoices):
    PO = "po", _("PO")
    VO = "vo", _("VO")
    COMBINATION = "combination", _("Combination")
    SMALL = "small", _("Small")


def chamber_for(*, has_po: bool, has_vo: bool, pupils: int | None) -> Chamber | None:
    """Small boards (at most SMALL_BOARD_MAX_PUPILS pupils, the line the fee uses) sit in
    the Small chamber whatever their sector; larger ones by sector. A board without po or
    vo locations cannot be a member and has no chamber.

    Unknown pupils count as none, as they do for the fee.
    """
    if not (has_po or has_vo):
        return None
    if (pupils or 0) <= settings.SMALL_BOARD_MAX_PUPILS:
        return Chamber.SMALL
    if has_po and has_vo:
        return Chamber.COMBINATION
    return Chamber.PO if has_po else Chamber.VO

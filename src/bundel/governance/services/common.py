from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bundel.membership.dates import add_months


def require_staff(by) -> None:
    if by is None or not by.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def term_end(starts_on: date) -> date:
    return add_months(starts_on, 12 * settings.GOVERNANCE_TERM_YEARS)

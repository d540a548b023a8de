"""What every bidding service needs: who may act, and the tender locked for the change."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.accounts.constants import Role
from bundel.core.errors import StateConflict
from bundel.tenders.models import Tender


def require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def require_supplier(by) -> None:
    if not (getattr(by, "is_active", False) and getattr(by, "role", None) == Role.SUPPLIER):
        raise PermissionDenied(_("Only supplier accounts ask questions and submit bids."))


def locked_tender(tender: Tender) -> Tender:
    """The tender's row, locked until the end of the transaction: changes that depend on
    its state or closing time are applied one after the other."""
    return Tender.objects.select_for_update().get(pk=tender.pk)


def require_state(tender: Tender, states, message: str) -> None:
    """`message` may name the tender (`%(tender)r`) and its state (`%(state)s`)."""
    if tender.state not in states:
        raise StateConflict(
            message,
            code="tender_state",
            params={"tender": tender.title, "state": tender.get_state_display().lower()},
        )


def moment(value: datetime) -> str:
    """A time as the messages show it: local, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()

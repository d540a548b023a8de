"""Changing the registry by hand (admin, UI, API). The DUO import is in `duo/importer.py`.

Every change is validated with `full_clean()` and audited in the same transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log, diff, field_values

from .models import Board, Location

BOARD_EDITABLE = (
    "name",
    "street",
    "house_number",
    "postcode",
    "place",
    "municipality",
    "denomination",
    "phone",
    "website",
    "kvk_number",
)
LOCATION_EDITABLE = (
    "name",
    "street",
    "house_number",
    "postcode",
    "place",
    "municipality_code",
    "municipality",
    "province",
    "denomination",
    "phone",
    "website",
    "education_structure",
    "sector_type",
    "board",
)


def _require_staff(by) -> None:
    if by is None or not by.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff change registry data."))


def _update(obj, *, by, editable: tuple[str, ...], action: str, values: dict):
    unknown = set(values) - set(editable)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    before = field_values(obj, editable)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    changes = diff(before, field_values(obj, editable))
    if changes:
        obj.save(update_fields=[obj._meta.get_field(n).name for n in changes])
        audit_log(action=action, obj=obj, actor=by, changes=changes)
    return obj


@transaction.atomic
def board_update(*, board: Board, by, **values) -> Board:
    """Staff correct or complete a board's data (name, address, KvK number)."""
    _require_staff(by)
    return _update(
        board, by=by, editable=BOARD_EDITABLE, action="registry.board.updated", values=values
    )


@transaction.atomic
def location_update(*, location: Location, by, **values) -> Location:
    _require_staff(by)
    return _update(
        location,
        by=by,
        editable=LOCATION_EDITABLE,
        action="registry.location.updated",
        values=values,
    )

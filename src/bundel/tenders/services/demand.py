"""Demand registration: a member board registers, and changes until the deadline, which of
its locations take which product at which capacity in which lot of a tender, from when.

The lines replace the board's previous lines as a whole; every line passes the tender's,
the board's and the catalogue's rules (`catalogue.rules`: connectivity requires security)
or nothing is stored; each change is one audit entry with the lines added, changed and
removed (`tenders.participation.created` / `.updated`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.catalogue.constants import Lifecycle
from bundel.catalogue.models import CapacityOption, Product
from bundel.catalogue.rules import first_requires_breach, taken_at
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.selectors import is_member
from bundel.registry.models import Board, Location

from ..constants import TenderState
from ..models import DemandLine, Lot, Participation, Tender


@dataclass(frozen=True)
class DemandLineInput:
    """One line of a board's demand: `location` takes `product` at `capacity` in lot
    `lot` (its number) from `start`. `capacity` may be None for a product with one option."""

    lot: int
    location: str
    product: str
    capacity: str | None
    start: date


def check_may_register(by, board: Board) -> None:
    """Staff, or a contact acting for `board`; and `board` is a member."""
    acts = (
        by is not None and by.is_authenticated and (by.is_cooperative_staff or by.acts_for(board))
    )
    if not acts:
        raise PermissionDenied(_("You do not act for board %(n)s.") % {"n": board.duo_number})
    if not is_member(board):
        raise PermissionDenied(
            _("Only members take part in tenders; board %(n)s is not a member.")
            % {"n": board.duo_number}
        )


def check_registration_open(tender: Tender, *, today: date) -> None:
    """Demand changes only in demand registration and until the end of its deadline."""
    if tender.state != TenderState.DEMAND_REGISTRATION:
        raise StateConflict(
            _(
                "Demand for %(tender)r is registered only while the tender is in demand "
                "registration; it is %(state)s."
            ),
            code="not_in_demand_registration",
            params={"tender": tender.title, "state": tender.get_state_display().lower()},
        )
    if tender.demand_deadline is not None and today > tender.demand_deadline:
        raise StateConflict(
            _(
                "Demand registration for %(tender)r closed at the end of %(deadline)s; the "
                "demand can no longer change."
            ),
            code="demand_deadline",
            params={"tender": tender.title, "deadline": tender.demand_deadline},
        )


def _refuse(number: int, message: str, code: str, **params: Any) -> RuleViolation:
    return RuleViolation(
        _("Line %(line)s: ") % {"line": number} + message,
        code=code,
        params={"line": number, **params},
    )


@dataclass(frozen=True)
class _Resolved:
    number: int
    lot: Lot
    location: Location
    product: Product
    capacity: CapacityOption
    start: date


def _resolve_lines(
    tender: Tender, board: Board, lines: Sequence[DemandLineInput], *, today: date
) -> list[_Resolved]:
    """Every line checked against the tender, the board and the catalogue, in four
    queries whatever the number of lines; the first broken rule is raised."""
    lots = {lot.number: lot for lot in tender.lots.all()}
    codes = {line.location.strip().upper() for line in lines}
    locations = {loc.code: loc for loc in Location.objects.filter(board=board, code__in=codes)}
    groups = {group.pk: group for group in tender.product_groups.all()}
    products = {
        p.code: p
        for p in Product.objects.filter(code__in={line.product for line in lines}).prefetch_related(
            "capacities"
        )
    }
    resolved, seen = [], {}
    for number, line in enumerate(lines, start=1):
        lot = lots.get(line.lot)
        if lot is None:
            raise _refuse(
                number,
                _("the tender has no lot %(lot)s (its lots: %(lots)s).")
                % {"lot": line.lot, "lots": ", ".join(str(n) for n in sorted(lots)) or "-"},
                "lot",
                lot=line.lot,
            )
        code = line.location.strip().upper()
        location = locations.get(code)
        if location is None:
            raise _refuse(
                number,
                _("location %(location)s is not a location of board %(board)s.")
                % {"location": code, "board": board.duo_number},
                "location",
                location=code,
                board=board.duo_number,
            )
        product = products.get(line.product)
        if product is None:
            raise _refuse(
                number,
                _("there is no product %(product)r.") % {"product": line.product},
                "product",
                product=line.product,
            )
        if product.group_id not in groups:
            raise _refuse(
                number,
                _("%(product)s is not in the product groups of this tender (%(groups)s).")
                % {
                    "product": product.name,
                    "groups": ", ".join(group.name for group in groups.values()),
                },
                "product_group",
                product=product.code,
            )
        if product.lifecycle in (Lifecycle.PHASE_OUT, Lifecycle.END_OF_LIFE):
            raise _refuse(
                number,
                _("%(product)s is no longer offered (%(state)s).")
                % {"product": product.name, "state": product.get_lifecycle_display().lower()},
                "product_lifecycle",
                product=product.code,
            )
        options = list(product.capacities.all())
        if line.capacity in (None, "") and len(options) == 1:
            capacity = options[0]
        else:
            capacity = next((c for c in options if c.code == line.capacity), None)
        if capacity is None:
            raise _refuse(
                number,
                _("choose the capacity of %(product)s at %(location)s: %(choices)s.")
                % {
                    "product": product.name,
                    "location": location.code,
                    "choices": ", ".join(c.code for c in options) or "-",
                },
                "capacity",
                product=product.code,
                capacity=line.capacity,
            )
        key = (lot.pk, location.pk, product.pk)
        if key in seen:
            raise _refuse(
                number,
                _("%(product)s at %(location)s is already in lot %(lot)s (line %(first)s).")
                % {
                    "product": product.name,
                    "location": location.code,
                    "lot": lot.number,
                    "first": seen[key],
                },
                "duplicate",
                product=product.code,
                location=location.code,
                lot=lot.number,
            )
        seen[key] = number
        if line.start < today:
            raise _refuse(
                number,
                _("the wished start of %(product)s at %(location)s is in the past (%(start)s).")
                % {"product": product.name, "location": location.code, "start": line.start},
                "start",
                start=line.start,
            )
        resolved.append(_Resolved(number, lot, location, product, capacity, line.start))
    return resolved


def _check_line_requires(resolved: Sequence[_Resolved]) -> None:
    """The catalogue's "requires" rules: what a location takes in this tender (any lot)
    or already takes (an open subscription), from the line's own start on."""
    present = taken_at(r.location.pk for r in resolved)
    for r in resolved:
        key = (r.location.pk, r.product.pk)
        present[key] = min(r.start, present.get(key, r.start))
    adding = [(r.location, r.product, r.start) for r in resolved]
    breach = first_requires_breach(adding, present)
    if breach is None:
        return
    number = next(
        r.number
        for r in resolved
        if (r.location, r.product, r.start) == (breach.location, breach.product, breach.start)
    )
    if breach.required_from is None:
        raise _refuse(
            number,
            _(
                "%(product)s at %(location)s requires %(required)s at that location; add "
                "%(required)s for that location."
            )
            % breach.params,
            "requires",
            **breach.params,
        )
    raise _refuse(
        number,
        _(
            "%(product)s at %(location)s starts on %(start)s, before the %(required)s it "
            "requires (from %(required_from)s)."
        )
        % {**breach.params, "start": breach.start, "required_from": breach.required_from},
        "requires_from",
        **breach.params,
        start=breach.start,
        required_from=breach.required_from,
    )


def line_key(lot: int, location: str, product: str) -> str:
    """How the audit trail names a line: "lot 1 · 02FY00 · connectivity"."""
    return f"lot {lot} · {location} · {product}"


def _line_value(capacity: str, start: date) -> str:
    return f"{capacity} · {start.isoformat()}"


def _lines_diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str | None]]:
    """{line: [old, new]}: None for a line added (old) or removed (new)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@transaction.atomic
def participation_register(
    *,
    tender: Tender,
    board: Board,
    lines: Sequence[DemandLineInput],
    by,
    now: datetime | None = None,
) -> Participation:
    """Register or change `board`'s demand for `tender`: `lines` replace its lines as a
    whole (no lines: the board withdraws its demand). Only a member board, through its
    contact or staff; only while the tender is in demand registration, until the end of
    its demand deadline. Every line passes the rules or nothing is stored. One audit
    entry per change, with the lines added, changed and removed."""
    check_may_register(by, board)
    today = timezone.localdate(now) if now else timezone.localdate()
    # The tender's row serialises registrations (one participation per board, even when
    # two arrive at once) and holds the state still until the lines are stored.
    current = Tender.objects.select_for_update().get(pk=tender.pk)
    check_registration_open(current, today=today)
    participation = (
        Participation.objects.filter(tender=current, board=board)
        .prefetch_related("lines__lot", "lines__location", "lines__product", "lines__capacity")
        .first()
    )
    if participation is None and not lines:
        raise RuleViolation(
            _("Register at least one line: a location, a product with its capacity and a lot."),
            code="no_lines",
        )
    resolved = _resolve_lines(current, board, lines, today=today)
    _check_line_requires(resolved)
    before = {
        line_key(li.lot.number, li.location.code, li.product.code): _line_value(
            li.capacity.code, li.start
        )
        for li in (participation.lines.all() if participation else [])
    }
    after = {
        line_key(r.lot.number, r.location.code, r.product.code): _line_value(
            r.capacity.code, r.start
        )
        for r in resolved
    }
    changes = _lines_diff(before, after)
    if participation is not None and not changes:
        return participation
    created = participation is None
    if created:
        participation = Participation(tender=current, board=board)
    participation.changed_by = by
    participation.full_clean()
    participation.save()
    participation.lines.all().delete()
    new_lines = [
        DemandLine(
            participation=participation,
            lot=r.lot,
            location=r.location,
            product=r.product,
            capacity=r.capacity,
            start=r.start,
        )
        for r in resolved
    ]
    for line in new_lines:
        # The related rows were read above, in this transaction: no need to look each up.
        line.full_clean(
            exclude=["participation", "lot", "location", "product", "capacity"],
            validate_constraints=False,
        )
    DemandLine.objects.bulk_create(new_lines)
    audit_log(
        action=f"tenders.participation.{'created' if created else 'updated'}",
        obj=participation,
        actor=by,
        changes=changes,
        data={"tender": current.pk, "board": board.duo_number, "lines": len(new_lines)},
    )
    return (
        Participation.objects.select_related("tender", "board")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DemandLine.objects.select_related(
                    "lot", "location", "product", "capacity"
                ),
            )
        )
        .get(pk=participation.pk)
    )

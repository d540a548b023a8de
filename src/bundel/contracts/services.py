"""Framework contracts: made from an awarded lot, joined by member boards, called off
under. Every write goes through here, from the staff pages, the API, the admin, ordering
and the demo data alike.

Each function is atomic, validates with `full_clean()` and writes an audit entry on the
contract (`contracts.contract.created`, `.updated`, `contracts.rate.set`,
`contracts.participant.joined`, `contracts.call_off.placed`), so the contract's page shows
its whole history. Joining and calling off lock the contract row first: two call-offs at
the same moment are counted one after the other against the maximum, never both past it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bundel.accounts.constants import Role
from bundel.audit.services import audit_log, diff, field_values
from bundel.catalogue.models import CapacityOption
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.dates import add_months
from bundel.membership.selectors import is_member
from bundel.registry.models import Board
from bundel.tenders import services as tender_services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Lot, Tender

from . import selectors
from .constants import AWARDED_STATES, ContractStatus, MaximumKind
from .models import CENT, CallOff, ContractParticipant, ContractRate, FrameworkContract

MONTHS_PER_YEAR = 12

# What staff may change after signing (the lot and the reference stay).
UPDATABLE_FIELDS = (
    "supplier_name",
    "supplier_user",
    "signed_on",
    "starts_on",
    "ends_on",
    "maximum_kind",
    "maximum_value",
    "maximum_quantity",
)


@dataclass(frozen=True)
class RateInput:
    capacity: CapacityOption
    monthly_rate: Decimal


@dataclass(frozen=True)
class CallOffLine:
    product: str  # product code
    capacity: str | None = None  # capacity code; None when the contract has one rate for it
    quantity: int = 1


@dataclass(frozen=True)
class _Item:
    """A call-off line resolved against the contract's rates."""

    rate: ContractRate
    quantity: int
    starts_on: date
    subscription: Any = None


def _today() -> date:
    return timezone.localdate()


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff make framework contracts."))


def _require_acts_for(by, board: Board) -> None:
    if by is None or not (by.is_cooperative_staff or by.acts_for(board)):
        raise PermissionDenied(_("You do not act for board %(n)s.") % {"n": board.duo_number})


def _require_member(board: Board) -> None:
    if not is_member(board):
        raise RuleViolation(
            _("Only members take part in framework contracts; board %(board)s is not a member."),
            code="not_member",
            params={"board": board.duo_number},
        )


def _locked(contract: FrameworkContract) -> FrameworkContract:
    return (
        FrameworkContract.objects.select_for_update()
        .select_related("lot__tender")
        .get(pk=contract.pk)
    )


# --- the rules ------------------------------------------------------------------------


def latest_end(starts_on: date) -> date:
    """The last day a contract starting on `starts_on` may run: `CONTRACT_MAX_YEARS` years
    to the day, the end date included (from 1 January 2027: 31 December 2030)."""
    return add_months(starts_on, MONTHS_PER_YEAR * settings.CONTRACT_MAX_YEARS) - timedelta(days=1)


def check_term(*, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise RuleViolation(
            _("A framework contract cannot end (%(end)s) before it starts (%(start)s)."),
            code="term_order",
            params={"start": starts_on, "end": ends_on},
        )
    latest = latest_end(starts_on)
    if ends_on > latest:
        raise RuleViolation(
            _(
                "A framework contract runs at most %(years)s years: starting on %(start)s it "
                "ends on %(latest)s at the latest, not on %(end)s."
            ),
            code="max_term",
            params={
                "years": settings.CONTRACT_MAX_YEARS,
                "start": starts_on,
                "latest": latest,
                "end": ends_on,
            },
        )


def check_maximum(*, kind: str, value: Decimal | None, quantity: int | None) -> None:
    """A contract states one maximum: a value in euros, or a quantity."""
    if kind not in MaximumKind.values:
        raise RuleViolation(
            _("Choose what the maximum counts: %(choices)s.")
            % {"choices": ", ".join(MaximumKind.values)},
            code="maximum_kind",
        )
    if kind == MaximumKind.VALUE:
        if value is None or value <= 0 or quantity is not None:
            raise RuleViolation(
                _("A maximum in euros needs the maximum value (more than 0) and no quantity."),
                code="maximum_value",
            )
    elif quantity is None or quantity < 1 or value is not None:
        raise RuleViolation(
            _("A maximum in %(unit)s needs the maximum quantity (1 or more) and no value."),
            code="maximum_quantity",
            params={"unit": MaximumKind(kind).label.lower()},
        )


def check_award(*, tender: Tender, signed_on: date) -> None:
    """A contract follows from an award: the tender is contracted, or in its standstill
    period and signed after that period has ended."""
    if tender.state not in AWARDED_STATES:
        raise StateConflict(
            _(
                "The tender %(tender)r is %(state)s: a framework contract is made from an "
                "award, when the tender is in its standstill period or contracted."
            ),
            code="tender_state",
            params={"tender": tender.title, "state": tender.get_state_display().lower()},
        )
    if tender.state == TenderState.STANDSTILL:
        last_day = tender_services.standstill_ends(tender)
        if last_day is None or signed_on <= last_day:
            raise RuleViolation(
                _(
                    "The standstill period of the tender %(tender)r runs until %(last_day)s; "
                    "the contract can be signed from %(earliest)s, not on %(on)s."
                ),
                code="standstill",
                params={
                    "tender": tender.title,
                    "last_day": last_day,
                    "earliest": last_day + timedelta(days=1) if last_day else None,
                    "on": signed_on,
                },
            )


def check_maximum_covers_used(contract: FrameworkContract) -> None:
    """A changed maximum (in its kind) is not below what the call-offs already use."""
    taken = used(contract)
    if contract.maximum < taken:
        raise RuleViolation(
            _(
                "The call-offs of %(ref)s already use %(used)s; the maximum cannot be lower "
                "than that."
            ),
            code="maximum_below_used",
            params={"ref": contract.reference, "used": _amount(contract, taken)},
        )


def _check_supplier_user(user) -> None:
    if user is not None and user.role != Role.SUPPLIER:
        raise RuleViolation(
            _("%(user)s is not a supplier's account."),
            code="supplier_user",
            params={"user": user.get_username()},
        )


def used(contract: FrameworkContract) -> Decimal | int:
    """What the call-offs use of the maximum: their yearly values or their quantities."""
    return selectors.used_of(contract)


def headroom(contract: FrameworkContract) -> Decimal | int:
    return contract.maximum - used(contract)


def _money(amount) -> str:
    return f"{Decimal(amount):.2f}"


def _amount(contract: FrameworkContract, amount) -> str:
    """An amount in the contract's measure, for a message."""
    if contract.in_value:
        return _("EUR %(amount)s") % {"amount": _money(amount)}
    if contract.maximum_kind == MaximumKind.LOCATIONS:
        text = ngettext("%(amount)s location", "%(amount)s locations", amount)
    else:
        text = ngettext("%(amount)s unit", "%(amount)s units", amount)
    return text % {"amount": amount}


# --- making and changing a contract ---------------------------------------------------


def _next_reference(year: int) -> str:
    prefix = f"RO-{year}-"
    numbers = [
        int(reference.removeprefix(prefix))
        for reference in FrameworkContract.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if reference.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _save_rate(contract: FrameworkContract, capacity: CapacityOption, monthly_rate) -> ContractRate:
    rate = ContractRate.objects.filter(contract=contract, capacity=capacity).first() or (
        ContractRate(contract=contract, capacity=capacity, product_id=capacity.product_id)
    )
    if monthly_rate is None or monthly_rate <= 0:
        raise RuleViolation(
            _("The rate of %(rate)s is more than EUR 0."),
            code="rate",
            params={"rate": _rate_key(capacity)},
        )
    rate.monthly_rate = monthly_rate
    rate.clean()  # the rules of the row, with their own message
    rate.full_clean()
    rate.save()
    return rate


def _add_participant(
    contract, board: Board, *, on: date, by, later: bool = False
) -> ContractParticipant:
    _require_member(board)
    participant = ContractParticipant(
        contract=contract, board=board, joined_on=on, joined_by=by, joined_later=later
    )
    participant.full_clean(validate_constraints=False)
    participant.save()
    return participant


def _rate_key(capacity: CapacityOption) -> str:
    return f"{capacity.product.code}/{capacity.code}"


@transaction.atomic
def contract_create(
    *,
    lot: Lot,
    by,
    supplier_name: str,
    starts_on: date,
    ends_on: date,
    maximum_kind: str,
    maximum_value: Decimal | None = None,
    maximum_quantity: int | None = None,
    supplier_user=None,
    signed_on: date | None = None,
    rates: Sequence[RateInput] = (),
    boards: Sequence[Board] = (),
) -> FrameworkContract:
    """The framework contract of an awarded lot, signed on `signed_on` (default today),
    with its rates and the boards that take part from the start. A tender in its
    standstill period becomes contracted with its first contract."""
    _require_staff(by)
    signed_on = signed_on or _today()
    tender = Tender.objects.select_for_update().get(pk=lot.tender_id)
    existing = FrameworkContract.objects.filter(lot_id=lot.pk).first()
    if existing is not None:
        raise StateConflict(
            _("Lot %(lot)s of the tender %(tender)r already has the framework contract %(ref)s."),
            code="lot_contracted",
            params={"lot": lot.number, "tender": tender.title, "ref": existing.reference},
        )
    check_award(tender=tender, signed_on=signed_on)
    check_term(starts_on=starts_on, ends_on=ends_on)
    check_maximum(kind=maximum_kind, value=maximum_value, quantity=maximum_quantity)
    _check_supplier_user(supplier_user)
    supplier_name = (supplier_name or "").strip() or (
        supplier_user.organisation if supplier_user else ""
    )
    if not supplier_name:
        raise RuleViolation(_("Name the supplier of the contract."), code="supplier_name")
    capacities = [rate.capacity for rate in rates]
    if len({c.pk for c in capacities}) != len(capacities):
        raise RuleViolation(_("Each capacity has one rate in a contract."), code="duplicate_rate")
    contract = FrameworkContract(
        reference=_next_reference(starts_on.year),
        lot=lot,
        supplier_name=supplier_name,
        supplier_user=supplier_user,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        maximum_kind=maximum_kind,
        maximum_value=maximum_value,
        maximum_quantity=maximum_quantity,
        created_by=by,
    )
    contract.lot.tender = tender  # the locked row (rates check its product groups)
    contract.full_clean()
    contract.save()
    for rate in rates:
        _save_rate(contract, rate.capacity, rate.monthly_rate)
    unique_boards = list({board.pk: board for board in boards}.values())
    for board in unique_boards:
        _add_participant(contract, board, on=signed_on, by=by)
    if tender.state == TenderState.STANDSTILL:
        tender_services.tender_contract(tender=tender, by=by, on=signed_on)
    audit_log(
        action="contracts.contract.created",
        obj=contract,
        actor=by,
        data={
            **field_values(contract, ("lot", *UPDATABLE_FIELDS)),
            "tender": tender.pk,
            "rates": {_rate_key(r.capacity): _money(r.monthly_rate) for r in rates},
            "boards": sorted(board.duo_number for board in unique_boards),
        },
    )
    return contract


@transaction.atomic
def contract_update(*, contract: FrameworkContract, by, **values: Any) -> FrameworkContract:
    """Change the supplier, the term or the maximum; the term stays within the legal
    maximum and the maximum not below what the call-offs already use."""
    _require_staff(by)
    unknown = set(values) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field staff change: {', '.join(sorted(unknown))}")
    current = _locked(contract)
    before = field_values(current, UPDATABLE_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    if current.maximum_kind == MaximumKind.VALUE:
        current.maximum_quantity = None
    else:
        current.maximum_value = None
    check_term(starts_on=current.starts_on, ends_on=current.ends_on)
    check_maximum(
        kind=current.maximum_kind, value=current.maximum_value, quantity=current.maximum_quantity
    )
    _check_supplier_user(current.supplier_user)
    check_maximum_covers_used(current)
    current.full_clean()
    changes = diff(before, field_values(current, UPDATABLE_FIELDS))
    if changes:
        current.save()
        audit_log(action="contracts.contract.updated", obj=current, actor=by, changes=changes)
    return current


@transaction.atomic
def rate_set(
    *, contract: FrameworkContract, capacity: CapacityOption, monthly_rate: Decimal, by
) -> ContractRate:
    """Add a rate or change one; call-offs keep the rate they were placed at."""
    _require_staff(by)
    current = _locked(contract)
    if current.status(_today()) == ContractStatus.ENDED:
        raise StateConflict(
            _("The framework contract %(ref)s ended on %(end)s; its rates no longer change."),
            code="ended",
            params={"ref": current.reference, "end": current.ends_on},
        )
    old = ContractRate.objects.filter(contract=current, capacity=capacity).first()
    old_rate = old.monthly_rate if old else None
    rate = _save_rate(current, capacity, monthly_rate)
    if old_rate is None or old_rate != rate.monthly_rate:
        audit_log(
            action="contracts.rate.set",
            obj=current,
            actor=by,
            changes={
                _rate_key(capacity): [
                    None if old_rate is None else _money(old_rate),
                    _money(rate.monthly_rate),
                ]
            },
        )
    return rate


# --- taking part and calling off ------------------------------------------------------


@transaction.atomic
def contract_join(
    *,
    contract: FrameworkContract,
    board: Board,
    by,
    on: date | None = None,
    lines: Sequence[CallOffLine] = (),
) -> ContractParticipant:
    """A member board joins a contract later, until its last day and while headroom is
    left; with `lines` it calls off at once (within the headroom, or not at all)."""
    _require_acts_for(by, board)
    today = _today()
    on = on or today
    if on < today and not by.is_cooperative_staff:
        raise RuleViolation(
            _("A board cannot join in the past (%(on)s)."), code="past", params={"on": on}
        )
    current = _locked(contract)
    _require_member(board)
    if on > current.ends_on:
        raise StateConflict(
            _("The framework contract %(ref)s ended on %(end)s; boards can no longer join."),
            code="ended",
            params={"ref": current.reference, "end": current.ends_on},
        )
    if ContractParticipant.objects.filter(contract=current, board=board).exists():
        raise StateConflict(
            _("Board %(board)s already takes part in the framework contract %(ref)s."),
            code="already_participant",
            params={"board": board.duo_number, "ref": current.reference},
        )
    left = headroom(current)
    if left <= 0:
        raise RuleViolation(
            _(
                "The maximum of the framework contract %(ref)s (%(maximum)s) is used up: "
                "there is no headroom left to join."
            ),
            code="no_headroom",
            params={"ref": current.reference, "maximum": _amount(current, current.maximum)},
        )
    participant = _add_participant(current, board, on=on, by=by, later=True)
    audit_log(
        action="contracts.participant.joined",
        obj=current,
        actor=by,
        data={"board": board.duo_number, "joined_on": on, "headroom": left},
    )
    if lines:
        _place(current, board, _resolve(current, lines, starts_on=max(on, current.starts_on)), by)
    return participant


@transaction.atomic
def call_off_place(
    *,
    contract: FrameworkContract,
    board: Board,
    lines: Sequence[CallOffLine],
    by,
    on: date | None = None,
) -> list[CallOff]:
    """A participating member board orders under the contract from `on` (default today,
    within the term): accepted as a whole when the call-offs fit in the headroom left."""
    _require_acts_for(by, board)
    today = _today()
    on = on or today
    if on < today and not by.is_cooperative_staff:
        raise RuleViolation(
            _("A call-off cannot start in the past (%(on)s)."), code="past", params={"on": on}
        )
    current = _locked(contract)
    return _place(current, board, _resolve(current, lines, starts_on=on), by)


@transaction.atomic
def call_off_subscriptions(*, subscriptions: Sequence, by) -> list[CallOff]:
    """The hook for ordering from the catalogue: each subscription priced at a contract's
    rate (see `selectors.applicable_rate`, which `price_for` uses) becomes a call-off of
    1 under that contract, counted against its maximum. Called inside `order_place`'s
    transaction, a refusal refuses the whole order. Contracts are locked in id order."""
    grouped: dict[int, list[_Item]] = {}
    for subscription in subscriptions:
        rate = selectors.applicable_rate(
            capacity=subscription.capacity, board=subscription.board, on=subscription.wished_start
        )
        if rate is None or rate.monthly_rate != subscription.monthly_price:
            continue
        item = _Item(rate, 1, subscription.wished_start, subscription)
        grouped.setdefault(rate.contract_id, []).append(item)
    placed = []
    for contract_id in sorted(grouped):
        items = grouped[contract_id]
        board = items[0].subscription.board
        _require_acts_for(by, board)
        current = _locked(FrameworkContract(pk=contract_id))
        placed += _place(current, board, items, by)
    return placed


def _resolve(
    contract: FrameworkContract, lines: Sequence[CallOffLine], *, starts_on: date
) -> list[_Item]:
    if not lines:
        raise RuleViolation(_("A call-off has at least one line."), code="no_lines")
    rates = list(contract.rates.select_related("product", "capacity"))
    items = []
    for number, line in enumerate(lines, start=1):
        matching = [rate for rate in rates if rate.product.code == line.product]
        if line.capacity:
            matching = [rate for rate in matching if rate.capacity.code == line.capacity]
        if len(matching) != 1:
            offered = ", ".join(_rate_key(rate.capacity) for rate in rates) or "-"
            raise RuleViolation(
                _(
                    "Line %(n)s: the framework contract %(ref)s has no single rate for "
                    "%(product)s %(capacity)s; its rates: %(offered)s."
                ),
                code="no_rate",
                params={
                    "n": number,
                    "ref": contract.reference,
                    "product": line.product,
                    "capacity": line.capacity or "",
                    "offered": offered,
                },
            )
        if not isinstance(line.quantity, int) or line.quantity < 1:
            raise RuleViolation(
                _("Line %(n)s: the quantity is a whole number of 1 or more."),
                code="quantity",
                params={"n": number},
            )
        items.append(_Item(matching[0], line.quantity, starts_on))
    return items


def _place(contract: FrameworkContract, board: Board, items: Sequence[_Item], by) -> list[CallOff]:
    """Call off `items` under the locked `contract` for `board`, or refuse them all."""
    _require_member(board)
    if not ContractParticipant.objects.filter(contract=contract, board=board).exists():
        raise RuleViolation(
            _(
                "Board %(board)s does not take part in the framework contract %(ref)s; "
                "join it first."
            ),
            code="not_participant",
            params={"board": board.duo_number, "ref": contract.reference},
        )
    for item in items:
        if not contract.runs_on(item.starts_on):
            raise StateConflict(
                _(
                    "The framework contract %(ref)s runs from %(start)s to %(end)s; a "
                    "call-off from %(on)s is outside it."
                ),
                code="outside_term",
                params={
                    "ref": contract.reference,
                    "start": contract.starts_on,
                    "end": contract.ends_on,
                    "on": item.starts_on,
                },
            )
    call_offs = [
        CallOff(
            contract=contract,
            board=board,
            product=item.rate.product,
            capacity=item.rate.capacity,
            quantity=item.quantity,
            monthly_rate=item.rate.monthly_rate,
            yearly_value=(MONTHS_PER_YEAR * item.rate.monthly_rate * item.quantity).quantize(CENT),
            starts_on=item.starts_on,
            subscription=item.subscription,
            placed_by=by,
        )
        for item in items
    ]
    if contract.in_value:
        adding = sum((c.yearly_value for c in call_offs), Decimal(0))
    else:
        adding = sum(c.quantity for c in call_offs)
    taken = used(contract)
    left = contract.maximum - taken
    if adding > left:
        raise RuleViolation(
            _(
                "This call-off of %(adding)s would pass the maximum of the framework "
                "contract %(ref)s (%(maximum)s): %(headroom)s is left."
            ),
            code="maximum",
            params={
                "ref": contract.reference,
                "adding": _amount(contract, adding),
                "maximum": _amount(contract, contract.maximum),
                "headroom": _amount(contract, left),
                "used": _amount(contract, taken),
            },
        )
    for call_off in call_offs:
        call_off.full_clean()
        call_off.save()
        audit_log(
            action="contracts.call_off.placed",
            obj=contract,
            actor=by,
            data={
                "call_off": call_off.pk,
                "board": board.duo_number,
                "rate": _rate_key(call_off.capacity),
                "quantity": call_off.quantity,
                "monthly_rate": call_off.monthly_rate,
                "yearly_value": call_off.yearly_value,
                "starts_on": call_off.starts_on,
                "subscription": call_off.subscription_id,
            },
        )
    return call_offs

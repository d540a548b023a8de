"""Reading framework contracts: who sees what (one selector per model), the figures of a
list in a fixed number of queries, and the rate that applies to a board's order.

Who sees what:
- staff: everything;
- a person of a member board: the running contracts with their rates and headroom, the
  contracts its board takes part in (also after they ended or when it left), and only
  its own board's participation and call-offs;
- a supplier: the contracts whose supplier account it is, with their participants and
  call-offs (it delivers them);
- anyone else (the public, boards that are not members): no contract; the list page
  tells them only how many contracts are running.
"""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry
from bundel.audit.selectors import audit_entries_for
from bundel.catalogue.models import CapacityOption
from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.registry.models import Board

from .constants import ContractStatus
from .models import CallOff, ContractParticipant, ContractRate, FrameworkContract


def _today() -> date:
    return timezone.localdate()


def running_on(on: date) -> Q:
    return Q(starts_on__lte=on, ends_on__gte=on)


def _is_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_cooperative_staff


def board_is_member(board_id) -> bool:
    return bool(board_id) and (
        Membership.objects.filter(board_id=board_id, state__in=MEMBER_STATES).exists()
    )


# --- visibility -----------------------------------------------------------------------


def contracts_visible_to(user) -> QuerySet[FrameworkContract]:
    contracts = FrameworkContract.objects.select_related("lot__tender", "supplier_user")
    if user is None or not user.is_authenticated:
        return contracts.none()
    if user.is_cooperative_staff:
        return contracts
    shown = []
    if user.role == Role.SUPPLIER:
        shown.append(Q(supplier_user=user))
    if user.board_id:
        own = ContractParticipant.objects.filter(board_id=user.board_id).values("contract_id")
        shown.append(Q(pk__in=own))
        if board_is_member(user.board_id):
            shown.append(running_on(_today()))
    if not shown:
        return contracts.none()
    condition = shown[0]
    for more in shown[1:]:
        condition |= more
    return contracts.filter(condition)


def rates_visible_to(user) -> QuerySet[ContractRate]:
    """The rates of the contracts the user sees."""
    return ContractRate.objects.filter(
        contract__in=contracts_visible_to(user).values("pk")
    ).select_related("product", "capacity")


def participants_visible_to(user) -> QuerySet[ContractParticipant]:
    """Staff: all; a supplier: those of its contracts; a board's people: their own."""
    participants = ContractParticipant.objects.select_related("board", "contract")
    if user is None or not user.is_authenticated:
        return participants.none()
    if user.is_cooperative_staff:
        return participants
    if user.role == Role.SUPPLIER:
        return participants.filter(contract__supplier_user=user)
    if user.board_id:
        return participants.filter(board_id=user.board_id)
    return participants.none()


def call_offs_visible_to(user) -> QuerySet[CallOff]:
    """Staff: all; a supplier: those under its contracts; a board's people: their own
    board's (never another board's)."""
    call_offs = CallOff.objects.select_related("board", "product", "capacity", "contract")
    if user is None or not user.is_authenticated:
        return call_offs.none()
    if user.is_cooperative_staff:
        return call_offs
    if user.role == Role.SUPPLIER:
        return call_offs.filter(contract__supplier_user=user)
    if user.board_id:
        return call_offs.filter(board_id=user.board_id)
    return call_offs.none()


def running_count() -> int:
    """How many contracts run today: all that anyone else is told."""
    return FrameworkContract.objects.filter(running_on(_today())).count()


# --- figures ---------------------------------------------------------------------------


def _sum(field: str, output) -> Subquery:
    return Subquery(
        CallOff.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum(field))
        .values("total"),
        output_field=output,
    )


def with_figures(contracts: QuerySet[FrameworkContract], user=None) -> QuerySet:
    """Annotated with `used_value`, `used_quantity` (what the call-offs use of the maximum;
    see `FrameworkContract.used`), `participant_count`, `rate_count` and, for a person of
    a board, `takes_part`: one query whatever the number of rows."""
    participants = (
        ContractParticipant.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rates = (
        ContractRate.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    board_id = getattr(user, "board_id", None) if user is not None else None
    takes_part = (
        Exists(ContractParticipant.objects.filter(contract=OuterRef("pk"), board_id=board_id))
        if board_id
        else Value(False)
    )
    return contracts.annotate(
        used_value=Coalesce(_sum("yearly_value", money), Value(Decimal(0)), output_field=money),
        used_quantity=Coalesce(
            _sum("quantity", IntegerField()), Value(0), output_field=IntegerField()
        ),
        participant_count=Coalesce(Subquery(participants), Value(0), output_field=IntegerField()),
        rate_count=Coalesce(Subquery(rates), Value(0), output_field=IntegerField()),
        takes_part=takes_part,
    )


def used_of(contract: FrameworkContract) -> Decimal | int:
    """What the call-offs use of the contract's maximum (its yearly value or quantity)."""
    field = "yearly_value" if contract.in_value else "quantity"
    total = CallOff.objects.filter(contract=contract).aggregate(total=Sum(field))["total"]
    if not contract.in_value:
        return total or 0
    return Decimal(total or 0).quantize(Decimal("0.01"))


def contracts_list(*, user, status: str = "") -> QuerySet:
    """The contracts a user sees with their figures, newest first; `status` filters on
    upcoming, running or ended today."""
    contracts = contracts_visible_to(user)
    today = _today()
    if status == ContractStatus.RUNNING:
        contracts = contracts.filter(running_on(today))
    elif status == ContractStatus.UPCOMING:
        contracts = contracts.filter(starts_on__gt=today)
    elif status == ContractStatus.ENDED:
        contracts = contracts.filter(ends_on__lt=today)
    return with_figures(contracts, user).order_by("-starts_on", "reference")


def with_rates(contracts: QuerySet) -> QuerySet:
    """The rates with their product and capacity, in catalogue order: one more query."""
    return contracts.prefetch_related(
        Prefetch(
            "rates",
            queryset=ContractRate.objects.select_related("product", "capacity").order_by(
                "product__group__position", "product__position", "capacity__position", "pk"
            ),
        )
    )


def contract_detail(*, user, pk: int) -> FrameworkContract:
    """A contract the user sees, with its figures and rates; `DoesNotExist` otherwise."""
    return with_rates(with_figures(contracts_visible_to(user), user)).get(pk=pk)


def contract_participants(*, contract: FrameworkContract, user) -> QuerySet:
    return (
        participants_visible_to(user)
        .filter(contract=contract)
        .order_by("joined_on", "board__duo_number")
    )


def contract_call_offs(*, contract: FrameworkContract, user) -> QuerySet:
    return call_offs_visible_to(user).filter(contract=contract).order_by("-placed_at", "-pk")


def contract_audit_entries(*, contract: FrameworkContract, user) -> QuerySet[AuditEntry]:
    return audit_entries_for(obj=contract, user=user).order_by("-created_at", "-pk")


def joinable_boards(*, contract: FrameworkContract, user) -> QuerySet[Board]:
    """The member boards the user may let join (staff: any; a board contact: its own),
    that do not take part yet."""
    boards = Board.objects.filter(
        pk__in=Membership.objects.filter(state__in=MEMBER_STATES).values("board_id")
    ).exclude(pk__in=contract.participants.values("board_id"))
    if _is_staff(user):
        return boards
    if user is not None and user.is_authenticated and user.is_board_contact:
        return boards.filter(pk=user.board_id)
    return boards.none()


# --- rates for ordering and the knowledge base -----------------------------------------


def applicable_rate(*, capacity: CapacityOption, board: Board, on: date) -> ContractRate | None:
    """The rate `board` orders `capacity` at on `on`: of a contract running that day that
    the board takes part in; the lowest when several do. None: the catalogue price."""
    return (
        ContractRate.objects.filter(
            capacity=capacity,
            contract__starts_on__lte=on,
            contract__ends_on__gte=on,
            contract__participants__board=board,
        )
        .select_related("contract", "product", "capacity")
        .order_by("monthly_rate", "contract__starts_on", "pk")
        .first()
    )


def running_rates(on: date | None = None) -> QuerySet[ContractRate]:
    """The rates of every contract running on `on` (default today), by contract and in
    catalogue order, with what a list of rates shows."""
    on = on or _today()
    return (
        ContractRate.objects.filter(contract__starts_on__lte=on, contract__ends_on__gte=on)
        .select_related("contract__lot__tender", "product", "capacity")
        .order_by(
            "contract__reference",
            "product__group__position",
            "product__position",
            "capacity__position",
            "pk",
        )
    )

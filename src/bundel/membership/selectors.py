"""Reading memberships: who may see which, eligibility, the fee."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from bundel.accounts.constants import Role
from bundel.registry.constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES
from bundel.registry.models import Board, Location
from bundel.registry.selectors import BoardFigures, board_figures

from .constants import MEMBER_STATES, OPEN_STATES, State
from .models import Agreement, Membership


def memberships_visible_to(user) -> QuerySet[Membership]:
    """Staff see every membership; a board contact only its own board's."""
    base = Membership.objects.select_related("board")
    if user is None or not user.is_authenticated:
        return base.none()
    if user.is_cooperative_staff:
        return base
    if user.board_id and (user.is_board_contact or user.role == Role.COUNCIL_MEMBER):
        return base.filter(board_id=user.board_id)
    return base.none()


def is_eligible(board: Board) -> bool:
    return Location.objects.filter(
        board=board, sector_type__in=(*PO_SECTOR_TYPES, *VO_SECTOR_TYPES)
    ).exists()


def member_board_ids() -> QuerySet:
    """The ids of the boards that are members now (a subquery for `pk__in`)."""
    return Membership.objects.filter(state__in=MEMBER_STATES).values("board_id")


def is_member(board: Board | None) -> bool:
    return (
        board is not None
        and Membership.objects.filter(board=board, state__in=MEMBER_STATES).exists()
    )


def user_is_member(user) -> bool:
    """A logged-in person of a member board (its contact or a council member), or staff:
    who may see members-only content."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_cooperative_staff:
        return True
    acts_for_board = user.role in (Role.BOARD_CONTACT, Role.COUNCIL_MEMBER)
    return acts_for_board and user.is_active and is_member(user.board)


def open_membership(board: Board) -> Membership | None:
    """Read through the board (`board.memberships`), so its `board` is that board: no
    query to read it again."""
    return board.memberships.filter(state__in=OPEN_STATES).first()


def current_membership(board: Board) -> Membership | None:
    """The open membership, else the latest one."""
    return open_membership(board) or board.memberships.first()


def memberships_due_to_end(today: date) -> QuerySet[Membership]:
    return Membership.objects.filter(state=State.NOTICE_GIVEN, ends_on__lte=today)


def admissions_queue() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(state=State.APPLIED)
        .select_related("board")
        .annotate(
            has_agreement=Exists(
                Agreement.objects.filter(membership=OuterRef("pk"), version__kind="membership")
            )
        )
        .order_by("applied_on", "pk")
    )


@dataclass(frozen=True)
class Fee:
    year: int
    amount: Decimal
    pupils: int | None
    max_pupils: int
    is_small: bool


def fee_schedule(year: int) -> dict:
    starts = sorted(int(y) for y in settings.MEMBERSHIP_FEES if int(y) <= year)
    if not starts:
        raise LookupError(f"No membership fee schedule for {year}.")
    return settings.MEMBERSHIP_FEES[str(starts[-1])]


def fee_for_pupils(pupils: int | None, year: int) -> Fee:
    """EUR 1,000 up to and including 1,000 pupils, EUR 2,800 above (by default)."""
    schedule = fee_schedule(year)
    is_small = (pupils or 0) <= schedule["max_pupils"]
    amount = Decimal(schedule["small"] if is_small else schedule["large"])
    return Fee(year, amount, pupils, schedule["max_pupils"], is_small)


def fee_for_board(board: Board, year: int, figures: BoardFigures | None = None) -> Fee:
    """The board's fee for `year` by its current pupils (one query, none when its
    `figures` are given)."""
    return fee_for_pupils((figures or board_figures(board)).current_pupils, year)

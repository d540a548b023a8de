"""The chambers of the member boards and the seats each chamber gets."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.registry.models import Board
from bundel.registry.selectors import BoardFigures, board_figures, with_registry_figures

from ..chambers import Chamber, chamber_for
from ..seats import Allocation, allocate_seats


@dataclass(frozen=True)
class ChamberSeats:
    basis: str
    method: str
    members: dict[str, int]
    pupils: dict[str, int]
    allocation: Allocation | None


def board_chamber(board: Board, figures: BoardFigures | None = None) -> Chamber | None:
    """A board's chamber from its registry data at the latest count date (one query,
    none when its `figures` are given)."""
    figures = figures or board_figures(board)
    return chamber_for(has_po=figures.has_po, has_vo=figures.has_vo, pupils=figures.current_pupils)


def member_chambers() -> tuple[Counter, Counter]:
    """Member boards and their pupils per chamber, from the registry (two queries)."""
    ids = Membership.objects.filter(state__in=MEMBER_STATES).values("board_id")
    boards = with_registry_figures(Board.objects.filter(pk__in=ids))
    members, pupils = Counter(), Counter()
    for board in boards:
        chamber = chamber_for(has_po=board.has_po, has_vo=board.has_vo, pupils=board.current_pupils)
        if chamber is not None:
            members[chamber.value] += 1
            pupils[chamber.value] += board.current_pupils or 0
    return members, pupils


def chamber_seats(
    *,
    basis: str | None = None,
    method: str | None = None,
    seats: int | None = None,
    min_seats: int | None = None,
) -> ChamberSeats:
    """The council's seats over the chambers: each chamber with members first gets the
    minimum, the rest is spread by the method over members or pupils per chamber."""
    basis = basis or settings.COUNCIL_SEAT_BASIS
    method = method or settings.COUNCIL_SEAT_METHOD
    seats = seats or settings.COUNCIL_SEATS
    minimum = settings.COUNCIL_MIN_SEATS_PER_CHAMBER if min_seats is None else min_seats
    members, pupils = member_chambers()
    weights = members if basis == "members" else pupils
    chambers = [c.value for c in Chamber if members[c.value]]
    allocation = None
    if chambers and seats >= minimum * len(chambers):
        rest = seats - minimum * len(chambers)
        votes = {c: weights[c] for c in chambers}
        if rest and sum(votes.values()):
            allocation = allocate_seats(seats=rest, votes=votes, method=method)
            result = {c: allocation.seats[c] + minimum for c in chambers}
        else:
            result = dict.fromkeys(chambers, minimum)
        allocation = Allocation(
            result,
            allocation.quota if allocation else 0,
            method,
            0,
            allocation.steps if allocation else [],
        )
    return ChamberSeats(basis, method, dict(members), dict(pupils), allocation)

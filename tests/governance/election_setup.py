"""Member boards in chambers and an election in a chosen phase, for the election tests."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bundel.governance.models import Election
from bundel.governance.services import candidate_nominate, election_open
from bundel.registry.constants import SectorType

from ..factories import (
    BoardFactory,
    LocationFactory,
    MembershipFactory,
    PupilCountFactory,
    StaffFactory,
    UserFactory,
)


def member_board(*, pupils: int = 2000, vo: bool = False, po: bool = True, member: bool = True):
    """A board whose chamber follows from its locations: po/vo and pupils."""
    board = BoardFactory()
    if po:
        PupilCountFactory(location=LocationFactory(board=board), pupils=pupils)
    if vo:
        PupilCountFactory(
            location=LocationFactory(board=board, sector_type=SectorType.VO), pupils=pupils
        )
    if member:
        MembershipFactory(board=board, state="member", admitted_on=date(2026, 2, 1))
    return board


def contact_of(board):
    return UserFactory(board=board)


def shift(election: Election, phase: str) -> Election:
    """Move the election's periods around now so it is in `phase`."""
    now = timezone.now()
    hour = timedelta(hours=1)
    day = timedelta(days=1)
    starts = {
        "planned": now + day,
        "nomination": now - hour,
        "voting": now - 3 * day,
        "closed": now - 6 * day,
    }[phase]
    Election.objects.filter(pk=election.pk).update(
        nomination_opens_at=starts,
        nomination_closes_at=starts + 2 * day,
        voting_opens_at=starts + 2 * day + hour if phase != "voting" else now - hour,
        voting_closes_at=starts + 5 * day if phase != "voting" else now + day,
    )
    election.refresh_from_db()
    return election


@pytest.fixture
def election_staff(db):
    return StaffFactory()


@pytest.fixture
def po_boards(db):
    """Three member boards in the PO chamber (po only, over 1,000 pupils)."""
    return [member_board(pupils=1500 + i) for i in range(3)]


@pytest.fixture
def small_board(db):
    return member_board(pupils=400)


@pytest.fixture
def election(election_staff, po_boards, small_board):
    """Seats: PO 2, Small 1; nomination open now."""
    now = timezone.now()
    election = election_open(
        title="Ledenraad 2027",
        seats={"po": 2, "small": 1},
        nomination_opens_at=now - timedelta(hours=1),
        nomination_closes_at=now + timedelta(days=2),
        voting_opens_at=now + timedelta(days=3),
        voting_closes_at=now + timedelta(days=6),
        by=election_staff,
    )
    return election


@pytest.fixture
def candidates(election, election_staff, po_boards, small_board):
    """PO: An, Bo, Cas; Small: Dirk."""
    made = {}
    for name, board in [("An", po_boards[0]), ("Bo", po_boards[1]), ("Cas", po_boards[2])]:
        made[name] = candidate_nominate(
            election=election,
            name=name,
            email=f"{name.lower()}@school.test",
            board=board,
            motivation="Ervaring met inkoop.",
            by=election_staff,
        )
    made["Dirk"] = candidate_nominate(
        election=election,
        name="Dirk",
        email="dirk@school.test",
        board=small_board,
        motivation="Kleine besturen een stem.",
        by=election_staff,
    )
    return made


@pytest.fixture
def voting(election, candidates):
    return shift(election, "voting")

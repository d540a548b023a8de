"""Demo elections for `make run`, entered through the services (so audited and checked).

The 2026 council election is played through its timeline: opened with the nomination
period around now, its periods are moved on to let the member boards vote, then moved
into the past and counted. A by-election in one chamber is left open for voting, so the
demo board contact `lid` can vote in it.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.membership.selectors import member_board_ids
from bundel.registry.models import Board
from bundel.registry.selectors import with_registry_figures

from .chambers import chamber_for
from .models import Election
from .selectors import chamber_seats
from .services import candidate_nominate, election_count, election_open, vote_cast

FIRST_NAMES = [
    "Anouk", "Bert", "Carla", "Daan", "Esther", "Frank", "Gerda", "Hans", "Ilse", "Jeroen",
    "Karin", "Lucas", "Marieke", "Niels", "Olga", "Pieter", "Renske", "Sander", "Tamara",
    "Ugo", "Vera", "Willem", "Yvonne", "Zeger",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer",
]  # fmt: skip
MOTIVATIONS = [
    "Ik werk twaalf jaar als bestuurder en wil dat kleine en grote besturen samen slim inkopen.",
    "Als ICT-coördinator weet ik wat scholen nodig hebben: betrouwbare wifi en goede beveiliging.",
    "Ik wil de stem van onze kamer laten horen bij de aanbestedingen en het meerjarenplan.",
    "Samen inkopen werkt: ik wil bewaken dat de kwaliteit van de diensten voorop blijft staan.",
]
TITLE = "Verkiezing ledenraad 2026"
BY_ELECTION = "Tussentijdse verkiezing ledenraad"


def _chambers() -> dict[str, list[Board]]:
    boards = with_registry_figures(
        Board.objects.filter(pk__in=member_board_ids()).order_by("duo_number")
    )
    grouped: dict[str, list[Board]] = {}
    for board in boards:
        chamber = chamber_for(has_po=board.has_po, has_vo=board.has_vo, pupils=board.current_pupils)
        if chamber is not None:
            grouped.setdefault(chamber.value, []).append(board)
    return grouped


def _contact(board: Board):
    """The board's contact: an existing one, else a demo record without a password."""
    user = get_user_model().objects.filter(board=board, role=Role.BOARD_CONTACT).first()
    if user is None:
        user = get_user_model().objects.create(
            username=f"contact-{board.duo_number}",
            email=f"contact-{board.duo_number}@bundel.test",
            role=Role.BOARD_CONTACT,
            board=board,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _move(election: Election, *, nomination: datetime, voting: datetime, closes: datetime):
    Election.objects.filter(pk=election.pk).update(
        nomination_opens_at=nomination,
        nomination_closes_at=voting - timedelta(days=7),
        voting_opens_at=voting,
        voting_closes_at=closes,
        term_starts_on=timezone.localdate(closes) + timedelta(days=1),
    )
    election.refresh_from_db()


def _names(draw: random.Random):
    while True:
        yield f"{draw.choice(FIRST_NAMES)} {draw.choice(LAST_NAMES)}"


@transaction.atomic
def seed_elections(*, staff, council_user=None) -> int:
    """Idempotent: does nothing once an election exists. Returns the council seats filled."""
    if Election.objects.exists():
        return 0
    chambers = _chambers()
    allocation = chamber_seats().allocation
    if allocation is None:
        return 0
    draw = random.Random(2026)
    now = timezone.now()
    election = election_open(
        title=TITLE,
        seats=allocation.seats,
        nomination_opens_at=now - timedelta(hours=1),
        nomination_closes_at=now + timedelta(days=14),
        voting_opens_at=now + timedelta(days=21),
        voting_closes_at=now + timedelta(days=35),
        by=staff,
    )
    names = _names(draw)
    used: set[str] = set()
    candidates: dict[str, list] = {}
    for chamber, seats in allocation.seats.items():
        boards = list(chambers.get(chamber, []))
        own = next((b for b in boards if council_user and b.pk == council_user.board_id), None)
        if own is not None:  # the demo council member stands, first of her chamber
            boards.remove(own)
            boards.insert(0, own)
        if not boards:
            continue
        for i in range(seats + 2):  # a board may put forward more than one person
            board = boards[i % len(boards)]
            if i == 0 and own is not None:
                name, email = council_user.get_full_name(), council_user.email
            else:
                name = next(n for n in names if n not in used)
                email = f"{name.lower().replace(' ', '.')}@{board.duo_number}.bundel.test"
            used.add(name)
            candidates.setdefault(chamber, []).append(
                candidate_nominate(
                    election=election,
                    name=name,
                    email=email,
                    board=board,
                    motivation=draw.choice(MOTIVATIONS),
                    by=staff,
                )
            )
    _move(election, nomination=now - timedelta(days=30), voting=now - timedelta(hours=1),
          closes=now + timedelta(days=7))  # fmt: skip
    for chamber, boards in chambers.items():
        standing = candidates.get(chamber)
        if not standing:
            continue
        favourite = next(
            (c for c in standing if c.email == getattr(council_user, "email", "")), None
        )
        for i, board in enumerate(boards):
            if i and draw.random() < 0.2:
                continue  # not every member votes
            if favourite and (i == 0 or draw.random() < 0.3):
                choice = favourite
            else:
                choice = draw.choice(standing)
            vote_cast(election=election, board=board, candidate=choice, by=_contact(board))
    _move(election, nomination=now - timedelta(days=60), voting=now - timedelta(days=40),
          closes=now - timedelta(days=30))  # fmt: skip
    results = election_count(election=election, by=staff)
    _open_by_election(staff=staff, chambers=chambers, draw=draw, names=names, used=used)
    return sum(r.elected for r in results)


def _open_by_election(*, staff, chambers, draw, names, used) -> None:
    """One seat in the demo contact's chamber, voting open for two weeks."""
    lid = get_user_model().objects.filter(username="lid").first()
    board = lid.board if lid else None
    chamber = next((c for c, boards in chambers.items() if board in boards), None)
    if chamber is None:
        return
    now = timezone.now()
    election = election_open(
        title=f"{BY_ELECTION} {now.year}",
        seats={chamber: 1},
        nomination_opens_at=now - timedelta(hours=1),
        nomination_closes_at=now + timedelta(days=7),
        voting_opens_at=now + timedelta(days=8),
        voting_closes_at=now + timedelta(days=22),
        by=staff,
    )
    for other in [b for b in chambers[chamber] if b != board][:3]:
        name = next(n for n in names if n not in used)
        used.add(name)
        candidate_nominate(
            election=election,
            name=name,
            email=f"{name.lower().replace(' ', '.')}@{other.duo_number}.bundel.test",
            board=other,
            motivation=draw.choice(MOTIVATIONS),
            by=staff,
        )
    _move(election, nomination=now - timedelta(days=14), voting=now - timedelta(hours=1),
          closes=now + timedelta(days=14))  # fmt: skip

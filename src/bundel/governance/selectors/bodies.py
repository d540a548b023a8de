"""Who sits where: the council by chamber, the board and the supervisory board on a day,
and the seats that ended. The composition and terms are public; the e-mail address, the
account and the reason a seat ended early are for staff (pages and API leave them out)."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..constants import Body, Chamber
from ..models import Appointment, ElectionChamber


def appointments_visible_to(user) -> QuerySet[Appointment]:
    """Everyone sees who sits in the bodies, since when and until when."""
    return Appointment.objects.select_related("board", "employer_board")


def seated_on(day: date) -> Q:
    """Seats held on `day`: started, the term not over and not ended early."""
    return Q(starts_on__lte=day, ends_on__gt=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


@dataclass
class CouncilChamber:
    chamber: Chamber
    seats: int | None  # as the latest counted election gave them; None before any
    members: list[Appointment] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return max((self.seats or 0) - len(self.members), 0)


@dataclass
class BodySeats:
    body: Body
    max_seats: int
    min_seats: int
    members: list[Appointment] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return max(self.max_seats - len(self.members), 0)

    @property
    def below_minimum(self) -> bool:
        return len(self.members) < self.min_seats


@dataclass
class Composition:
    day: date
    council: list[CouncilChamber]
    board: BodySeats
    supervisory: BodySeats

    @property
    def council_size(self) -> int:
        return sum(len(c.members) for c in self.council)

    @property
    def council_seats(self) -> int | None:
        known = [c.seats for c in self.council if c.seats is not None]
        return sum(known) if known else None


def council_seats_on(day: date) -> dict[str, int]:
    """Seats per chamber as the latest counted election whose terms started by `day`
    gave them (one query)."""
    rows = (
        ElectionChamber.objects.filter(
            election__counted_at__isnull=False, election__term_starts_on__lte=day
        )
        .order_by("chamber", "-election__term_starts_on", "-election__voting_closes_at")
        .values_list("chamber", "seats")
    )
    seats: dict[str, int] = {}
    for chamber, n in rows:
        seats.setdefault(chamber, n)
    return seats


def _by_seat(a: Appointment):
    return (a.role != "chair", a.name.lower(), a.pk)


def composition_on(day: date | None = None, *, user=None) -> Composition:
    """The three bodies on `day` (today by default), in two queries."""
    day = day or timezone.localdate()
    seated = appointments_visible_to(user).filter(seated_on(day))
    chambers = {c.value: CouncilChamber(c, None) for c in Chamber}
    for chamber, n in council_seats_on(day).items():
        if chamber in chambers:
            chambers[chamber].seats = n
    board = BodySeats(Body.BOARD, settings.BOARD_SEATS, settings.BOARD_SEATS)
    supervisory = BodySeats(
        Body.SUPERVISORY, settings.SUPERVISORY_MAX_SEATS, settings.SUPERVISORY_MIN_SEATS
    )
    for seat in sorted(seated, key=_by_seat):
        if seat.body == Body.COUNCIL and seat.chamber in chambers:
            chambers[seat.chamber].members.append(seat)
        elif seat.body == Body.BOARD:
            board.members.append(seat)
        elif seat.body == Body.SUPERVISORY:
            supervisory.members.append(seat)
    return Composition(day, list(chambers.values()), board, supervisory)


def appointment_history(*, user, day: date | None = None) -> QuerySet[Appointment]:
    """Seats that ended by `day`, early or at the end of their term; the latest first."""
    day = day or timezone.localdate()
    return (
        appointments_visible_to(user)
        .filter(Q(ended_on__lte=day) | Q(ends_on__lte=day))
        .annotate(until_day=Coalesce(F("ended_on"), F("ends_on")))
        .order_by("-until_day", "body", "name", "pk")
    )


def appointments_upcoming(*, user, day: date | None = None) -> QuerySet[Appointment]:
    """Seats whose term starts after `day` (e.g. the newly elected)."""
    day = day or timezone.localdate()
    return (
        appointments_visible_to(user)
        .filter(starts_on__gt=day, ended_on__isnull=True)
        .order_by("starts_on", "body", "chamber", "name")
    )

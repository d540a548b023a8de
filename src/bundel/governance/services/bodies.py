"""Seats on the council, the board and the supervisory board, with their terms."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.selectors import is_member
from bundel.registry.models import Board

from ..constants import Body, Role, SeatKind
from ..models import Appointment, ElectionChamber
from ..selectors.chambers import board_chamber
from .common import require_staff, term_end


def _seats_of(body: str, chamber: str) -> int | None:
    """The most seats a body (a council chamber: as the latest counted election gave it)
    has at once; None when no election has given the chamber seats yet."""
    if body == Body.BOARD:
        return settings.BOARD_SEATS
    if body == Body.SUPERVISORY:
        return settings.SUPERVISORY_MAX_SEATS
    return (
        ElectionChamber.objects.filter(election__counted_at__isnull=False, chamber=chamber)
        .order_by("-election__voting_closes_at")
        .values_list("seats", flat=True)
        .first()
    )


def _busiest(others: list[Appointment], start: date, end: date) -> tuple[int, date]:
    """The most of `others` seated at once on a day in [start, end), and that day."""
    days = {start} | {a.starts_on for a in others if start <= a.starts_on < end}
    return max(((sum(a.seated_on(d) for a in others), d) for d in days), key=lambda t: t[0])


def _body_name(appointment: Appointment) -> str:
    return str(appointment.get_body_display()).lower()


def _employers(appointment: Appointment) -> list[Board]:
    """Every school board the person is known to work for: the one given, the board of
    their login, and the board of any account with their e-mail address."""
    boards = [appointment.employer_board]
    if appointment.user is not None:
        boards.append(appointment.user.board)
    if appointment.email:
        accounts = get_user_model().objects.filter(
            email__iexact=appointment.email, board__isnull=False
        )
        boards += [account.board for account in accounts.select_related("board")]
    return [board for board in boards if board is not None]


def _check_origin(appointment: Appointment) -> None:
    """Where the person comes from: a council seat and a board seat "from the members"
    come from a member board (a council seat from one in its chamber); nobody on the
    supervisory board is employed by a member board."""
    body, board = appointment.body, appointment.board
    if body == Body.SUPERVISORY:
        employed_by = next((b for b in _employers(appointment) if is_member(b)), None)
        if employed_by is not None:
            raise RuleViolation(
                _(
                    "%(name)s is employed by %(board)s, a member board; the supervisory board "
                    "is independent of the members."
                ),
                code="employed_by_member",
                params={
                    "name": appointment.name,
                    "board": str(employed_by),
                    "board_code": employed_by.duo_number,
                },
            )
        return
    if body == Body.BOARD and appointment.seat_kind != SeatKind.MEMBER:
        return
    if board is None:
        raise RuleViolation(
            _("Name the member board %(name)s comes from.") % {"name": appointment.name},
            code="board",
        )
    if not is_member(board):
        raise RuleViolation(
            _("%(board)s is not a member of the cooperative; this seat is for a member board."),
            code="not_member",
            params={"board": str(board), "board_code": board.duo_number},
        )
    if body == Body.COUNCIL:
        chamber = board_chamber(board)
        if chamber is None or chamber.value != appointment.chamber:
            raise RuleViolation(
                _("%(board)s belongs to the chamber %(own)s, not to %(chamber)s.")
                % {
                    "board": board,
                    "own": chamber.label if chamber else "-",
                    "chamber": appointment.get_chamber_display(),
                },
                code="other_chamber",
            )


def _check_seats(appointment: Appointment) -> None:
    """The person holds one seat at a time on a body, the body has one chair at a time,
    and the seats are never all taken on any day of the new term."""
    start, end = appointment.starts_on, appointment.ends_on
    overlapping = [
        a
        for a in Appointment.objects.filter(body=appointment.body, starts_on__lt=end)
        if a.until > start
    ]
    same_person = [
        a
        for a in overlapping
        if (appointment.email and a.email == appointment.email)
        or (appointment.user_id and a.user_id == appointment.user_id)
    ]
    if same_person:
        raise StateConflict(
            _("%(name)s already has a seat on the %(body)s in that period.")
            % {"name": appointment.name, "body": _body_name(appointment)},
            code="seated",
        )
    chairs = [a for a in overlapping if a.role == Role.CHAIR]
    if appointment.role == Role.CHAIR and chairs:
        raise RuleViolation(
            _("%(chair)s chairs the %(body)s until %(until)s; a body has one chair at a time.")
            % {"chair": chairs[0].name, "body": _body_name(appointment), "until": chairs[0].until},
            code="chair",
        )
    others = [a for a in overlapping if a.chamber == appointment.chamber]
    seats = _seats_of(appointment.body, appointment.chamber)
    if seats is not None and others:
        busiest, day = _busiest(others, start, end)
        if busiest >= seats:
            raise RuleViolation(
                _("The %(body)s has %(seats)s seats and all are taken on %(day)s.")
                % {"body": _body_name(appointment), "seats": seats, "day": day},
                code="full",
                params={"seats": seats, "day": day},
            )


def appointment_check(
    *,
    body: str,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    email: str = "",
    user=None,
    board: Board | None = None,
    chamber: str = "",
    role: str = Role.MEMBER,
    seat_kind: str = "",
    employer: str = "",
    employer_board: Board | None = None,
) -> Appointment:
    """The appointment as it would be stored, or the rule it breaks (nothing is written).
    `appointment_create` stores it; the admin's form shows the refusal with this."""
    longest = term_end(starts_on)
    ends_on = ends_on or longest
    if ends_on > longest:
        raise RuleViolation(
            _("A term lasts at most %(years)s years: from %(start)s it ends by %(end)s.")
            % {"years": settings.GOVERNANCE_TERM_YEARS, "start": starts_on, "end": longest},
            code="term",
            params={"years": settings.GOVERNANCE_TERM_YEARS, "end": longest},
        )
    if ends_on <= starts_on:
        raise RuleViolation(
            _("A term must end (%(end)s) after it starts (%(start)s).")
            % {"start": starts_on, "end": ends_on},
            code="term_order",
        )
    if body == Body.BOARD and seat_kind not in SeatKind.values:
        raise RuleViolation(
            _("Say whether this board seat is from the members or a professional director."),
            code="seat_kind",
        )
    appointment = Appointment(
        body=body,
        name=name.strip(),
        email=email.strip().lower(),
        user=user,
        board=board,
        chamber=chamber if body == Body.COUNCIL else "",
        role=role,
        seat_kind=seat_kind if body == Body.BOARD else "",
        employer=employer.strip() if body == Body.SUPERVISORY else "",
        employer_board=employer_board if body == Body.SUPERVISORY else None,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    appointment.full_clean()
    _check_origin(appointment)
    _check_seats(appointment)
    return appointment


@transaction.atomic
def appointment_create(*, by, **values) -> Appointment:
    """Seat someone for a term of at most GOVERNANCE_TERM_YEARS years, within the body's
    seats (see `appointment_check` for the rules and the values)."""
    require_staff(by)
    appointment = appointment_check(**values)
    appointment.save()
    audit_log(
        action="governance.appointment.created",
        obj=appointment,
        actor=by,
        data={
            "body": appointment.body,
            "chamber": appointment.chamber,
            "seat_kind": appointment.seat_kind,
            "role": appointment.role,
            "starts_on": appointment.starts_on,
            "ends_on": appointment.ends_on,
        },
    )
    return appointment


def appointment_end_check(*, appointment: Appointment, on: date, reason: str) -> None:
    if appointment.ended_on:
        raise StateConflict(
            _("This seat already ended on %(d)s.") % {"d": appointment.ended_on}, code="ended"
        )
    if not reason.strip():
        raise RuleViolation(_("Give the reason the seat ends early."), code="reason")
    if not appointment.starts_on < on < appointment.ends_on:
        raise RuleViolation(
            _("An early end falls after the start (%(start)s) and before the term ends (%(end)s).")
            % {"start": appointment.starts_on, "end": appointment.ends_on},
            code="date",
        )


@transaction.atomic
def appointment_end(*, appointment: Appointment, on: date, reason: str, by) -> Appointment:
    """End a seat before its term is over (resignation, death, a new job); kept as history."""
    require_staff(by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment_end_check(appointment=appointment, on=on, reason=reason)
    appointment.ended_on = on
    appointment.end_reason = reason.strip()
    appointment.save(update_fields=["ended_on", "end_reason"])
    audit_log(
        action="governance.appointment.ended",
        obj=appointment,
        actor=by,
        data={"ended_on": on, "reason": appointment.end_reason},
    )
    return appointment

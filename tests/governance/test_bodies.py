"""The bodies' rules (services) and their composition (selectors)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.governance.constants import Body, Role, SeatKind
from bundel.governance.models import Appointment
from bundel.governance.selectors.bodies import (
    appointment_history,
    appointments_upcoming,
    composition_on,
)
from bundel.governance.services.bodies import appointment_create, appointment_end

from ..factories import BoardFactory, UserFactory
from .factories import *  # noqa: F403
from .factories import AppointmentFactory, counted_election, member_board

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

START = date(2026, 1, 1)


def professional(staff, n: int, **kwargs) -> Appointment:
    values = {
        "body": Body.BOARD,
        "name": f"Directeur {n}",
        "email": f"directeur{n}@example.test",
        "seat_kind": SeatKind.PROFESSIONAL,
        "starts_on": START,
        "by": staff,
    }
    values.update(kwargs)
    return appointment_create(**values)


def commissioner(staff, n: int, **kwargs) -> Appointment:
    values = {
        "body": Body.SUPERVISORY,
        "name": f"Commissaris {n}",
        "email": f"rvc{n}@example.test",
        "employer": "Universiteit Utrecht",
        "starts_on": START,
        "by": staff,
    }
    values.update(kwargs)
    return appointment_create(**values)


# -- the board --------------------------------------------------------------------------------


def test_the_board_has_five_seats_and_a_sixth_is_refused(staff):
    for n in range(5):
        professional(staff, n)

    with pytest.raises(RuleViolation) as refused:
        professional(staff, 6, starts_on=date(2027, 3, 1))

    assert refused.value.code == "full"
    assert refused.value.messages == ["The board has 5 seats and all are taken on 2027-03-01."]
    assert Appointment.objects.filter(body=Body.BOARD).count() == 5


def test_a_seat_freed_by_an_early_end_can_be_filled_from_that_day(staff):
    seats = [professional(staff, n) for n in range(5)]
    appointment_end(appointment=seats[0], on=date(2027, 6, 30), reason="Nieuwe baan", by=staff)

    with pytest.raises(RuleViolation, match="all are taken on 2027-06-01"):
        professional(staff, 6, starts_on=date(2027, 6, 1))
    successor = professional(staff, 7, starts_on=date(2027, 6, 30))

    assert successor.ends_on == date(2031, 6, 30)
    assert Appointment.objects.filter(body=Body.BOARD).count() == 6


def test_a_seat_that_starts_after_another_ends_is_counted_on_the_right_days(staff):
    """Four seats for the whole term and one that ends in 2027: a new seat starting in
    2028 fits, one starting in 2027 does not."""
    for n in range(4):
        professional(staff, n)
    professional(staff, 4, ends_on=date(2027, 12, 31))

    with pytest.raises(RuleViolation, match="all are taken on 2027-01-01"):
        professional(staff, 5, starts_on=date(2027, 1, 1))
    later = professional(staff, 6, starts_on=date(2027, 12, 31))

    assert later.starts_on == date(2027, 12, 31)


def test_a_board_seat_says_whether_it_is_from_the_members(staff):
    with pytest.raises(RuleViolation) as refused:
        appointment_create(body=Body.BOARD, name="Zonder soort", starts_on=START, by=staff)

    assert refused.value.messages == [
        "Say whether this board seat is from the members or a professional director."
    ]
    assert not Appointment.objects.exists()


def test_a_board_seat_from_the_members_comes_from_a_member_board(staff, outsider_board):
    member = member_board(name="Stichting Primair Plus")

    seat = appointment_create(
        body=Body.BOARD,
        name="Jeroen Bakker",
        board=member,
        seat_kind=SeatKind.MEMBER,
        starts_on=START,
        by=staff,
    )
    with pytest.raises(RuleViolation) as not_member:
        appointment_create(
            body=Body.BOARD,
            name="Iemand Anders",
            board=outsider_board,
            seat_kind=SeatKind.MEMBER,
            starts_on=START,
            by=staff,
        )
    with pytest.raises(RuleViolation) as no_board:
        appointment_create(
            body=Body.BOARD, name="Niemand", seat_kind=SeatKind.MEMBER, starts_on=START, by=staff
        )

    assert (seat.board, seat.seat_kind, seat.ends_on) == (member, "member", date(2030, 1, 1))
    assert not_member.value.messages == [
        f"{outsider_board} is not a member of the cooperative; this seat is for a member board."
    ]
    assert no_board.value.messages == ["Name the member board Niemand comes from."]
    assert Appointment.objects.count() == 1


def test_a_professional_director_needs_no_board(staff):
    seat = professional(staff, 1)

    assert (seat.seat_kind, seat.board, seat.chamber) == ("professional", None, "")


# -- the supervisory board ------------------------------------------------------------------


def test_the_supervisory_board_has_at_most_five_members(staff):
    for n in range(5):
        commissioner(staff, n)

    with pytest.raises(RuleViolation) as refused:
        commissioner(staff, 6)

    assert refused.value.messages == [
        "The supervisory board has 5 seats and all are taken on 2026-01-01."
    ]
    assert Appointment.objects.filter(body=Body.SUPERVISORY).count() == 5


def test_someone_employed_by_a_member_board_is_refused_for_the_supervisory_board(
    staff, outsider_board
):
    member = member_board(name="Stichting Openbaar Onderwijs Zwolle")

    with pytest.raises(RuleViolation) as refused:
        commissioner(staff, 1, name="Ans Verbeek", employer="", employer_board=member)
    seated = commissioner(staff, 2, employer="", employer_board=outsider_board)

    assert refused.value.code == "employed_by_member"
    assert refused.value.messages == [
        "Ans Verbeek is employed by Stichting Openbaar Onderwijs Zwolle, a member board; "
        "the supervisory board is independent of the members."
    ]
    assert list(Appointment.objects.all()) == [seated]


def test_a_login_of_a_member_board_counts_as_employed_by_it(staff, contact, membership):
    with pytest.raises(RuleViolation, match="a member board; the supervisory board"):
        commissioner(staff, 1, employer="", user=contact)

    assert not Appointment.objects.exists()


def test_a_non_member_employer_does_not_hide_a_member_login_or_email(
    staff, contact, membership, outsider_board
):
    """Naming another employer does not hide that the person works for a member board:
    neither the login's board nor the board of an account with the same e-mail."""
    with pytest.raises(RuleViolation, match="a member board; the supervisory board"):
        commissioner(staff, 1, employer="", employer_board=outsider_board, user=contact)
    with pytest.raises(RuleViolation, match="a member board; the supervisory board"):
        commissioner(staff, 2, employer="", email=contact.email.upper())

    assert not Appointment.objects.exists()


# -- terms ------------------------------------------------------------------------------------


def test_a_term_lasts_at_most_four_years(staff):
    full = professional(staff, 1)
    shorter = professional(staff, 2, ends_on=date(2028, 1, 1))

    with pytest.raises(RuleViolation) as refused:
        professional(staff, 3, ends_on=date(2030, 1, 2))

    assert (full.ends_on, shorter.ends_on) == (date(2030, 1, 1), date(2028, 1, 1))
    assert refused.value.code == "term"
    assert refused.value.messages == [
        "A term lasts at most 4 years: from 2026-01-01 it ends by 2030-01-01."
    ]
    assert Appointment.objects.count() == 2


def test_the_longest_term_is_a_setting(staff, settings):
    settings.GOVERNANCE_TERM_YEARS = 3

    assert professional(staff, 1, starts_on=date(2024, 2, 29)).ends_on == date(2027, 2, 28)


def test_a_term_must_end_after_it_starts(staff):
    with pytest.raises(RuleViolation) as refused:
        professional(staff, 1, ends_on=START)

    assert refused.value.messages == ["A term must end (2026-01-01) after it starts (2026-01-01)."]
    assert not Appointment.objects.exists()


def test_a_seat_ends_early_with_its_reason_and_stays_in_the_history(staff):
    seat = professional(staff, 1)

    ended = appointment_end(
        appointment=seat, on=date(2027, 9, 1), reason="  Verhuisd naar het buitenland ", by=staff
    )

    assert (ended.ended_on, ended.end_reason, ended.until) == (
        date(2027, 9, 1),
        "Verhuisd naar het buitenland",
        date(2027, 9, 1),
    )
    entry = AuditEntry.objects.get(action="governance.appointment.ended")
    assert entry.data == {"ended_on": "2027-09-01", "reason": "Verhuisd naar het buitenland"}
    assert entry.actor == staff
    assert list(appointment_history(user=staff, day=date(2027, 9, 1))) == [seat]
    assert list(appointment_history(user=staff, day=date(2027, 8, 31))) == []


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (date(2027, 9, 1), "   ", "Give the reason the seat ends early."),
        (
            date(2026, 1, 1),
            "Te vroeg",
            "An early end falls after the start (2026-01-01) and before the term ends "
            "(2030-01-01).",
        ),
        (
            date(2030, 1, 1),
            "Te laat",
            "An early end falls after the start (2026-01-01) and before the term ends "
            "(2030-01-01).",
        ),
    ],
)
def test_an_early_end_needs_a_reason_and_a_day_within_the_term(staff, on, reason, message):
    seat = professional(staff, 1)

    with pytest.raises(RuleViolation) as refused:
        appointment_end(appointment=seat, on=on, reason=reason, by=staff)

    assert refused.value.messages == [message]
    seat.refresh_from_db()
    assert (seat.ended_on, seat.end_reason) == (None, "")


def test_a_seat_ends_once(staff):
    seat = professional(staff, 1)
    appointment_end(appointment=seat, on=date(2027, 1, 1), reason="Ziekte", by=staff)

    with pytest.raises(StateConflict, match="This seat already ended on 2027-01-01"):
        appointment_end(appointment=seat, on=date(2028, 1, 1), reason="Nogmaals", by=staff)


def test_one_person_holds_one_seat_on_a_body_at_a_time(staff):
    professional(staff, 1, email="p.dewit@example.test")

    with pytest.raises(StateConflict) as refused:
        professional(staff, 2, name="P. de Wit", email="P.deWit@example.test ")

    assert refused.value.messages == ["P. de Wit already has a seat on the board in that period."]


def test_a_body_has_one_chair_at_a_time(staff):
    professional(staff, 1, name="Marieke van den Berg", role=Role.CHAIR, ends_on=date(2028, 1, 1))

    with pytest.raises(RuleViolation) as refused:
        professional(staff, 2, role=Role.CHAIR, starts_on=date(2027, 1, 1))
    successor = professional(staff, 3, role=Role.CHAIR, starts_on=date(2028, 1, 1))

    assert refused.value.messages == [
        "Marieke van den Berg chairs the board until 2028-01-01; a body has one chair at a time."
    ]
    assert successor.role == "chair"


def test_only_staff_appoint_and_end_seats(staff, contact):
    seat = professional(staff, 1)

    with pytest.raises(PermissionDenied):
        professional(contact, 2)
    with pytest.raises(PermissionDenied):
        appointment_end(appointment=seat, on=date(2027, 1, 1), reason="x", by=contact)

    assert Appointment.objects.count() == 1


def test_appointing_is_audited(staff):
    seat = professional(staff, 1)

    entry = AuditEntry.objects.get(action="governance.appointment.created")
    assert entry.object_id == str(seat.pk) and entry.actor == staff
    assert entry.data["body"] == "board" and entry.data["seat_kind"] == "professional"
    assert entry.data["ends_on"] == "2030-01-01"


# -- the council by hand ----------------------------------------------------------------------


def test_a_council_seat_by_hand_comes_from_a_member_board_in_its_chamber(staff):
    small = member_board(pupils=600, name="Stichting Klein Onderwijs")

    with pytest.raises(RuleViolation) as refused:
        appointment_create(
            body=Body.COUNCIL, name="Ella", chamber="po", board=small, starts_on=START, by=staff
        )
    seat = appointment_create(
        body=Body.COUNCIL, name="Ella", chamber="small", board=small, starts_on=START, by=staff
    )

    assert refused.value.messages == [
        "Stichting Klein Onderwijs belongs to the chamber Small, not to PO."
    ]
    assert seat.chamber == "small"


def test_a_chamber_has_the_seats_the_latest_election_gave_it(staff):
    counted_election(seats={"small": 2, "po": 5}, term_starts_on=date(2025, 1, 1))
    boards = [member_board(pupils=400 + n) for n in range(3)]
    for n, board in enumerate(boards[:2]):
        appointment_create(
            body=Body.COUNCIL,
            name=f"Lid {n}",
            chamber="small",
            board=board,
            starts_on=START,
            by=staff,
        )

    with pytest.raises(RuleViolation, match="The council has 2 seats and all are taken"):
        appointment_create(
            body=Body.COUNCIL,
            name="Lid 3",
            chamber="small",
            board=boards[2],
            starts_on=START,
            by=staff,
        )


# -- the composition --------------------------------------------------------------------------


def test_composition_by_chamber_and_body_with_terms(staff, today):
    counted_election(seats={"small": 3, "po": 2}, term_starts_on=today - timedelta(days=100))
    chair = AppointmentFactory(name="Bas", chamber="small", role="chair")
    AppointmentFactory(name="Anna", chamber="small")
    AppointmentFactory(name="Piet", chamber="po")
    AppointmentFactory(name="Weg", chamber="small", ended_on=today)  # ended today: not seated
    AppointmentFactory(name="Straks", chamber="vo", starts_on=today + timedelta(days=1))
    for n in range(2):
        AppointmentFactory(body=Body.BOARD, chamber="", seat_kind="member", name=f"Bestuur {n}")
    AppointmentFactory(body=Body.SUPERVISORY, chamber="", name="Toezicht", employer="UU")

    composition = composition_on(user=None)

    chambers = {c.chamber.value: c for c in composition.council}
    assert list(chambers) == ["po", "vo", "combination", "small"]
    assert [s.name for s in chambers["small"].members] == ["Bas", "Anna"]  # the chair first
    assert chambers["small"].members[0] == chair
    assert (chambers["small"].seats, chambers["small"].vacant) == (3, 1)
    assert (chambers["po"].seats, chambers["vo"].seats, chambers["vo"].members) == (2, None, [])
    assert (composition.council_size, composition.council_seats) == (3, 5)
    assert [s.name for s in composition.board.members] == ["Bestuur 0", "Bestuur 1"]
    assert (composition.board.max_seats, composition.board.vacant) == (5, 3)
    assert [s.name for s in composition.supervisory.members] == ["Toezicht"]
    assert composition.supervisory.below_minimum  # 1 of at least 3
    assert [s.name for s in appointments_upcoming(user=None)] == ["Straks"]
    assert [s.name for s in appointment_history(user=None)] == ["Weg"]


def test_the_supervisory_board_is_flagged_below_its_minimum(settings):
    for n in range(3):
        AppointmentFactory(body=Body.SUPERVISORY, chamber="", name=f"C{n}")

    assert not composition_on().supervisory.below_minimum
    settings.SUPERVISORY_MIN_SEATS = 4
    assert composition_on().supervisory.below_minimum


def test_composition_on_a_past_day_and_history_order(today):
    old = AppointmentFactory(
        body=Body.BOARD,
        chamber="",
        seat_kind="member",
        name="Oud",
        starts_on=date(2018, 1, 1),
        ends_on=date(2022, 1, 1),
    )
    early = AppointmentFactory(
        body=Body.BOARD,
        chamber="",
        seat_kind="member",
        name="Vroeg",
        starts_on=date(2020, 1, 1),
        ends_on=date(2024, 1, 1),
        ended_on=date(2023, 5, 1),
        end_reason="Pensioen",
    )

    assert [s.name for s in composition_on(date(2021, 6, 1)).board.members] == ["Oud", "Vroeg"]
    assert [s.name for s in composition_on(date(2023, 6, 1)).board.members] == []
    assert list(appointment_history(user=None)) == [early, old]


def test_a_seat_from_the_lead_s_election_appears_in_its_chamber(today):
    user = UserFactory()
    board = BoardFactory()
    AppointmentFactory(name="Gekozen", chamber="combination", user=user, board=board)

    [combination] = [c for c in composition_on().council if c.chamber.value == "combination"]
    assert [(s.name, s.board) for s in combination.members] == [("Gekozen", board)]

"""The public council page and API, and the staff's pages to appoint and end seats."""

from datetime import date, timedelta

import pytest

from bundel.audit.models import AuditEntry
from bundel.governance.constants import Body, SeatKind
from bundel.governance.models import Appointment
from bundel.governance.services.bodies import appointment_create

from .factories import *  # noqa: F403
from .factories import AppointmentFactory, counted_election, member_board

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def bodies(today, board, membership):
    """Two council seats, a board of two and a supervisory board of two (below three)."""
    counted_election(seats={"small": 4, "po": 3}, term_starts_on=today - timedelta(days=300))
    AppointmentFactory(name="Rosa Raadslid", chamber="small", board=board, role="chair")
    AppointmentFactory(name="Piet Primair", chamber="po", email="piet@example.test")
    AppointmentFactory(
        body=Body.BOARD, chamber="", seat_kind=SeatKind.MEMBER, name="Jeroen Bakker", board=board
    )
    AppointmentFactory(
        body=Body.BOARD, chamber="", seat_kind=SeatKind.PROFESSIONAL, name="Pieter de Wit"
    )
    for name in ("Hans Mulder", "Sandra Koster"):
        AppointmentFactory(body=Body.SUPERVISORY, chamber="", name=name, employer="UU")
    AppointmentFactory(
        body=Body.BOARD,
        chamber="",
        seat_kind=SeatKind.MEMBER,
        name="Karin Visser",
        starts_on=today - timedelta(days=900),
        ended_on=today - timedelta(days=30),
        end_reason="Nieuwe baan",
    )


def login(client, user):
    client.force_login(user)
    return client


# -- the council page -------------------------------------------------------------------------


def test_the_public_sees_the_composition_with_terms(client, bodies, today):
    response = client.get("/governance/council/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Chamber Small" in html and "1 of 4 seats taken" in html and "3 vacancies" in html
    assert "Rosa Raadslid" in html and "Piet Primair" in html
    assert "Jeroen Bakker" in html and "From the members" in html
    assert "Pieter de Wit" in html and "Professional director" in html
    assert 'data-warning="supervisory-below-minimum"' in html
    assert "The supervisory board has 2 members; it needs at least 3." in html
    assert "Karin Visser" not in html  # history is not the composition
    assert (today - timedelta(days=365)).strftime("%d-%m-%Y") in html
    assert "piet@example.test" not in html  # addresses are not public
    assert "/governance/meetings/" not in html and "/governance/bodies/" not in html


def test_members_also_find_the_meetings_and_the_decisions(client, contact, bodies):
    html = login(client, contact).get("/governance/council/").content.decode()

    assert 'href="/governance/meetings/"' in html
    assert "/governance/bodies/" not in html


@pytest.mark.parametrize("who", ["outsider", "supplier"])
def test_outsiders_see_the_composition_but_not_the_meetings(client, request, bodies, who):
    html = login(client, request.getfixturevalue(who)).get("/governance/council/").content
    html = html.decode()

    assert "Rosa Raadslid" in html
    assert "/governance/meetings/" not in html


def test_staff_reach_the_seats_and_the_chambers_from_the_council_page(client, staff, bodies):
    html = login(client, staff).get("/governance/council/").content.decode()

    assert 'href="/governance/bodies/"' in html and 'href="/governance/seats/"' in html
    assert 'href="/governance/meetings/"' in html


def test_everyone_finds_the_council_in_the_navigation(client):
    html = client.get("/governance/council/").content.decode()

    assert '<a href="/governance/council/" aria-current="page">Council</a>' in html


@pytest.mark.parametrize("rows", [2, 50])
def test_the_council_page_costs_the_same_queries_for_2_and_50_seats(
    client, rows, django_assert_max_num_queries
):
    for n in range(rows):
        AppointmentFactory(chamber=["po", "vo", "combination", "small"][n % 4], name=f"Lid {n}")

    with django_assert_max_num_queries(2):
        response = client.get("/governance/council/")

    assert response.context["composition"].council_size == rows


# -- the council API --------------------------------------------------------------------------


def test_the_council_api_is_public(client, bodies, today):
    body = client.get("/api/v1/council/").json()

    chambers = {c["chamber"]: c for c in body["council"]}
    assert body["day"] == today.isoformat()
    assert list(chambers) == ["po", "vo", "combination", "small"]
    assert (chambers["small"]["seats"], chambers["small"]["vacant"]) == (4, 3)
    assert chambers["small"]["members"] == [
        {
            "name": "Rosa Raadslid",
            "board": "41211",
            "board_name": "Board 41211",
            "role": "chair",
            "since": (today - timedelta(days=365)).isoformat(),
            "until": (today - timedelta(days=365) + timedelta(days=4 * 365)).isoformat(),
        }
    ]
    assert chambers["vo"] == {
        "chamber": "vo",
        "label": "VO",
        "seats": None,
        "vacant": 0,
        "members": [],
    }
    assert [(m["name"], m["seat_kind"]) for m in body["board"]["members"]] == [
        ("Jeroen Bakker", "member"),
        ("Pieter de Wit", "professional"),
    ]
    assert body["supervisory"]["below_minimum"] is True
    assert [m["employer"] for m in body["supervisory"]["members"]] == ["UU", "UU"]
    assert "piet@example.test" not in str(body)


@pytest.mark.parametrize("rows", [2, 50])
def test_the_council_api_costs_the_same_queries_for_2_and_50_seats(
    client, rows, django_assert_max_num_queries
):
    for n in range(rows):
        AppointmentFactory(chamber="small", name=f"Lid {n}")

    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/council/").json()

    assert len(body["council"][3]["members"]) == rows


# -- the staff's seats page -------------------------------------------------------------------


def test_staff_see_the_seats_the_coming_seats_and_the_history(client, staff, bodies, today):
    AppointmentFactory(name="Nieuw Gekozen", chamber="vo", starts_on=today + timedelta(days=10))

    response = login(client, staff).get("/governance/bodies/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.name for s in response.context["upcoming"]] == ["Nieuw Gekozen"]
    assert [s.name for s in response.context["page"].object_list] == ["Karin Visser"]
    assert "Nieuwe baan" in html
    karin = Appointment.objects.get(name="Karin Visser")
    assert f'href="/governance/bodies/{karin.pk}/"' in html


@pytest.mark.parametrize("who", ["contact", "outsider", "supplier", "councillor"])
def test_only_staff_manage_the_seats(client, request, bodies, who):
    login(client, request.getfixturevalue(who))
    seat = Appointment.objects.get(name="Pieter de Wit")

    responses = [
        client.get("/governance/bodies/"),
        client.get("/governance/bodies/appoint/"),
        client.get(f"/governance/bodies/{seat.pk}/"),
        client.post(f"/governance/bodies/{seat.pk}/", {"end-on": "2027-01-01", "end-reason": "x"}),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    seat.refresh_from_db()
    assert seat.ended_on is None


def test_anonymous_visitors_log_in_to_manage_seats(client):
    response = client.get("/governance/bodies/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [2, 50])
def test_the_seats_page_costs_the_same_queries_for_2_and_50_ended_seats(
    client, staff, rows, django_assert_max_num_queries
):
    for n in range(rows):
        AppointmentFactory(
            body=Body.BOARD,
            chamber="",
            seat_kind="member",
            name=f"Oud {n}",
            board=member_board(),
            starts_on=date(2015, 1, 1),
            ends_on=date(2019, 1, 1),
        )
    login(client, staff)

    with django_assert_max_num_queries(7):
        response = client.get("/governance/bodies/")

    assert len(response.context["page"].object_list) == rows


# -- appointing and ending on the pages -------------------------------------------------------


def appoint(client, **values):
    data = {"action": "appoint", "role": "member", "starts_on": "2026-01-01"}
    data.update(values)
    return client.post("/governance/bodies/appoint/", data)


def test_staff_appoint_a_director_from_a_member_board(client, staff, board, membership):
    response = appoint(
        login(client, staff),
        body="board",
        name="Jeroen Bakker",
        email="j.bakker@example.test",
        board="41211",
        seat_kind="member",
    )

    assert response.status_code == 302 and response["Location"] == "/governance/bodies/"
    seat = Appointment.objects.get()
    assert (seat.body, seat.board, seat.seat_kind) == ("board", board, "member")
    assert (seat.starts_on, seat.ends_on) == (date(2026, 1, 1), date(2030, 1, 1))
    assert AuditEntry.objects.filter(action="governance.appointment.created").count() == 1


def test_the_rules_show_on_the_appointment_form(client, staff, outsider_board):
    login(client, staff)
    for n in range(5):
        appointment_create(
            body=Body.BOARD,
            name=f"D{n}",
            seat_kind=SeatKind.PROFESSIONAL,
            starts_on=date(2026, 1, 1),
            by=staff,
        )
    member = member_board(duo_number="20001", name="Stichting Leerrijk")

    full = appoint(client, body="board", name="Zesde", seat_kind="professional")
    employed = appoint(
        client, body="supervisory", name="Ans Verbeek", employer_board=member.duo_number
    )
    too_long = appoint(client, body="supervisory", name="Lang", ends_on="2031-01-01")
    unknown = appoint(client, body="supervisory", name="Onbekend", employer_board="99999")

    assert "The board has 5 seats and all are taken on 2026-01-01." in full.content.decode()
    assert (
        "Ans Verbeek is employed by Stichting Leerrijk, a member board; the supervisory board "
        "is independent of the members." in employed.content.decode()
    )
    assert (
        "A term lasts at most 4 years: from 2026-01-01 it ends by 2030-01-01."
        in too_long.content.decode()
    )
    assert "No board with DUO number 99999." in unknown.content.decode()
    assert {full.status_code, employed.status_code, too_long.status_code} == {200}
    assert Appointment.objects.count() == 5


def test_staff_end_a_seat_early_with_a_reason(client, staff, today):
    seat = AppointmentFactory(body=Body.BOARD, chamber="", seat_kind="professional", name="Bas")
    login(client, staff)
    url = f"/governance/bodies/{seat.pk}/"

    without_reason = client.post(url, {"end-on": today.isoformat(), "end-reason": ""})
    ended = client.post(url, {"end-on": today.isoformat(), "end-reason": "Afgetreden"})
    page = client.get(url)

    assert without_reason.status_code == 200 and "This field is required." in (
        without_reason.content.decode()
    )
    assert ended.status_code == 302
    seat.refresh_from_db()
    assert (seat.ended_on, seat.end_reason) == (today, "Afgetreden")
    html = page.content.decode()
    assert "Afgetreden" in html and 'id="action-end"' not in html
    assert "ended" in html  # the audit trail


def test_an_early_end_outside_the_term_shows_the_rule(client, staff, today):
    seat = AppointmentFactory(body=Body.BOARD, chamber="", seat_kind="professional", name="Bas")

    response = login(client, staff).post(
        f"/governance/bodies/{seat.pk}/",
        {"end-on": (seat.ends_on + timedelta(days=1)).isoformat(), "end-reason": "Te laat"},
    )

    assert "An early end falls after the start" in response.content.decode()
    seat.refresh_from_db()
    assert seat.ended_on is None

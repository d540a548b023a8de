"""POST /api/v1/tenders/{id}/participations/ and GET .../demand/: the status codes of the
issue, the numbers of the hand-computed example, outsiders, bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.tenders import services
from bundel.tenders.models import Participation, Tender
from tests.factories import BoardFactory, UserFactory

from .factories import demand_tender, make_member, make_tender, place

START = (timezone.localdate() + timedelta(days=200)).isoformat()


def url(tender, what="participations") -> str:
    return f"/api/v1/tenders/{tender.pk}/{what}/"


def body(*lines, board="41211") -> dict:
    return {"board": board, "lines": list(lines)}


def conn(location="02FY00", lot=1, capacity="1g") -> list[dict]:
    return [
        {
            "lot": lot,
            "location": location,
            "product": "connectivity",
            "capacity": capacity,
            "start": START,
        },
        {"lot": lot, "location": location, "product": "security", "start": START},
    ]


def post(client, tender, data):
    return client.post(url(tender), data, content_type="application/json")


@pytest.fixture
def a1(member_board):
    return place(member_board, "02FY00", pupils=100)


# --- POST participations --------------------------------------------------------------


def test_a_member_contact_registers_and_gets_201(contact_client, tender, a1):
    response = post(contact_client, tender, body(*conn()))

    assert response.status_code == 201
    data = response.json()
    assert (data["tender"], data["board"]) == (tender.pk, "41211")
    assert data["lines"] == [
        {
            "lot": 1,
            "location": "02FY00",
            "product": "connectivity",
            "capacity": "1g",
            "start": START,
        },
        {
            "lot": 1,
            "location": "02FY00",
            "product": "security",
            "capacity": "standard",
            "start": START,
        },
    ]
    assert Participation.objects.get().lines.count() == 2


def test_a_change_replaces_the_lines_and_gets_200(contact_client, tender, a1):
    post(contact_client, tender, body(*conn()))
    response = post(contact_client, tender, body(*conn(capacity="10g", lot=2)))

    assert response.status_code == 200
    assert [(li["lot"], li["capacity"]) for li in response.json()["lines"]] == [
        (2, "10g"),
        (2, "standard"),
    ]
    assert Participation.objects.count() == 1


def test_a_broken_rule_is_400_naming_the_line_and_the_rule(contact_client, tender, a1):
    lines = [
        *conn(),
        {
            "lot": 2,
            "location": "02FY00",
            "product": "connectivity",
            "capacity": "1g",
            "start": START,
        },
    ]
    response = post(contact_client, tender, body(*lines[:1], lines[2]))

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "requires"
    assert data["params"]["line"] == "1"  # the API handler gives params as text
    assert (data["params"]["product"], data["params"]["required"]) == ("connectivity", "security")
    assert data["detail"][0].startswith("Line 1: External connectivity")
    assert Participation.objects.count() == 0


def test_malformed_input_is_400_per_field(contact_client, tender, a1):
    response = post(contact_client, tender, {"board": "4121", "lines": [{"lot": 0}]})
    assert response.status_code == 400
    assert set(response.json()) == {"board", "lines"}
    assert set(response.json()["lines"]["0"]) == {"lot", "location", "product", "start"}


def test_outside_demand_registration_is_409(contact_client, staff, tender, a1):
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)
    response = post(contact_client, tender, body(*conn()))
    assert response.status_code == 409
    assert response.json()["code"] == "not_in_demand_registration"


def test_after_the_deadline_is_409_with_the_date(contact_client, staff, tender, a1):
    yesterday = timezone.localdate() - timedelta(days=1)
    Tender.objects.filter(pk=tender.pk).update(demand_deadline=yesterday)

    response = post(contact_client, tender, body(*conn()))

    assert response.status_code == 409
    assert response.json()["params"]["deadline"] == yesterday.isoformat()
    assert yesterday.isoformat() in response.json()["detail"][0]


def test_a_board_that_is_not_a_member_gets_403(contact_client, staff, board):
    tender = demand_tender(by=staff)
    place(board, "02FY00")
    response = post(contact_client, tender, body(*conn()))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only members take part in tenders; board 41211 is not a member."
    }


def test_another_boards_contact_gets_403(outsider_client, outsider, tender, a1):
    make_member(outsider.board)
    response = post(outsider_client, tender, body(*conn()))
    assert response.status_code == 403
    assert Participation.objects.count() == 0


def test_an_unknown_board_tells_a_contact_nothing(contact_client, tender, a1):
    assert post(contact_client, tender, body(*conn(), board="99999")).status_code == 403


def test_staff_register_for_a_member_board(staff_client, tender, a1):
    assert post(staff_client, tender, body(*conn())).status_code == 201
    response = post(staff_client, tender, body(*conn(), board="99999"))
    assert response.status_code == 400
    assert response.json() == {"board": ["There is no board with this DUO number."]}


def test_a_supplier_gets_403(supplier_client, tender, a1):
    assert post(supplier_client, tender, body(*conn())).status_code == 403


def test_anonymous_gets_nothing(client, tender, a1):
    assert post(client, tender, body(*conn())).status_code in (401, 403)
    assert client.get(url(tender, "demand")).status_code in (401, 403)
    assert Participation.objects.count() == 0


def test_a_draft_is_404_for_a_member(contact_client, staff, member_board, a1):
    draft = make_tender(by=staff)
    assert post(contact_client, draft, body(*conn())).status_code == 404


# --- GET participations ---------------------------------------------------------------


def test_a_contact_reads_its_own_participation_only(contact_client, example, tender):
    response = contact_client.get(url(tender))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [p["board"] for p in results] == ["41211"]
    assert len(results[0]["lines"]) == 5


def test_staff_read_every_participation(staff_client, example, tender):
    results = staff_client.get(url(tender)).json()["results"]
    assert [(p["board"], len(p["lines"])) for p in results] == [("30000", 6), ("41211", 5)]


# --- GET demand -----------------------------------------------------------------------


def test_the_demand_of_the_example(contact_client, example, tender):
    response = contact_client.get(url(tender, "demand"))

    assert response.status_code == 200
    data = response.json()
    assert data["totals"] == {"locations": 4, "boards": 2, "pupils": 500, "value": "27960.00"}
    lot1, lot2 = data["lots"]
    assert {k: lot1[k] for k in ("lot", "locations", "boards", "pupils", "value")} == {
        "lot": 1,
        "locations": 3,
        "boards": 2,
        "pupils": 450,
        "value": "18060.00",
    }
    assert lot1["products"] == [
        {
            "product": "connectivity",
            "capacity": "500m",
            "locations": 1,
            "boards": 1,
            "pupils": 300,
            "value": "3840.00",
        },
        {
            "product": "connectivity",
            "capacity": "1g",
            "locations": 2,
            "boards": 2,
            "pupils": 150,
            "value": "11520.00",
        },
        {
            "product": "security",
            "capacity": "standard",
            "locations": 3,
            "boards": 2,
            "pupils": 450,
            "value": "2700.00",
        },
    ]
    assert (lot2["locations"], lot2["boards"], lot2["pupils"]) == (3, 2, 200)
    assert data["optional_services"][0] == {
        "product": "anti-spam",
        "locations": 1,
        "threshold": 500,
        "reached": False,
    }
    assert "provinces" not in data


def test_the_demand_per_province_on_request(staff_client, example, tender):
    data = staff_client.get(url(tender, "demand") + "?provinces=true").json()
    assert data["provinces"] == [
        {"province": "Limburg", "locations": 1, "boards": 1, "pupils": 50, "value": "6660.00"},
        {
            "province": "Noord-Brabant",
            "locations": 1,
            "boards": 1,
            "pupils": 300,
            "value": "4740.00",
        },
        {"province": "Utrecht", "locations": 2, "boards": 2, "pupils": 150, "value": "16560.00"},
    ]
    assert [p["province"] for p in data["lots"][1]["provinces"]] == ["Limburg", "Utrecht"]


def test_a_member_that_does_not_take_part_gets_403(outsider_client, outsider, example, tender):
    make_member(outsider.board)
    response = outsider_client.get(url(tender, "demand"))
    assert response.status_code == 403


def test_a_board_that_is_not_a_member_sees_no_tender_in_demand_registration(
    outsider_client, example, tender
):
    assert outsider_client.get(url(tender, "demand")).status_code == 404
    assert outsider_client.get(url(tender)).status_code == 404


def test_a_supplier_gets_no_demand(supplier_client, staff, example, tender):
    assert supplier_client.get(url(tender, "demand")).status_code == 404
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)
    assert supplier_client.get(url(tender, "demand")).status_code == 403
    assert supplier_client.get(url(tender)).json()["results"] == []


# --- bounded queries ------------------------------------------------------------------


def many(staff, rows: int):
    tender = demand_tender(by=staff)
    start = timezone.localdate() + timedelta(days=100)
    for n in range(rows):
        board = BoardFactory()
        make_member(board)
        location = place(board, f"Q{n:03d}00", pupils=10 + n)
        services.participation_register(
            tender=tender,
            board=board,
            lines=[
                services.DemandLineInput(1 + n % 2, location.code, "connectivity", "1g", start),
                services.DemandLineInput(1 + n % 2, location.code, "security", None, start),
            ],
            by=staff,
        )
    return tender


@pytest.mark.parametrize("rows", [2, 50])
def test_the_demand_api_takes_a_fixed_number_of_queries(
    rows, staff_client, staff, django_assert_max_num_queries
):
    tender = many(staff, rows)
    with django_assert_max_num_queries(11):
        response = staff_client.get(url(tender, "demand"))
    assert response.json()["totals"]["locations"] == rows
    with django_assert_max_num_queries(14):
        response = staff_client.get(url(tender, "demand") + "?provinces=1")
    assert sum(p["locations"] for p in response.json()["provinces"]) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_participations_api_takes_a_fixed_number_of_queries(
    rows, staff_client, staff, django_assert_max_num_queries
):
    tender = many(staff, rows)
    with django_assert_max_num_queries(6):
        response = staff_client.get(url(tender))
    assert response.json()["count"] == rows
    assert all(len(p["lines"]) == 2 for p in response.json()["results"])


def test_a_council_member_reads_but_does_not_register(client, example, tender, member_board):
    person = UserFactory(role=Role.COUNCIL_MEMBER, board=member_board)
    client.force_login(person)
    assert client.get(url(tender, "demand")).status_code == 200
    assert post(client, tender, body(*conn())).status_code == 403

"""Bad orders through the API (`POST /api/v1/boards/{duo}/orders/`): each refused with a
message that names what is wrong, and nothing stored. Every bad order starts with a good
line, so a refusal that stored half an order would show."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.subscriptions import services
from bundel.subscriptions.services import OrderLine

from ..factories import StaffFactory
from .builders import applicant, contact_of, member
from .checksum import table_state
from .conftest import login

TABLES = ("subscriptions.Order", "subscriptions.Subscription", "contracts.CallOff")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def board(staff):
    board = member(staff).board
    first = board.locations.order_by("code").first()
    start = timezone.localdate() + timedelta(days=30)
    services.order_place(  # something already stored that must stay as it is
        board=board, lines=[OrderLine(first.code, "lan", None, start)], by=staff
    )
    return board


def line(location, product="wifi", capacity="m", start=None):
    start = start or timezone.localdate() + timedelta(days=30)
    return {"location": location, "product": product, "capacity": capacity, "start": str(start)}


def bad_orders(first, second):
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "unknown location": (
            [line(second), line("ZZ9900")],
            400,
            "line 2: location ZZ9900 is not a location of board",
        ),
        "unknown product": (
            [line(second), line(first, "teleport")],
            400,
            "line 2: there is no product 'teleport'",
        ),
        "product not orderable": (
            [line(second), line(first, "telephony", None)],
            400,
            "line 2: Fixed telephony cannot be ordered (it is in tender)",
        ),
        "capacity missing": (
            [line(second), line(first, "wifi", None)],
            400,
            f"line 2: choose the capacity of Wifi at {first}",
        ),
        "capacity unknown": (
            [line(second), line(first, "wifi", "xxl")],
            400,
            f"line 2: choose the capacity of Wifi at {first}",
        ),
        "same product twice": (
            [line(second), line(second, "wifi", "l")],
            400,
            f"Wifi appears twice for {second}",
        ),
        "start in the past": (
            [line(second), line(first, start=yesterday)],
            400,
            f"The wished start of Wifi at {first} is in the past",
        ),
        "requires rule broken": (
            [line(second), line(first, "connectivity", "1g")],
            400,
            "requires Information security services at that location",
        ),
        "already taken": (
            [line(second), line(first, "lan", None)],
            409,
            f"{first} already takes",
        ),
        "no lines": ([], 400, "An order has at least one line."),
        "date that does not exist": (
            [line(second), {**line(first), "start": "2027-02-30"}],
            400,
            "start",
        ),
        "line without a product": (
            [line(second), {"location": first, "start": "2027-03-01"}],
            400,
            "product",
        ),
    }


CASES = list(bad_orders("A", "B"))


@pytest.mark.parametrize("case", CASES)
def test_a_bad_order_is_refused_with_its_reason_and_stores_nothing(board, case):
    first, second = board.locations.order_by("code").values_list("code", flat=True)
    lines, status, message = bad_orders(first, second)[case]
    client = login(contact_of(board))
    before = table_state(*TABLES)

    response = client.post(
        f"/api/v1/boards/{board.duo_number}/orders/",
        {"lines": lines},
        content_type="application/json",
    )

    assert response.status_code == status, response.content
    assert message in str(response.json())
    assert table_state(*TABLES) == before


def test_a_board_that_is_not_a_member_orders_nothing(staff):
    board = applicant(staff).board
    code = board.locations.order_by("code").first().code
    before = table_state(*TABLES)

    response = login(contact_of(board)).post(
        f"/api/v1/boards/{board.duo_number}/orders/",
        {"lines": [line(code)]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert f"board {board.duo_number} is applied" in response.json()["detail"][0]
    assert table_state(*TABLES) == before

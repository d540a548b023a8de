"""Seats per chamber from the member boards' registry data."""

from datetime import date

import pytest

from bundel.governance.selectors import chamber_seats
from bundel.membership.models import Membership

from ..factories import BoardFactory, LocationFactory, PupilCountFactory


def member(pupils: int, *sector_types: str):
    board = BoardFactory()
    for sector_type in sector_types:
        location = LocationFactory(board=board, sector_type=sector_type)
        PupilCountFactory(
            location=location, pupils=pupils // len(sector_types), count_date=date(2025, 10, 1)
        )
    Membership.objects.create(
        board=board, state="member", applied_on=date(2025, 1, 1), admitted_on=date(2025, 2, 1)
    )
    return board


@pytest.fixture
def members(db):
    member(500, "bo")  # small
    member(900, "vo")  # small
    member(3000, "bo")  # po
    member(5000, "bo", "vo")  # combination
    member(20000, "vo")  # vo


@pytest.mark.django_db
def test_seats_over_members_per_chamber(members):
    # minimum 1 each (4), the other 32 over members 2/1/1/1 (small, po, vo, combination):
    # Hamilton quota 5 / 32: small 12.8, the others 6.4 each -> 12 + 6 + 6 + 6 = 30, and
    # the 2 seats left go to the largest remainders (0.8 small, then 0.4 by lot/votes).
    result = chamber_seats(basis="members", method="largest_remainders", seats=36, min_seats=1)

    assert result.members == {"small": 2, "po": 1, "vo": 1, "combination": 1}
    assert sum(result.allocation.seats.values()) == 36
    assert result.allocation.seats["small"] == 1 + 13
    assert sorted(result.allocation.seats[c] for c in ("po", "vo", "combination")) == [7, 7, 8]


@pytest.mark.django_db
def test_seats_over_pupils_per_chamber(members):
    result = chamber_seats(basis="pupils", method="largest_averages", seats=36, min_seats=1)

    assert result.pupils == {"small": 1400, "po": 3000, "vo": 20000, "combination": 5000}
    assert sum(result.allocation.seats.values()) == 36
    assert result.allocation.seats["vo"] > result.allocation.seats["combination"] > 1


@pytest.mark.django_db
def test_the_page_is_for_staff(client, staff, contact, members):
    client.force_login(contact)
    assert client.get("/governance/seats/").status_code == 403
    client.force_login(staff)

    response = client.get(
        "/governance/seats/?seats=36&basis=members&method=largest_remainders&min_seats=1"
    )

    assert response.status_code == 200
    assert sum(row[3] for row in response.context["rows"]) == 36

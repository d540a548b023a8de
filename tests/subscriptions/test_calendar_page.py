"""The staff's national migration calendar: locations per week for the next 26 weeks,
every board's waves (filter, export, a link to each board's plan); staff only."""

import csv
import io
from datetime import timedelta

import pytest

from bundel.subscriptions import services
from bundel.subscriptions.models import MigrationWave

from ..factories import BoardFactory, LocationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/services/calendar/"


@pytest.fixture
def waves(connected, board, first_location, second_location, staff, today):
    """Two waves of board 41211 (one done) and one of another board, in later weeks."""
    monday = today - timedelta(days=today.weekday())
    done = services.wave_create(
        board=board, name="Golf 1", on=today, locations=[first_location.code], by=staff
    )
    services.wave_complete(wave=done, by=staff)
    later = services.wave_create(
        board=board,
        name="Golf 2",
        on=monday + timedelta(weeks=3, days=2),
        locations=[second_location.code],
        by=staff,
    )
    other = BoardFactory(duo_number="20000")
    a, b = LocationFactory(board=other), LocationFactory(board=other)
    third = MigrationWave.objects.create(
        board=other, name="Fase A", date=monday + timedelta(weeks=3)
    )
    third.locations.set([a, b])
    return done, later, third


def test_locations_per_week_and_every_boards_waves(staff_client, waves, today):
    response = staff_client.get(URL)

    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert len(weeks) == 26
    assert weeks[0] == (today - timedelta(days=today.weekday()), 1)
    assert weeks[3][1] == 3  # Golf 2 (1 location) and Fase A (2) in the same week
    assert response.context["total"] == 4
    assert len(response.context["chart"]["bars"]) == 26
    listed = [(w.board.duo_number, w.name, w.location_count) for w in response.context["page"]]
    assert listed == [("41211", "Golf 1", 1), ("20000", "Fase A", 2), ("41211", "Golf 2", 1)]
    html = response.content.decode()
    assert 'href="/services/41211/"' in html and 'href="/services/20000/"' in html
    assert "<svg" in html


def test_filter_by_state_and_export(staff_client, waves):
    planned = staff_client.get(f"{URL}?state=planned")
    exported = staff_client.get(f"{URL}?state=done&format=csv")

    assert [w.name for w in planned.context["page"]] == ["Fase A", "Golf 2"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "DUO number", "Board", "Wave", "State", "Locations"]
    assert [row[1:] for row in rows[1:]] == [["41211", "Board 41211", "Golf 1", "Done", "1"]]


def test_staff_jump_to_any_boards_plan(staff_client, board):
    BoardFactory(duo_number="30001")

    response = staff_client.get(f"{URL}?duo_number=30001")
    page = staff_client.get("/services/30001/")

    assert response.status_code == 302 and response["Location"] == "/services/30001/"
    assert page.status_code == 200 and page.context["points"] == []
    bad = staff_client.get(f"{URL}?duo_number=12")
    assert "A DUO board number has 5 digits." in bad.content.decode()


def test_not_for_board_contacts(contact_client, member):
    assert contact_client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")

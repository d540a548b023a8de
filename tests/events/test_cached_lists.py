"""The lists of events (page and API) are cached per viewer: what one person was shown is
never shown to another who may see less or whose own registrations differ, a change of
an event or a registration shows at once, and so does the passing of time (an event
that ends, a registration deadline that passes)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.events import services
from bundel.membership.models import Membership

from .factories import EventFactory, person_of

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def listed(client, query: str = "") -> dict[str, dict]:
    response = client.get(EVENTS + query)
    assert response.status_code == 200
    return {e["title"]: e for e in response.json()["results"]}


def rows_of(client, query: str = "") -> list[str]:
    """The ids of the events on the list page, in order."""
    html = client.get("/events/" + query).content.decode()
    return [part.split('"', 1)[0] for part in html.split('<tr id="event-')[1:]]


def test_what_a_member_was_shown_is_not_shown_to_those_who_see_less(
    client, contact, member, event, open_event, outsider, supplier, interested_person
):
    client.force_login(contact)
    assert set(listed(client)) == {"Workshop migratieplan", "Webinar aanbesteding"}
    assert rows_of(client) == [str(event.pk), str(open_event.pk)]

    client.force_login(interested_person)
    assert set(listed(client)) == {"Webinar aanbesteding"}
    assert rows_of(client) == [str(open_event.pk)]
    for stranger in (outsider, supplier):
        client.force_login(stranger)
        assert listed(client) == {} and rows_of(client) == []
    client.logout()
    assert "Log in to see them." in client.get("/events/").content.decode()


def test_a_board_that_leaves_sees_nothing_at_once(member_client, member, event):
    assert rows_of(member_client) == [str(event.pk)]

    Membership.objects.filter(pk=member.pk).update(state="ended")  # no signal

    assert rows_of(member_client) == [] and listed(member_client) == {}


def test_each_person_is_shown_their_own_registration_and_link(
    client, contact, member, board, open_event, staff
):
    registration = services.registration_register(event=open_event, by=contact)
    same_board = person_of(board, username="collega")

    client.force_login(contact)
    mine = listed(client)["Webinar aanbesteding"]
    client.force_login(same_board)
    theirs = listed(client)["Webinar aanbesteding"]
    client.force_login(staff)
    for_staff = listed(client)["Webinar aanbesteding"]

    assert mine["my_registration"] == {"id": registration.pk, "state": "confirmed"}
    assert mine["link"] == "https://webinar.example/aanbesteding"
    assert theirs["my_registration"] is None and theirs["link"] == ""
    assert for_staff["my_registration"] is None
    assert for_staff["link"] == "https://webinar.example/aanbesteding"
    client.force_login(same_board)
    assert 'data-state="confirmed"' not in client.get("/events/").content.decode()
    client.force_login(contact)
    assert 'data-state="confirmed"' in client.get("/events/").content.decode()


def test_a_change_of_an_event_or_a_registration_shows_at_once(
    member_client, contact, event, colleague, third, staff
):
    assert listed(member_client)["Workshop migratieplan"]["places_left"] == 2
    assert 'data-places="2"' in member_client.get("/events/").content.decode()

    services.registration_register(event=event, by=colleague)
    assert listed(member_client)["Workshop migratieplan"]["places_left"] == 1
    html = member_client.get("/events/").content.decode()
    assert 'data-places="1"' in html

    services.registration_register(event=event, by=contact)
    services.registration_register(event=event, by=third)
    shown = listed(member_client)["Workshop migratieplan"]
    assert (shown["places_left"], shown["waitlist_count"]) == (0, 1)
    assert shown["my_registration"]["state"] == "confirmed"

    services.event_update(event=event, by=staff, title="Workshop segmentatie")
    assert set(listed(member_client)) == {"Workshop segmentatie"}
    assert "Workshop segmentatie" in member_client.get("/events/").content.decode()


def test_an_event_that_ends_and_a_deadline_that_passes_show_without_a_change(member_client):
    """Nothing is stored in between: only the clock moves past the end of one event and
    the registration deadline of another."""
    now = timezone.now()
    moment = now + timedelta(seconds=1)
    ending = EventFactory(
        title="Bijna voorbij",
        starts_at=now - timedelta(hours=1),
        ends_at=moment,
        registration_deadline=now - timedelta(hours=2),
    )
    closing = EventFactory(
        title="Inschrijving sluit", starts_at=now + timedelta(days=3), registration_deadline=moment
    )
    listed(member_client), rows_of(member_client), listed(member_client, "?when=past")

    time.sleep(max((moment - timezone.now()).total_seconds(), 0) + 0.05)

    upcoming = listed(member_client)
    assert set(upcoming) == {"Inschrijving sluit"}
    assert upcoming["Inschrijving sluit"]["registration_open"] is False
    assert rows_of(member_client) == [str(closing.pk)]
    assert set(listed(member_client, "?when=past")) == {"Bijna voorbij"}
    assert rows_of(member_client, "?when=past") == [str(ending.pk)]

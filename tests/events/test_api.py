"""The events API: the list of what the user may see, registering (place, waiting list,
refusals with the rule's code), cancelling one's own registration; bounded queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bundel.events import services
from bundel.events.models import Registration

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def members(n: int) -> list:
    return [person_of(board_in_state("member"), first_name=f"P{i}") for i in range(n)]


def registrations(event) -> str:
    return f"{EVENTS}{event.pk}/registrations/"


def test_a_member_lists_upcoming_events_with_figures(member_client, contact, event, open_event):
    services.registration_register(event=event, by=contact)

    response = member_client.get(EVENTS)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    first = data["results"][0]
    mine = Registration.objects.get()
    assert first == {
        "id": event.pk,
        "kind": "workshop",
        "title": "Workshop migratieplan",
        "programme": event.programme,
        "starts_at": first["starts_at"],
        "ends_at": first["ends_at"],
        "place": "Kantoor Bundel, Utrecht",
        "link": "",
        "capacity": 2,
        "waiting_list": True,
        "registration_deadline": first["registration_deadline"],
        "registration_open": True,
        "audience": "members",
        "state": "scheduled",
        "cancel_reason": "",
        "confirmed_count": 1,
        "waitlist_count": 0,
        "places_left": 1,
        "my_registration": {"id": mine.pk, "state": "confirmed"},
        "url": f"http://testserver/events/{event.pk}/",
    }
    second = data["results"][1]
    assert second["places_left"] is None and second["my_registration"] is None
    assert second["link"] == ""  # the link only for those with a place


def test_filters_by_when_and_kind(member_client, event, open_event):
    EventFactory(
        title="Vorig jaar",
        starts_at=timezone.now() - timedelta(days=200),
        registration_deadline=timezone.now() - timedelta(days=210),
    )

    def titles(query):
        return [e["title"] for e in member_client.get(EVENTS + query).json()["results"]]

    assert titles("?when=past") == ["Vorig jaar"]
    assert titles("?kind=webinar") == ["Webinar aanbesteding"]
    assert titles("?kind=nonsense") == ["Workshop migratieplan", "Webinar aanbesteding"]


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_costs_a_fixed_number_of_queries(
    member_client, contact, rows, django_assert_max_num_queries
):
    """Computed: the session and user, the viewer (their board's memberships, their
    registrations), the next moment the list changes by itself, the count and the page.
    Cached for the same viewer: only the first four."""
    for index in range(rows):
        event = EventFactory(capacity=5 if index % 2 else None)
        services.registration_register(event=event, by=contact)

    with django_assert_max_num_queries(7):
        computed = member_client.get(EVENTS)
    with django_assert_max_num_queries(4):
        cached = member_client.get(EVENTS)

    assert computed.json()["count"] == rows and len(computed.json()["results"]) == rows
    assert cached.json() == computed.json()


def test_register_gives_a_place_then_the_waiting_list(member_client, contact, colleague, third):
    event = EventFactory(capacity=1)
    services.registration_register(event=event, by=colleague)

    response = member_client.post(registrations(event))

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["position"], body["person"], body["board"]) == (
        "waitlisted",
        1,
        contact.get_full_name(),
        "41211",
    )
    detail = member_client.get(f"{EVENTS}{event.pk}/").json()
    assert detail["waitlist_count"] == 1
    assert detail["my_registration"] == {"id": body["id"], "state": "waitlisted"}


def test_refusals_carry_the_rule(member_client, contact, colleague):
    full = EventFactory(title="Vol", capacity=1, waiting_list=False)
    services.registration_register(event=full, by=colleague)
    late = EventFactory(title="Laat", registration_deadline=timezone.now() - timedelta(hours=1))

    refused = member_client.post(registrations(full))
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": ["Vol is full (1 places) and has no waiting list."],
        "code": "full",
        "params": {"event": "Vol", "capacity": "1"},
    }
    closed = member_client.post(registrations(late))
    assert closed.status_code == 400 and closed.json()["code"] == "deadline"
    assert member_client.post(registrations(full)).status_code == 400  # still full
    assert not Registration.objects.filter(user=contact, event__in=[full, late]).exists()


def test_registering_twice_is_409(member_client, event):
    assert member_client.post(registrations(event)).status_code == 201
    response = member_client.post(registrations(event))
    assert response.status_code == 409 and response.json()["code"] == "registered"


def test_delete_cancels_ones_own_registration_and_moves_the_first_up(
    member_client, contact, event, colleague, third, django_capture_on_commit_callbacks
):
    mine = services.registration_register(event=event, by=contact)
    services.registration_register(event=event, by=colleague)
    waiting = services.registration_register(event=event, by=third)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.delete(f"{registrations(event)}{mine.pk}/")

    assert response.status_code == 204
    mine.refresh_from_db(), waiting.refresh_from_db()
    assert (mine.state, waiting.state) == ("cancelled", "confirmed")
    assert [m.to for m in mail.outbox] == [[third.email]]
    again = member_client.delete(f"{registrations(event)}{mine.pk}/")
    assert again.status_code == 409


def test_a_person_sees_only_their_own_registrations(member_client, contact, event, colleague):
    mine = services.registration_register(event=event, by=contact)
    theirs = services.registration_register(event=event, by=colleague)

    assert [r["id"] for r in member_client.get(registrations(event)).json()] == [mine.pk]
    assert member_client.get(f"{registrations(event)}{theirs.pk}/").status_code == 404
    assert member_client.delete(f"{registrations(event)}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "confirmed"


def test_a_person_sees_their_true_position_on_the_waiting_list(
    member_client, contact, event, colleague, third, staff
):
    people = members(2)
    for person in (*people, colleague, third):
        services.registration_register(event=event, by=person)
    mine = services.registration_register(event=event, by=contact)  # third in line

    listed = member_client.get(registrations(event)).json()
    assert [(r["id"], r["state"], r["position"]) for r in listed] == [(mine.pk, "waitlisted", 3)]
    assert member_client.get(f"{registrations(event)}{mine.pk}/").json()["position"] == 3


@pytest.mark.parametrize("rows", [2, 50])
def test_the_registrations_cost_a_fixed_number_of_queries(
    client, staff, rows, django_assert_max_num_queries
):
    event = EventFactory(capacity=rows // 2)
    for person in members(rows):
        services.registration_register(event=event, by=person)
    client.force_login(staff)

    with django_assert_max_num_queries(4):
        response = client.get(registrations(event))

    positions = [r["position"] for r in response.json()]
    assert positions == [None] * (rows // 2) + list(range(1, rows // 2 + 1))


def test_staff_see_everyone_and_cancel_anyones(client, staff, contact, member, event, colleague):
    services.registration_register(event=event, by=contact)
    theirs = services.registration_register(event=event, by=colleague)
    client.force_login(staff)

    assert len(client.get(registrations(event)).json()) == 2
    assert client.delete(f"{registrations(event)}{theirs.pk}/").status_code == 204
    assert client.post(registrations(event)).status_code == 403  # staff do not register


def test_the_schema_documents_the_paths(client):
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/events/{id}/registrations/" in schema
    assert "/api/v1/events/{id}/registrations/{registration_pk}/" in schema

"""The events pages: the list and an event's page for members (registering, the waiting
list, cancelling, refusals with the reason); "My events" with the calendar address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bundel.events import services
from bundel.events.models import Event, Registration

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def results_of(response) -> str:
    """The list's results (the page around them has a fresh CSRF token each time)."""
    html = response.content.decode()
    return html[html.index('<div id="results">') : html.index("</table>")]


# -- the list ------------------------------------------------------------------------------------


def test_a_member_sees_upcoming_events_with_places_and_own_state(
    member_client, contact, event, open_event, colleague
):
    services.registration_register(event=event, by=colleague)
    services.registration_register(event=event, by=contact)
    EventFactory(
        title="Vorig jaar",
        starts_at=timezone.now() - timedelta(days=300),
        registration_deadline=timezone.now() - timedelta(days=310),
    )

    response = member_client.get("/events/")

    html = response.content.decode()
    rows = list(response.context["page"])
    assert [e.title for e in rows] == ["Workshop migratieplan", "Webinar aanbesteding"]
    assert 'data-places="full"' in html and 'data-state="confirmed"' in html
    assert "1 registered, no limit" not in html and "0 registered, no limit" in html
    past = member_client.get("/events/?when=past")
    assert [e.title for e in past.context["page"]] == ["Vorig jaar"]
    webinars = member_client.get("/events/?kind=webinar")
    assert [e.title for e in webinars.context["page"]] == ["Webinar aanbesteding"]


def test_the_public_is_asked_to_log_in(client, event):
    response = client.get("/events/")

    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "Log in to see them." in response.content.decode()
    assert "Workshop migratieplan" not in response.content.decode()


def test_the_nav_has_events_for_everyone(client):
    html = client.get("/").content.decode()
    assert '<a href="/events/"' in html


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_costs_a_fixed_number_of_queries(
    member_client, contact, rows, django_assert_max_num_queries
):
    """Computed: the session, user and board, the viewer (their board's memberships,
    their registrations), the next moment the list changes by itself, the count and the
    page. Cached for the same viewer: only the first five."""
    for index in range(rows):
        event = EventFactory(capacity=3 if index % 2 else None)
        services.registration_register(event=event, by=contact)
    member_client.get("/events/?when=past")  # the session is warm

    with django_assert_max_num_queries(8):
        computed = member_client.get("/events/")
    with django_assert_max_num_queries(5):
        cached = member_client.get("/events/")

    assert results_of(computed).count('<tr id="event-') == rows
    assert results_of(cached) == results_of(computed)


def test_htmx_paging_returns_the_results_only(member_client, event):
    response = member_client.get("/events/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Workshop migratieplan" in html and "<html" not in html


# -- an event's page -------------------------------------------------------------------------------


def test_a_member_registers_and_gets_a_place(member_client, contact, event):
    response = member_client.post(f"/events/{event.pk}/", {"action": "register"}, follow=True)

    assert messages_of(response) == ["You have a place at Workshop migratieplan."]
    assert Registration.objects.get(event=event, user=contact).state == "confirmed"
    html = response.content.decode()
    assert "You have a place." in html and "Cancel my registration" in html


def test_a_member_joins_the_waiting_list_of_a_full_event(
    member_client, contact, event, colleague, third
):
    for person in (colleague, third):
        services.registration_register(event=event, by=person)

    page = member_client.get(f"/events/{event.pk}/").content.decode()
    assert "Join the waiting list" in page
    response = member_client.post(f"/events/{event.pk}/", {"action": "register"}, follow=True)

    assert "you are on the waiting list" in messages_of(response)[0]
    assert "You are number 1 on the waiting list." in response.content.decode()


def test_a_full_event_without_waiting_list_says_so_and_refuses(
    member_client, contact, colleague, third
):
    event = EventFactory(title="Kleine workshop", capacity=2, waiting_list=False)
    for person in (colleague, third):
        services.registration_register(event=event, by=person)

    page = member_client.get(f"/events/{event.pk}/").content.decode()
    assert "This event is full (2 places) and has no waiting list." in page
    assert 'value="register"' not in page
    response = member_client.post(f"/events/{event.pk}/", {"action": "register"}, follow=True)
    assert messages_of(response) == ["Kleine workshop is full (2 places) and has no waiting list."]
    assert not Registration.objects.filter(event=event, user=contact).exists()


def test_past_the_deadline_the_page_and_a_post_give_the_reason(member_client, contact):
    deadline = timezone.now() - timedelta(hours=1)
    event = EventFactory(title="Ledendag", registration_deadline=deadline)
    local = timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M")

    page = member_client.get(f"/events/{event.pk}/").content.decode()
    assert f"Registration closed on {local}." in page
    response = member_client.post(f"/events/{event.pk}/", {"action": "register"}, follow=True)
    assert messages_of(response) == [f"Registration for Ledendag closed on {local}."]
    assert not Registration.objects.exists()


def test_cancelling_moves_the_first_waiting_up(
    member_client, contact, event, colleague, third, django_capture_on_commit_callbacks
):
    services.registration_register(event=event, by=contact)
    services.registration_register(event=event, by=colleague)
    waiting = services.registration_register(event=event, by=third)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/events/{event.pk}/", {"action": "cancel"}, follow=True)

    assert messages_of(response) == ["Your registration for Workshop migratieplan is cancelled."]
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"
    assert [m.to for m in mail.outbox] == [[third.email]]
    assert 'value="register"' in response.content.decode()  # may register again


def test_the_online_link_is_for_those_with_a_place(member_client, contact, colleague, staff):
    webinar = EventFactory(place="", link="https://webinar.example/geheim", capacity=1)
    services.registration_register(event=webinar, by=colleague)

    assert (
        "webinar.example/geheim" not in member_client.get(f"/events/{webinar.pk}/").content.decode()
    )
    services.registration_register(event=webinar, by=contact)  # waiting list
    assert (
        "webinar.example/geheim" not in member_client.get(f"/events/{webinar.pk}/").content.decode()
    )
    services.event_update(event=webinar, by=staff, capacity=2)
    assert "webinar.example/geheim" in member_client.get(f"/events/{webinar.pk}/").content.decode()


def test_an_unknown_action_is_a_bad_request(member_client, event):
    response = member_client.post(f"/events/{event.pk}/", {"action": "cancel"})
    assert response.status_code == 400  # nothing to cancel
    assert member_client.post(f"/events/{event.pk}/", {"action": "x"}).status_code == 400


def test_an_interested_board_sees_and_registers_for_what_is_opened_to_it(
    client, interested_person, event, open_event
):
    client.force_login(interested_person)

    assert [e.title for e in client.get("/events/").context["page"]] == ["Webinar aanbesteding"]
    assert client.get(f"/events/{event.pk}/").status_code == 404
    response = client.post(f"/events/{open_event.pk}/", {"action": "register"}, follow=True)
    assert messages_of(response) == ["You have a place at Webinar aanbesteding."]


# -- my events and the calendar address ----------------------------------------------------------


def test_my_events_lists_own_registrations_and_makes_a_calendar_address(
    member_client, contact, event, open_event, colleague, third
):
    for person in (colleague, third, contact):
        services.registration_register(event=event, by=person)
    services.registration_register(event=open_event, by=contact)

    page = member_client.get("/events/mine/")
    assert [r.event.title for r in page.context["registrations"]] == [
        "Workshop migratieplan",
        "Webinar aanbesteding",
    ]
    assert page.context["registrations"][0].position == 1
    assert page.context["feed_url"] == ""

    response = member_client.post("/events/mine/", {"action": "feed"}, follow=True)
    url = response.context["feed_url"]
    token = contact.event_feed.token
    assert url == f"http://testserver/events/feed/{token}.ics"
    assert response.context["webcal_url"] == f"webcal://testserver/events/feed/{token}.ics"
    assert member_client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [2, 50])
def test_my_events_costs_a_fixed_number_of_queries_with_the_positions(
    member_client, contact, colleague, third, rows, django_assert_max_num_queries
):
    """The waiting-list positions come with the registrations (one query), not one
    query per row."""
    for index in range(rows):
        event = EventFactory(capacity=1)
        ahead = (colleague, third) if index % 2 else (colleague,)
        for person in (*ahead, contact):
            services.registration_register(event=event, by=person)
    member_client.get("/events/mine/")  # the session is warm

    with django_assert_max_num_queries(5):
        response = member_client.get("/events/mine/")

    positions = [r.position for r in response.context["registrations"]]
    assert positions == [1 if index % 2 == 0 else 2 for index in range(rows)]
    assert response.content.decode().count("number 2") == rows // 2


def test_my_events_needs_a_login(client):
    response = client.get("/events/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Event.objects.count() == 0


def test_a_board_that_is_not_a_member_has_no_events(client):
    person = person_of(board_in_state(None))
    EventFactory()
    client.force_login(person)
    assert list(client.get("/events/").context["page"]) == []

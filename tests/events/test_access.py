"""Outsiders get nothing of members-only events, through the pages and the API: a board
that is not a member, a supplier, the public, and an interested board (for an event staff
did not open to interested boards). Nothing is stored by their attempts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.events import services
from bundel.events.constants import Audience
from bundel.events.models import Event, Registration

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(event, contact, member):
    return services.registration_register(event=event, by=contact)


def stored() -> tuple:
    return (
        list(Registration.objects.order_by("pk").values_list("state", flat=True)),
        list(Event.objects.order_by("pk").values_list("title", "capacity", "state")),
        AuditEntry.objects.count(),
    )


@pytest.fixture(params=["outsider", "supplier", "interested_person"])
def stranger(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def past_events(db):
    """Two events that have taken place: one for members only, one staff opened to
    interested boards too. A member sees both in the past list."""
    now = timezone.now()
    return [
        EventFactory(
            title=title,
            audience=audience,
            starts_at=now - timedelta(days=days),
            registration_deadline=now - timedelta(days=days + 2),
        )
        for title, audience, days in (
            ("Ledendag vorig jaar", Audience.MEMBERS, 60),
            ("Webinar vorig jaar", Audience.MEMBERS_AND_INTERESTED, 30),
        )
    ]


def past_titles_for(stranger) -> list[str]:
    """What a stranger may see of the past events: an interested board the one opened to
    it, anyone else nothing."""
    return ["Webinar vorig jaar"] if stranger.username == "interested" else []


def test_the_past_events_are_there_for_a_member(member_client, past_events):
    page = member_client.get("/events/?when=past").context["page"]
    api = member_client.get("/api/v1/events/?when=past").json()["results"]
    latest_first = ["Webinar vorig jaar", "Ledendag vorig jaar"]
    assert [e.title for e in page] == [e["title"] for e in api] == latest_first


def test_a_stranger_gets_nothing_through_the_pages(
    client, stranger, event, registered, past_events
):
    client.force_login(stranger)
    before = stored()

    listing = client.get("/events/")
    assert list(listing.context["page"]) == []
    assert "Workshop migratieplan" not in listing.content.decode()
    past = client.get("/events/?when=past")
    assert [e.title for e in past.context["page"]] == past_titles_for(stranger)
    assert "Ledendag vorig jaar" not in past.content.decode()
    members_only = past_events[0]
    assert client.get(f"/events/{members_only.pk}/").status_code == 404
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.post(f"/events/{event.pk}/", {"action": "register"}).status_code == 404
    assert client.post(f"/events/{event.pk}/", {"action": "cancel"}).status_code == 404
    assert client.get("/events/mine/").context["registrations"] == []
    for url in (
        "/events/new/",
        f"/events/{event.pk}/manage/",
        f"/events/{event.pk}/attendees.csv",
        f"/events/{event.pk}/attendees.xlsx",
        f"/events/{event.pk}/badges.pdf",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"action": "cancel_event", "cancel-reason": "x"}).status_code == 403
    assert stored() == before


def test_a_stranger_gets_nothing_through_the_api(client, stranger, event, registered, past_events):
    client.force_login(stranger)
    before = stored()
    base = f"/api/v1/events/{event.pk}/"

    listing = client.get("/api/v1/events/")
    assert listing.status_code == 200 and listing.json()["count"] == 0
    past = client.get("/api/v1/events/?when=past").json()
    assert [e["title"] for e in past["results"]] == past_titles_for(stranger)
    assert client.get(f"/api/v1/events/{past_events[0].pk}/").status_code == 404
    assert client.get(base).status_code == 404
    assert client.get(f"{base}registrations/").status_code == 404
    assert client.post(f"{base}registrations/").status_code == 404
    assert client.get(f"{base}registrations/{registered.pk}/").status_code == 404
    assert client.delete(f"{base}registrations/{registered.pk}/").status_code == 404
    assert stored() == before


def test_another_member_cannot_touch_someone_elses_registration(
    client, colleague, event, registered
):
    client.force_login(colleague)
    before = stored()
    base = f"/api/v1/events/{event.pk}/registrations/"

    assert client.get(base).json() == []
    assert client.delete(f"{base}{registered.pk}/").status_code == 404
    manage = client.get(f"/events/{event.pk}/manage/")
    assert manage.status_code == 403
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert registered.user.email not in page and registered.user.get_full_name() not in page
    assert stored() == before


def test_the_public_is_sent_to_log_in_or_gets_nothing(client, event, registered, past_events):
    before = stored()

    assert client.get("/api/v1/events/").json()["count"] == 0
    assert client.get("/api/v1/events/?when=past").json()["count"] == 0
    assert list(client.get("/events/?when=past").context["page"]) == []
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 404
    assert client.post(f"/api/v1/events/{event.pk}/registrations/").status_code in (401, 403)
    delete = client.delete(f"/api/v1/events/{event.pk}/registrations/{registered.pk}/")
    assert delete.status_code in (401, 403)
    for url in (f"/events/{event.pk}/", "/events/mine/", f"/events/{event.pk}/manage/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/events/{event.pk}/", {"action": "register"}).status_code == 302
    assert stored() == before


def test_an_interested_board_sees_only_what_staff_open_to_it(
    client, interested_person, event, open_event
):
    client.force_login(interested_person)

    assert [e["title"] for e in client.get("/api/v1/events/").json()["results"]] == [
        "Webinar aanbesteding"
    ]
    assert client.post(f"/api/v1/events/{open_event.pk}/registrations/").status_code == 201
    assert client.post(f"/api/v1/events/{event.pk}/registrations/").status_code == 404

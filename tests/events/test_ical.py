"""The iCalendar feed: RFC 5545 text escaping, line folding at 75 octets, UTC times, one
VEVENT per registration with its status; the secret address and who it shows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bundel.events import ical, services
from bundel.events.models import Event

from .factories import EventFactory

AMSTERDAM = timezone.get_fixed_timezone(120)  # CEST, summer


def test_text_is_escaped():
    assert ical.escape_text("a;b,c\\d") == "a\\;b\\,c\\\\d"
    assert ical.escape_text("regel 1\r\nregel 2\nregel 3\rregel 4") == (
        "regel 1\\nregel 2\\nregel 3\\nregel 4"
    )
    assert ical.escape_text("Jaarbeurs: hal 7") == "Jaarbeurs: hal 7"  # a colon stays


def test_times_are_utc():
    summer = datetime(2026, 6, 9, 10, 0, tzinfo=AMSTERDAM)
    winter = timezone.make_aware(datetime(2026, 1, 15, 10, 0))  # Europe/Amsterdam, CET

    assert ical.utc(summer) == "20260609T080000Z"
    assert ical.utc(winter) == "20260115T090000Z"
    assert ical.utc(datetime(2026, 1, 1, tzinfo=UTC)) == "20260101T000000Z"


@pytest.mark.parametrize("text", ["x" * 200, "é" * 100, "Ledendag - é " * 20, "a" * 75, "a" * 76])
def test_long_lines_fold_at_75_octets_without_splitting_a_character(text):
    folded = ical.fold("DESCRIPTION:" + text)
    lines = folded.split("\r\n")

    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert lines[0] + "".join(line[1:] for line in lines[1:]) == "DESCRIPTION:" + text


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


@pytest.mark.django_db
def test_a_calendar_has_one_event_per_registration_with_its_status(contact, member, colleague):
    start = datetime(2030, 6, 9, 10, 0, tzinfo=AMSTERDAM)
    workshop = EventFactory(
        title="Workshop; netwerk, wifi",
        programme="Eerst koffie\nDan: aan de slag",
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        place="Kantoor Bundel, Utrecht",
        capacity=1,
    )
    webinar = EventFactory(
        title="Webinar",
        starts_at=start + timedelta(days=7),
        place="",
        link="https://webinar.example/x",
        capacity=None,
    )
    services.registration_register(event=workshop, by=colleague)  # the only place
    mine = [
        services.registration_register(event=workshop, by=contact),  # waiting list
        services.registration_register(event=webinar, by=contact),
    ]
    Event.objects.filter(pk=webinar.pk).update(state="cancelled", sequence=3)
    for registration in mine:
        registration.event.refresh_from_db()

    body = ical.calendar(mine, name="Bundel", now=datetime(2030, 1, 1, tzinfo=UTC))

    assert body.endswith("END:VCALENDAR\r\n") and "\n" not in body.replace("\r\n", "")
    lines = unfold(body)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bundel//Events//NL"]
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("END:VEVENT") == 2
    first = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    assert f"UID:event-{workshop.pk}@127.0.0.1" in first
    assert "DTSTART:20300609T080000Z" in first and "DTEND:20300609T103000Z" in first
    assert "DTSTAMP:20300101T000000Z" in first
    assert "SUMMARY:Workshop\\; netwerk\\, wifi" in first
    assert "LOCATION:Kantoor Bundel\\, Utrecht" in first
    assert "STATUS:TENTATIVE" in first  # on the waiting list
    description = next(line for line in first if line.startswith("DESCRIPTION:"))
    assert "Eerst koffie\\nDan: aan de slag" in description
    second = lines[lines.index("END:VEVENT") + 1 :]
    assert "STATUS:CANCELLED" in second and "SEQUENCE:3" in second
    # the online link only for those with a place: the event is cancelled, but the contact
    # had a place, so its location is the link
    assert "LOCATION:https://webinar.example/x" in second


@pytest.mark.django_db
def test_the_link_is_left_out_for_the_waiting_list(contact, member, colleague):
    webinar = EventFactory(place="", link="https://webinar.example/geheim", capacity=1)
    services.registration_register(event=webinar, by=colleague)
    waiting = services.registration_register(event=webinar, by=contact)

    body = ical.calendar([waiting], name="Bundel", now=timezone.now())

    assert "geheim" not in body.replace("\r\n ", "")


# -- the feed address -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_feed_shows_the_persons_active_registrations_without_login(
    client, contact, member, colleague
):
    mine = EventFactory(title="Mijn workshop")
    cancelled_by_me = EventFactory(title="Afgemeld")
    theirs = EventFactory(title="Hun workshop")
    services.registration_register(event=mine, by=contact)
    gone = services.registration_register(event=cancelled_by_me, by=contact)
    services.registration_cancel(registration=gone, by=contact)
    services.registration_register(event=theirs, by=colleague)
    feed = services.feed_renew(user=contact, by=contact)

    response = client.get(f"/events/feed/{feed.token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.content.decode())
    assert [line for line in lines if line.startswith("SUMMARY:")] == ["SUMMARY:Mijn workshop"]


@pytest.mark.django_db
def test_the_feed_follows_what_the_person_may_still_see(client, contact, member):
    event = EventFactory(title="Ledendag")
    services.registration_register(event=event, by=contact)
    feed = services.feed_renew(user=contact, by=contact)
    member.state = "ended"
    member.save()

    body = client.get(f"/events/feed/{feed.token}.ics").content.decode()

    assert "BEGIN:VEVENT" not in body and "END:VCALENDAR" in body


@pytest.mark.django_db
def test_an_unknown_old_or_inactive_token_is_not_found(client, contact, member):
    feed = services.feed_renew(user=contact, by=contact)
    old = feed.token
    services.feed_renew(user=contact, by=contact)
    contact.refresh_from_db()

    assert client.get(f"/events/feed/{old}.ics").status_code == 404
    assert client.get("/events/feed/raden.ics").status_code == 404
    contact.event_feed.refresh_from_db()
    token = contact.event_feed.token
    assert client.get(f"/events/feed/{token}.ics").status_code == 200
    contact.is_active = False
    contact.save()
    assert client.get(f"/events/feed/{token}.ics").status_code == 404

"""Events in the admin go through the services: adding and changing are audited and
refused by the same rules as the staff pages (a capacity below the places taken), and
cancelling (state and reason) tells everyone registered. Nothing is deleted."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.events import services
from bundel.events.models import Event, Registration

pytestmark = pytest.mark.django_db

URL = "/admin/events/event/"


def split(moment) -> dict:
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def admin_data(event=None, registrations: int = 0, **overrides) -> dict:
    starts = (
        event.starts_at
        if event
        else timezone.now().replace(second=0, microsecond=0) + timedelta(days=40)
    )
    data = {
        "kind": "member_day",
        "title": event.title if event else "Ledendag",
        "programme": "",
        "place": "Jaarbeurs Utrecht",
        "link": "",
        "capacity": str(event.capacity) if event else "300",
        "waiting_list": "on",
        "audience": "members",
        "state": "scheduled",
        "cancel_reason": "",
        "registrations-TOTAL_FORMS": str(registrations),
        "registrations-INITIAL_FORMS": str(registrations),
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    for name, moment in (
        ("starts_at", starts),
        ("ends_at", event.ends_at if event else starts + timedelta(hours=6)),
        (
            "registration_deadline",
            event.registration_deadline if event else starts - timedelta(days=7),
        ),
    ):
        for part, value in split(moment).items():
            data[f"{name}_{part}"] = value
    if event:
        for index, registration in enumerate(
            event.registrations.order_by("state", "registered_at", "pk")
        ):
            data[f"registrations-{index}-id"] = str(registration.pk)
            data[f"registrations-{index}-event"] = str(event.pk)
    data.update(overrides)
    return data


def test_staff_add_an_event_in_the_admin_audited(staff_client, staff):
    response = staff_client.post(f"{URL}add/", admin_data())

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert (event.title, event.capacity, event.created_by) == ("Ledendag", 300, staff)
    assert AuditEntry.objects.filter(action="events.event.created", actor=staff).count() == 1


def test_the_admin_refuses_a_capacity_below_the_places_taken(staff_client, event, colleague, third):
    for person in (colleague, third):
        services.registration_register(event=event, by=person)

    response = staff_client.post(
        f"{URL}{event.pk}/change/", admin_data(event, registrations=2, capacity="1")
    )

    assert response.status_code == 200
    assert "lower than the 2 people who already have a place" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 2
    assert not AuditEntry.objects.filter(action="events.event.updated").exists()


def test_a_change_in_the_admin_is_audited_and_moves_people_up(
    staff_client, event, colleague, third, contact, member
):
    for person in (colleague, third, contact):
        services.registration_register(event=event, by=person)

    response = staff_client.post(
        f"{URL}{event.pk}/change/", admin_data(event, registrations=3, capacity="3")
    )

    assert response.status_code == 302
    assert Registration.objects.get(user=contact).state == "confirmed"
    assert AuditEntry.objects.get(action="events.event.updated").changes["capacity"] == [2, 3]


def test_cancelling_in_the_admin_needs_a_reason_and_tells_everyone(
    staff_client, event, colleague, django_capture_on_commit_callbacks
):
    services.registration_register(event=event, by=colleague)
    refused = staff_client.post(
        f"{URL}{event.pk}/change/", admin_data(event, registrations=1, state="cancelled")
    )
    assert refused.status_code == 200
    assert Event.objects.get().state == "scheduled"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"{URL}{event.pk}/change/",
            admin_data(event, registrations=1, state="cancelled", cancel_reason="Zaal vervalt."),
        )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.state, event.cancel_reason) == ("cancelled", "Zaal vervalt.")
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    again = staff_client.post(
        f"{URL}{event.pk}/change/", admin_data(event, registrations=1, title="Toch wel")
    )
    assert again.status_code == 200
    assert Event.objects.get().title == event.title


def test_nothing_is_deleted_and_registrations_are_read_only(staff_client, event, colleague):
    registration = services.registration_register(event=event, by=colleague)

    assert staff_client.post(f"{URL}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        staff_client.get(f"/admin/events/registration/{registration.pk}/change/").status_code == 200
    )
    assert staff_client.get("/admin/events/registration/add/").status_code == 403
    assert Event.objects.count() == 1 and Registration.objects.count() == 1


def test_the_admin_lists_show(staff_client, event, colleague):
    services.registration_register(event=event, by=colleague)
    assert staff_client.get(URL).status_code == 200
    assert staff_client.get("/admin/events/registration/").status_code == 200
    page = staff_client.get(f"{URL}{event.pk}/change/").content.decode()
    assert f"/events/{event.pk}/manage/" in page

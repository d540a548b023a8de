"""The staff's pages: adding, changing and cancelling an event, cancelling someone's
registration, the attendee list (CSV/XLSX), the name badges (PDF), the audit trail; and
nobody else gets them."""

import io
from datetime import timedelta

import pytest
import weasyprint
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from bundel.audit.models import AuditEntry
from bundel.events import services
from bundel.events.models import Event, Registration
from bundel.events.pdf import pages_of

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=30)
    data = {
        "action": "edit",
        "event-kind": "workshop",
        "event-title": "Workshop aanbesteden",
        "event-programme": "Uitleg en oefenen",
        "event-starts_at": local_input(starts),
        "event-ends_at": local_input(starts + timedelta(hours=3)),
        "event-place": "Kantoor Bundel, Utrecht",
        "event-link": "",
        "event-capacity": "12",
        "event-waiting_list": "on",
        "event-registration_deadline": local_input(starts - timedelta(days=3)),
        "event-audience": "members",
    }
    return {**data, **{f"event-{k}": v for k, v in overrides.items()}}


def test_staff_add_an_event(staff_client, staff):
    response = staff_client.post("/events/new/", form_data(), follow=True)

    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == f"/events/{event.pk}/manage/"
    assert (event.title, event.capacity, event.waiting_list, event.created_by) == (
        "Workshop aanbesteden",
        12,
        True,
        staff,
    )
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    assert AuditEntry.objects.filter(action="events.event.created", actor=staff).count() == 1


def test_an_invalid_new_event_shows_the_errors_and_stores_nothing(staff_client):
    response = staff_client.post("/events/new/", form_data(place="", link=""))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["place"] == ["Give the place of the event, or the link to join it online."]
    assert not Event.objects.exists()


def test_the_manage_page_refuses_a_capacity_below_the_places_taken(
    staff_client, event, colleague, third
):
    for person in (colleague, third):
        services.registration_register(event=event, by=person)
    data = form_data(
        title=event.title,
        starts_at=local_input(event.starts_at),
        ends_at=local_input(event.ends_at),
        registration_deadline=local_input(event.registration_deadline),
        capacity="1",
    )

    response = staff_client.post(f"/events/{event.pk}/manage/", data)

    assert response.status_code == 200
    assert "lower than the 2 people who already have a place (asked: 1)" in (
        response.content.decode()
    )
    event.refresh_from_db()
    assert event.capacity == 2 and event.sequence == 0


def test_the_manage_page_lists_registrations_and_cancels_one(
    staff_client, event, contact, member, colleague, third, django_capture_on_commit_callbacks
):
    first = services.registration_register(event=event, by=colleague)
    services.registration_register(event=event, by=third)
    waiting = services.registration_register(event=event, by=contact)
    mail.outbox.clear()

    page = staff_client.get(f"/events/{event.pk}/manage/")
    rows = page.context["registrations"]
    assert [(r.user.username, r.state, r.position) for r in rows] == [
        ("colleague", "confirmed", None),
        ("third", "confirmed", None),
        ("contact", "waitlisted", 1),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/events/{event.pk}/manage/",
            {"action": "cancel_registration", "registration": first.pk},
            follow=True,
        )

    assert "The registration of Cor" in str(next(iter(response.context["messages"])))
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert sorted(e.action.rsplit(".", 1)[1] for e in response.context["audit"]) == [
        "cancelled",
        "confirmed",
        "confirmed",
        "promoted",
        "waitlisted",
    ]
    assert "person: Cor" in response.content.decode()


def test_staff_cancel_an_event_with_a_reason(
    staff_client, event, colleague, django_capture_on_commit_callbacks
):
    services.registration_register(event=event, by=colleague)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/events/{event.pk}/manage/",
            {"action": "cancel_event", "cancel-reason": "De zaal is niet beschikbaar."},
            follow=True,
        )

    event.refresh_from_db()
    assert event.state == "cancelled"
    assert "is cancelled; everyone registered is told by e-mail." in str(
        next(iter(response.context["messages"]))
    )
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert not response.context["can_cancel_event"]


def test_the_attendee_list_as_csv_and_xlsx(staff_client, event, contact, member, colleague, third):
    for person in (colleague, third, contact):
        services.registration_register(event=event, by=person)
    gone = services.registration_register(event=EventFactory(), by=contact)
    services.registration_cancel(registration=gone, by=contact)

    response = staff_client.get(f"/events/{event.pk}/attendees.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["Last name", "First name", "E-mail"]
    rows = [line.split(";") for line in lines[1:]]
    assert [(r[2], r[6], r[7]) for r in rows] == [
        (colleague.email, "Confirmed", ""),
        (third.email, "Confirmed", ""),
        (contact.email, "On the waiting list", "1"),
    ]
    assert rows[2][4] == "41211"

    xlsx = staff_client.get(f"/events/{event.pk}/attendees.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[3][2] == contact.email
    assert staff_client.get(f"/events/{event.pk}/attendees.pdf").status_code == 404


def test_badges_ten_to_a_page():
    assert [len(page) for page in pages_of(list(range(11)))] == [5, 1]
    assert pages_of(list(range(11)))[1] == [[10, None]]
    assert sum(len(row) for row in pages_of(list(range(10)))[0]) == 10
    assert pages_of([]) == []


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of every WeasyPrint document the views make (still rendered)."""
    calls = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        calls.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return calls


def test_the_badges_pdf_has_one_badge_per_attendee_ten_to_a_page(staff_client, rendered):
    event = EventFactory(title="Ledendag", capacity=None)
    people = [person_of(board_in_state("member"), first_name=f"Naam{i}") for i in range(11)]
    for person in people:
        services.registration_register(event=event, by=person)
    other = EventFactory(title="Andere workshop")
    services.registration_register(event=other, by=people[0])

    response = staff_client.get(f"/events/{event.pk}/badges.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    (html,) = rendered
    assert html.count('class="badge"') == 11
    assert all(person.get_full_name() in html for person in people)
    assert "Andere workshop" not in html
    assert len(weasyprint.HTML(string=html).render().pages) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/events/new/",
        "/events/{pk}/manage/",
        "/events/{pk}/attendees.csv",
        "/events/{pk}/badges.pdf",
    ],
)
def test_only_staff_get_the_staff_pages(member_client, contact, event, url):
    services.registration_register(event=event, by=contact)
    url = url.format(pk=event.pk)

    assert member_client.get(url).status_code == 403
    assert member_client.post(url, form_data()).status_code == 403
    assert Event.objects.count() == 1 and Registration.objects.count() == 1

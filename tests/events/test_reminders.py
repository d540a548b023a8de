"""The reminder the day before: only people with a place at tomorrow's events, once per
start (a moved event is reminded of again), nothing for cancelled events; the daily
command."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from bundel.accounts.models import User
from bundel.audit.models import AuditEntry
from bundel.events import services
from bundel.events.models import Event, Registration
from bundel.membership.models import Membership

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db(transaction=True)  # the e-mails go after commit

TODAY = timezone.localdate()


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def noon(day):
    return at(day, 12)


@pytest.fixture
def tomorrow():
    day = TODAY + timedelta(days=1)
    return EventFactory(
        title="Webinar morgen",
        starts_at=at(day, 15),
        registration_deadline=at(TODAY, 9),
        capacity=1,
        place="",
        link="https://webinar.example/morgen",
    )


@pytest.fixture
def people():
    return [person_of(board_in_state("member"), first_name=f"P{i}") for i in range(3)]


def register(event, people):
    # registered while the deadline was still ahead
    Event.objects.filter(pk=event.pk).update(registration_deadline=event.starts_at)
    event.refresh_from_db()
    return [services.registration_register(event=event, by=p) for p in people]


def test_people_with_a_place_at_tomorrows_events_are_reminded_once(tomorrow, people):
    confirmed, _waitlisted, _third = register(tomorrow, people)
    later = EventFactory(starts_at=at(TODAY + timedelta(days=2), 10))
    register(later, [people[2]])
    mail.outbox.clear()

    assert services.events_remind(now=noon(TODAY)) == 1
    assert services.events_remind(now=noon(TODAY)) == 0

    assert [m.to for m in mail.outbox] == [[people[0].email]]
    message = mail.outbox[0]
    assert message.subject == "Bundel: reminder: Webinar morgen"
    assert "https://webinar.example/morgen" in message.body  # the link: they have a place
    confirmed.refresh_from_db()
    assert confirmed.reminded_for == tomorrow.starts_at
    assert AuditEntry.objects.filter(action="events.registration.reminded").count() == 1


def test_a_moved_event_is_reminded_of_again_and_a_cancelled_one_not(tomorrow, people):
    register(tomorrow, people[:1])
    services.events_remind(now=noon(TODAY))
    moved = tomorrow.starts_at + timedelta(hours=1)
    Event.objects.filter(pk=tomorrow.pk).update(starts_at=moved, ends_at=moved + timedelta(hours=1))
    mail.outbox.clear()

    assert services.events_remind(now=noon(TODAY)) == 1
    Event.objects.filter(pk=tomorrow.pk).update(state="cancelled")
    Registration.objects.update(reminded_for=None)
    assert services.events_remind(now=noon(TODAY)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("now_in", ["ended", "interested", "rejected"])
def test_nobody_is_reminded_whose_board_may_no_longer_come(tomorrow, people, now_in):
    Event.objects.filter(pk=tomorrow.pk).update(capacity=3)
    tomorrow.refresh_from_db()
    gone, stays, _deactivated = register(tomorrow, people)
    Membership.objects.filter(board=people[0].board).update(state=now_in)
    User.objects.filter(pk=people[2].pk).update(is_active=False)
    mail.outbox.clear()

    assert services.events_remind(now=noon(TODAY)) == 1

    assert [m.to for m in mail.outbox] == [[people[1].email]]
    gone.refresh_from_db(), stays.refresh_from_db()
    assert (gone.reminded_for, stays.reminded_for) == (None, tomorrow.starts_at)
    reminded = AuditEntry.objects.filter(action="events.registration.reminded")
    assert list(reminded.values_list("object_id", flat=True)) == [str(stays.pk)]


def test_an_interested_board_is_reminded_of_what_staff_opened_to_it(tomorrow):
    Event.objects.filter(pk=tomorrow.pk).update(audience="members_and_interested")
    tomorrow.refresh_from_db()
    person = person_of(board_in_state("interested"))
    register(tomorrow, [person])
    mail.outbox.clear()

    assert services.events_remind(now=noon(TODAY)) == 1
    Registration.objects.update(reminded_for=None)
    Event.objects.filter(pk=tomorrow.pk).update(audience="members")  # closed again
    assert services.events_remind(now=noon(TODAY)) == 0
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_the_command_reports_and_takes_a_date(tomorrow, people):
    register(tomorrow, people[:1])
    out = StringIO()

    call_command("events_remind", today=(TODAY - timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().strip() == "0 reminder(s) sent."
    call_command("events_remind", stdout=out)
    assert out.getvalue().strip().endswith("1 reminder(s) sent.")
    with pytest.raises(CommandError, match="not a date"):
        call_command("events_remind", today="morgen")

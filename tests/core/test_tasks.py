"""Background tasks: the daily ticks run eagerly in tests and do their work, a second run
changes nothing, beat knows them, and (on PostgreSQL, where CI has Redis) a task makes the
round trip through a real broker to a real worker."""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core import tasks
from bundel.events import services as event_services
from bundel.events.models import Event
from bundel.groups import services as group_services
from bundel.groups.models import Digest
from bundel.membership.constants import State
from bundel.membership.models import Membership
from bundel.subscriptions.models import Subscription

from ..events.factories import EventFactory, board_in_state, person_of
from ..factories import MembershipFactory, UserFactory
from ..subscriptions.builders import admit, line, order, products

TODAY = timezone.localdate()


def run(task, capture):
    """Run a task as `delay` does in tests (eagerly, in the caller), with the e-mails that
    wait for the commit sent; its result."""
    assert settings.CELERY_TASK_ALWAYS_EAGER
    with capture(execute=True):
        return task.delay().get()


def audit_count(prefix: str) -> int:
    return AuditEntry.objects.filter(action__startswith=prefix).count()


@pytest.mark.django_db
def test_the_membership_tick_ends_due_memberships_once(django_capture_on_commit_callbacks):
    due = MembershipFactory(
        state=State.NOTICE_GIVEN,
        applied_on=date(2023, 12, 1),
        admitted_on=date(2024, 1, 2),
        notice_on=date(2024, 2, 1),
        notice_by="member",
        ends_on=TODAY - timedelta(days=1),
    )
    later = MembershipFactory(
        state=State.NOTICE_GIVEN,
        applied_on=date(2023, 12, 1),
        admitted_on=date(2024, 1, 2),
        notice_on=date(2024, 2, 1),
        notice_by="member",
        ends_on=TODAY + timedelta(days=30),
    )

    assert run(tasks.membership_tick, django_capture_on_commit_callbacks) == 1
    due.refresh_from_db()
    assert (due.state, due.ended_on) == (State.ENDED, TODAY - timedelta(days=1))
    audits = audit_count("membership.")
    snapshot = sorted(Membership.objects.values_list("pk", "state", "ended_on"))

    assert run(tasks.membership_tick, django_capture_on_commit_callbacks) == 0
    assert sorted(Membership.objects.values_list("pk", "state", "ended_on")) == snapshot
    assert audit_count("membership.") == audits
    later.refresh_from_db()
    assert later.state == State.NOTICE_GIVEN


@pytest.mark.django_db
def test_the_subscriptions_tick_ends_due_subscriptions_once(
    board, staff, django_capture_on_commit_callbacks
):
    from ..factories import LocationFactory

    products()
    admit(board, staff)
    location = LocationFactory(board=board)
    taken = order(board, staff, line(location, "security", start=TODAY + timedelta(days=30)))
    Subscription.objects.filter(pk=taken["security"].pk).update(
        state="terminating", ends_on=TODAY - timedelta(days=2)
    )

    assert run(tasks.subscriptions_tick, django_capture_on_commit_callbacks) == 1
    subscription = Subscription.objects.get(pk=taken["security"].pk)
    assert (subscription.state, subscription.ended_on) == ("ended", TODAY - timedelta(days=2))
    audits = audit_count("subscriptions.subscription.ended")
    assert audits == 1

    assert run(tasks.subscriptions_tick, django_capture_on_commit_callbacks) == 0
    assert audit_count("subscriptions.subscription.ended") == 1
    assert Subscription.objects.get(pk=subscription.pk).ended_on == subscription.ended_on


@pytest.mark.django_db
def test_the_events_reminder_goes_once(settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "en"
    starts = timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(15)))
    event = EventFactory(title="Webinar morgen", starts_at=starts, registration_deadline=starts)
    people = [person_of(board_in_state("member"), first_name=f"P{i}") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            event_services.registration_register(event=event, by=person)
    mail.outbox.clear()

    assert run(tasks.events_remind, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all(m.subject == "Bundel: reminder: Webinar morgen" for m in mail.outbox)

    assert run(tasks.events_remind, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert Event.objects.get().registrations.filter(reminded_for=starts).count() == 2


@pytest.mark.django_db
def test_the_groups_digest_goes_once(board, staff, settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "en"
    MembershipFactory(board=board, state="member", admitted_on=date(2025, 1, 10))
    reader = UserFactory(board=board, username="reader")
    writer = person_of(board_in_state("member"), username="writer")
    group = group_services.group_create(name="Wifi in het po", kind="topic", by=staff)
    for person in (reader, writer):
        group_services.group_join(group=group, by=person)
        group_services.preference_set(user=person, email="daily", by=person)
    thread = group_services.thread_start(
        group=group, title="Access points", body="Hoeveel hebben jullie?", by=writer
    )
    group_services.post_add(thread=thread, body="Wij hebben er twee per lokaal.", by=writer)
    mail.outbox.clear()

    assert run(tasks.groups_digest, django_capture_on_commit_callbacks) == [1, 2]
    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert "Wij hebben er twee per lokaal." in mail.outbox[0].body

    assert run(tasks.groups_digest, django_capture_on_commit_callbacks) == [0, 0]
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


@pytest.mark.django_db
def test_a_passing_database_failure_is_retried(monkeypatch, settings):
    # As a worker does: a failure is caught and the task run again (eagerly: at once).
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("the database is restarting")
        return 0

    monkeypatch.setattr("bundel.subscriptions.services.subscriptions_end_due", flaky)

    result = tasks.subscriptions_tick.apply()

    assert (result.get(), len(calls)) == (0, 3)
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_a_refused_rule_is_not_retried(monkeypatch):
    from bundel.core.errors import RuleViolation

    calls = []

    def refused(**kwargs):
        calls.append(1)
        raise RuleViolation("no")

    monkeypatch.setattr("bundel.subscriptions.services.subscriptions_end_due", refused)

    with pytest.raises(RuleViolation):
        tasks.subscriptions_tick.apply()
    assert len(calls) == 1


def test_every_task_is_idempotent_by_contract_acks_late_and_retried():
    from bundel.celery import app
    from bundel.proposals.tasks import proposal_batch_task
    from bundel.registry.tasks import duo_import_task

    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if name.startswith("bundel."))
    assert ours == [
        "bundel.core.tasks.events_remind",
        "bundel.core.tasks.groups_digest",
        "bundel.core.tasks.membership_tick",
        "bundel.core.tasks.send_emails",
        "bundel.core.tasks.subscriptions_tick",
        "bundel.proposals.tasks.proposal_batch_task",
        "bundel.registry.tasks.duo_import_task",
    ]
    for task in (app.tasks[name] for name in ours):
        assert task.acks_late is True, task.name
        assert OperationalError in task.autoretry_for, task.name
        assert task.retry_backoff is True and task.max_retries == 5, task.name
    assert proposal_batch_task.name in ours and duo_import_task.name in ours


def test_beat_runs_the_four_daily_ticks_at_night_and_in_the_morning_and_mails_often():
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    mails = schedule.pop("send-emails")
    assert mails["task"] == "bundel.core.tasks.send_emails"
    assert sorted(mails["schedule"].minute) == list(range(0, 60, 5))
    assert mails["schedule"].hour == set(range(24))
    assert {entry["task"] for entry in schedule.values()} == {
        "bundel.core.tasks.membership_tick",
        "bundel.core.tasks.subscriptions_tick",
        "bundel.core.tasks.events_remind",
        "bundel.core.tasks.groups_digest",
    }
    hours = {name: sorted(entry["schedule"].hour) for name, entry in schedule.items()}
    assert hours == {
        "membership-tick": [1],
        "subscriptions-tick": [1],
        "groups-digest": [6],
        "events-remind": [8],
    }
    assert all(entry["schedule"].day_of_week == set(range(7)) for entry in schedule.values())
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"


@pytest.fixture
def real_broker(settings):
    """Tasks go to Redis (a database of its own, so a developer's queue is not touched) and
    their results come back through it; the app's connections are made anew for it."""
    import redis
    from celery.contrib.testing.worker import start_worker

    from bundel.celery import app

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    _forget_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
            yield w
    finally:
        app.pool.force_close_all()
        _forget_connections(app)
        redis.Redis.from_url(url).flushdb()


def _forget_connections(app) -> None:
    """The broker and result connections are made from the settings on first use and then
    kept: forget them, so the next use reads the (changed) settings."""
    app._after_fork()  # the producer pool, as after a fork
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_task_makes_the_round_trip_through_redis_to_a_real_worker(real_broker):
    from celery.result import EagerResult

    due = MembershipFactory(
        state=State.NOTICE_GIVEN,
        applied_on=date(2023, 12, 1),
        admitted_on=date(2024, 1, 2),
        notice_on=date(2024, 2, 1),
        notice_by="member",
        ends_on=TODAY - timedelta(days=1),
    )

    result = tasks.membership_tick.delay()

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == 1  # run by the worker, the answer back through Redis
    assert result.state == "SUCCESS"
    due.refresh_from_db()
    assert (due.state, due.ended_on) == (State.ENDED, TODAY - timedelta(days=1))
    assert tasks.membership_tick.delay().get(timeout=30) == 0  # again: nothing to do
    assert AuditEntry.objects.filter(action="membership.ended").count() == 1

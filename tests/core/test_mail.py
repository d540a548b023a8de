"""The outbox (bundel.core.mail): an e-mail exists exactly when its change was committed, is
sent after commit, is kept and tried again while the mail server refuses, is sent once
however many runs race, and staff can try a failed one again (audited)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core import mail
from bundel.core.models import OutgoingEmail

from ..concurrency import run_at_once
from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def message(subject="Lidmaatschap", to=("lid@school.test",)) -> EmailMessage:
    return EmailMessage(subject, "Beste lid,", "Bundel <noreply@bundel.test>", list(to))


@pytest.fixture
def server_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def test_a_queued_email_is_stored_with_the_change_and_sent_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.queue([message(), message(to=[])]) == 1  # no recipient: nothing queued
        assert mailoutbox == []  # not before commit
        assert OutgoingEmail.objects.get().sent_at is None

    (sent,) = mailoutbox
    assert (sent.subject, sent.to, sent.body) == ("Lidmaatschap", ["lid@school.test"], "Beste lid,")
    assert OutgoingEmail.objects.get().sent_at is not None


def test_a_change_rolled_back_leaves_no_email(mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mail.queue([message()])
        raise RuntimeError("the change is refused")

    assert callbacks == []
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_a_refusing_mail_server_keeps_the_email_for_a_later_try(
    server_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([message()])  # the task runs at commit and meets the refusal

    queued = OutgoingEmail.objects.get()
    assert queued.sent_at is None
    assert queued.attempts == 1
    assert queued.last_error == "ConnectionRefusedError: mail server down"
    assert timedelta(seconds=50) < queued.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    server_down.undo()
    assert mail.send_queued() == mail.Sent(0, 0)  # not due yet
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert mail.send_queued() == mail.Sent(1, 0)
    assert len(mailoutbox) == 1
    assert mail.send_queued() == mail.Sent(0, 0)  # sent once


def test_tries_wait_longer_each_time_and_stop_at_the_limit(settings, server_down):
    assert [mail.retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert mail.retry_delay(20) == timedelta(hours=6)

    settings.MAIL_MAX_ATTEMPTS = 3
    OutgoingEmail.objects.create(
        subject="x", body="y", from_email="a@b.test", to=["c@d.test"],
        next_attempt_at=timezone.now(), attempts=2,
    )  # fmt: skip
    assert mail.send_queued() == mail.Sent(0, 1)
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert mail.send_queued() == mail.Sent(0, 0)  # three tries: given up, kept for staff
    assert OutgoingEmail.objects.get().attempts == 3


def test_a_message_that_cannot_be_sent_does_not_hold_up_the_others(monkeypatch, mailoutbox):
    send = EmailMessage.send

    def picky(self, *args, **kwargs):
        if self.subject == "kapot":
            raise ValueError("header broken")
        return send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", picky)
    with transaction.atomic():
        mail.queue([message("kapot"), message("heel")])

    assert mail.send_queued() == mail.Sent(1, 1)
    assert [m.subject for m in mailoutbox] == ["heel"]
    assert OutgoingEmail.objects.get(subject="kapot").last_error == "ValueError: header broken"


def test_staff_try_failed_emails_again_from_the_admin(
    server_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([message("eerste"), message("tweede")])
    server_down.undo()
    first = OutgoingEmail.objects.get(subject="eerste")
    OutgoingEmail.objects.filter(subject="tweede").update(sent_at=timezone.now())
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/core/outgoingemail/",
            {"action": "send_again", "_selected_action": list(
                OutgoingEmail.objects.values_list("pk", flat=True)
            )},
        )  # fmt: skip

    assert response.status_code == 302
    assert [m.subject for m in mailoutbox] == ["eerste"]  # the sent one is not sent again
    first.refresh_from_db()
    assert first.sent_at is not None and first.attempts == 0
    entry = AuditEntry.objects.get(action="core.email.retried")
    assert (entry.object_id, entry.actor, entry.data) == (str(first.pk), staff, {"attempts": 1})


def test_the_admin_cannot_write_an_email_by_hand(admin_client):
    assert admin_client.get("/admin/core/outgoingemail/add/").status_code == 403


def test_the_admin_tells_sent_waiting_and_given_up_apart(admin_client, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    now = timezone.now()
    for subject, sent_at, attempts in (("weg", now, 0), ("wacht", None, 2), ("op", None, 3)):
        OutgoingEmail.objects.create(
            subject=subject, body="b", from_email="a@b.test", to=["c@d.test"],
            next_attempt_at=now, sent_at=sent_at, attempts=attempts,
        )  # fmt: skip

    def listed(delivery):
        page = admin_client.get("/admin/core/outgoingemail/", {"delivery": delivery})
        return sorted(row.subject for row in page.context["cl"].result_list)

    assert (listed("sent"), listed("waiting"), listed("given_up")) == (["weg"], ["wacht"], ["op"])


def test_the_outbox_refuses_what_it_cannot_keep():
    with pytest.raises(ValueError, match="not with: cc, attachments"):
        mail.queue([EmailMessage("s", "b", "a@b.test", ["c@d.test"], cc=["e@f.test"],
                                 attachments=[("a.txt", "x", "text/plain")])])  # fmt: skip
    assert not OutgoingEmail.objects.exists()


def test_a_run_leaves_a_message_another_run_tried_since_it_was_listed(monkeypatch, mailoutbox):
    """The lock re-reads `due()`: a message another run was refused on after this run
    listed it waits for its next try (its tries never run past the limit)."""
    OutgoingEmail.objects.create(
        subject="x", body="y", from_email="a@b.test", to=["c@d.test"],
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    real_due, calls = mail.due, []

    def due_with_another_run_between(now=None):
        calls.append(now)
        if len(calls) == 2:  # after the listing, before the lock: the other run's refusal
            OutgoingEmail.objects.update(
                attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1)
            )
        return real_due(now)

    monkeypatch.setattr(mail, "due", due_with_another_run_between)

    assert mail.send_queued() == mail.Sent(0, 0)
    assert mailoutbox == []
    assert OutgoingEmail.objects.get().attempts == 1


def test_one_session_with_the_mail_server_for_a_run(monkeypatch, mailoutbox):
    opened = []
    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "open", lambda self: opened.append(self), raising=False)
    with transaction.atomic():
        mail.queue([message(f"bericht {n}") for n in range(3)])
    assert mail.send_queued() == mail.Sent(3, 0)
    assert len({id(connection) for connection in opened}) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_send_each_email_once(mailoutbox):
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            subject=f"bericht {n}", body="b", from_email="a@b.test", to=["c@d.test"],
            next_attempt_at=timezone.now(),
        )
        for n in range(20)
    )  # fmt: skip

    outcomes = run_at_once(*[mail.send_queued] * 4)

    assert sum(outcome.sent for outcome in outcomes) == 20
    assert sorted(m.subject for m in mailoutbox) == sorted(f"bericht {n}" for n in range(20))
    assert not OutgoingEmail.objects.filter(sent_at=None).exists()


def test_the_command_sends_what_is_due_and_says_what_waits(server_down, mailoutbox):
    with transaction.atomic():
        mail.queue([message()])
    out = StringIO()
    call_command("send_emails", stdout=out)
    assert out.getvalue() == "0 e-mail(s) sent, 1 refused; 1 not sent yet.\n"

    server_down.undo()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("send_emails", stdout=out)
    assert out.getvalue() == "1 e-mail(s) sent, 0 refused; 0 not sent yet.\n"
    assert len(mailoutbox) == 1


def test_the_next_email_takes_along_what_is_due_from_before(
    server_down, mailoutbox, django_capture_on_commit_callbacks
):
    """Without beat (make run), a refused message still goes with the next run."""
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([message("eerste")])
    server_down.undo()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([message("tweede")])

    assert sorted(m.subject for m in mailoutbox) == ["eerste", "tweede"]
    assert not OutgoingEmail.objects.filter(sent_at=None).exists()


def test_without_a_broker_a_command_waits_for_its_emails_at_exit(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """make run sends in a thread of the process; setup_demo and the ticks are commands
    that exit at once: the thread is not a daemon, so their e-mails still go."""
    settings.TASKS_EAGER_IN_THREAD = True
    started = []
    monkeypatch.setattr(
        "bundel.core.tasks.threading.Thread.start", lambda thread: started.append(thread)
    )

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([message()])

    assert [(t.name, t.daemon) for t in started] == [("bundel.core.tasks.send_emails()", False)]

"""E-mail through an outbox: the site never sends from the request that made the change.

`queue(messages)` stores each message (`OutgoingEmail`) in the caller's transaction, so an
e-mail exists exactly when its change was committed, and starts the `send_emails` task at
commit. `send_queued()` sends everything that is due (not only the messages that started
it), each message under a row lock (two runs never send the same one), and marks it sent;
a message the mail server refuses is tried again later, after 1, 2, 4 ... minutes (at most
6 hours between tries, MAIL_MAX_ATTEMPTS tries), by the next run: the one the next e-mail
starts, or beat's sweep every five minutes (which also sends what was queued while the
broker was away). Delivery is at least once: a worker that dies between
the mail server's yes and the mark sends that one message again.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=6)


def queue(messages: Iterable[EmailMessage]) -> int:
    """Store `messages` to be sent once the current transaction commits; how many. The
    outbox keeps plain-text messages to `to` addresses; anything more is refused rather
    than dropped."""
    messages = list(messages)
    for message in messages:
        extra = [
            name
            for name in ("cc", "bcc", "reply_to", "extra_headers", "attachments", "alternatives")
            if getattr(message, name, None)
        ]
        if extra:
            raise ValueError(f"The outbox sends plain messages only, not with: {', '.join(extra)}")
    now = timezone.now()
    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            to=list(message.to),
            next_attempt_at=now,
        )
        for message in messages
        if message.to
    )
    if rows:
        from .tasks import run_in_background, send_emails

        run_in_background(send_emails, finish_at_exit=True)
    return len(rows)


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: int


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th refusal."""
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_DELAY)


def waiting(messages=None):
    """The unsent ones of `messages` (all) that have tries left."""
    messages = OutgoingEmail.objects.all() if messages is None else messages
    return messages.filter(sent_at__isnull=True, attempts__lt=settings.MAIL_MAX_ATTEMPTS)


def given_up(messages=None):
    """The unsent ones of `messages` (all) that used up their tries (staff may send them
    again: `send_again`)."""
    messages = OutgoingEmail.objects.all() if messages is None else messages
    return messages.filter(sent_at__isnull=True, attempts__gte=settings.MAIL_MAX_ATTEMPTS)


def due(now=None):
    """The messages waiting whose next try has come."""
    return waiting().filter(next_attempt_at__lte=now or timezone.now())


def send_queued() -> Sent:
    """Send the messages that are due, over one session with the mail server. A refusal is
    written on the message for a later try, never raised: the changes the messages tell of
    are stored already. Database errors are raised (the task is retried). Each message is
    sent and marked in a transaction of its own (durable: never inside the caller's, whose
    rollback would unmark a message the mail server already took)."""
    sent = failed = 0
    connection = get_connection()
    try:
        for pk in due().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic(durable=True):
                # Still due (another run may have sent it, or tried it since the list was
                # read), and not being sent by another run right now.
                message = due().select_for_update(skip_locked=True).filter(pk=pk).first()
                if message is None:
                    continue
                try:
                    connection.open()  # the run's session: opened once, again after an error
                    EmailMessage(
                        message.subject,
                        message.body,
                        message.from_email,
                        message.to,
                        connection=connection,
                    ).send()
                except Exception as error:
                    # Any error: the mail server's refusal (OSError), or a message that
                    # cannot be sent at all; either way the others are still tried.
                    connection.close()
                    _refused(message, error)
                    failed += 1
                    continue
                message.sent_at = timezone.now()
                message.save(update_fields=["sent_at"])
                sent += 1
    finally:
        connection.close()
    return Sent(sent, failed)


def _refused(message: OutgoingEmail, error: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    if message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        logger.error(
            "E-mail %s given up after %s tries (the admin can send it again): %s",
            message.pk,
            message.attempts,
            error,
        )
    else:
        logger.warning("E-mail %s not sent (try %s): %s", message.pk, message.attempts, error)


@transaction.atomic
def send_again(messages, *, by) -> int:
    """Staff: try the unsent ones of `messages` again now, their tries counted from zero;
    how many. Each is written to the audit trail."""
    from bundel.audit.services import Change, audit_log_many

    unsent = list(messages.filter(sent_at__isnull=True).select_for_update())
    ids = [message.pk for message in unsent]
    OutgoingEmail.objects.filter(pk__in=ids).update(
        attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    audit_log_many(
        (
            Change("core.email.retried", message, data={"attempts": message.attempts})
            for message in unsent
        ),
        actor=by,
    )
    if ids:
        from .tasks import run_in_background, send_emails

        run_in_background(send_emails, finish_at_exit=True)
    return len(ids)

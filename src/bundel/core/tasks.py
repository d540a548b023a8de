"""Background tasks: the common retry policy, how a page starts one, and the daily ticks.

Every task is idempotent (running it twice changes nothing the second time), so a task
that is delivered again (`acks_late`: a worker that dies mid-task leaves it on the queue)
or retried after a passing failure (the database or the mail server away) is harmless.
The daily ticks call the same services as their management commands; beat runs them
(CELERY_BEAT_SCHEDULE).
"""

import logging
import threading

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction

logger = logging.getLogger(__name__)

# Retried with exponential backoff (1 s, 2 s, 4 s ... at most 10 minutes, 5 times): a
# database that is restarting, a lost connection, a mail server that does not answer
# (smtplib's errors are OSErrors). A task whose rule refuses is not retried.
RETRIED = {
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


def run_in_background(task, *args, finish_at_exit: bool = False) -> None:
    """Start `task(*args)` once the current transaction commits (so the worker sees what
    the caller wrote). With a broker it goes to the queue. Without one (eager, `make run`)
    it runs in a thread of this process when TASKS_EAGER_IN_THREAD, so a request returns at
    once and its page can show the progress; otherwise (tests) in the caller.
    `finish_at_exit`: the process waits for that thread before it exits (a short task a
    command may start, e.g. e-mail from setup_demo); long ones (an import, the proposals
    batch) are cut off by a restart and left to be started again."""

    def start() -> None:
        if task.app.conf.task_always_eager and settings.TASKS_EAGER_IN_THREAD:
            thread = threading.Thread(
                target=_apply_in_thread,
                args=(task, args),
                name=f"{task.name}{args}",
                daemon=not finish_at_exit,
            )
            thread.start()
        else:
            task.delay(*args)

    transaction.on_commit(start)


def _apply_in_thread(task, args) -> None:
    try:
        task.apply(args=args)
    except Exception:
        logger.exception("Background task %s%s failed", task.name, args)
    finally:
        connections.close_all()


@shared_task(**RETRIED)
def membership_tick() -> int:
    """End the memberships whose notice period has passed; how many."""
    from bundel.membership.services import memberships_end_due

    ended = len(memberships_end_due())
    logger.info("membership_tick: %s membership(s) ended", ended)
    return ended


@shared_task(**RETRIED)
def subscriptions_tick() -> int:
    """End the subscriptions whose end date has passed; how many."""
    from bundel.subscriptions.services import subscriptions_end_due

    ended = subscriptions_end_due()
    logger.info("subscriptions_tick: %s subscription(s) ended", ended)
    return ended


@shared_task(**RETRIED)
def send_emails() -> list[int]:
    """Send the queued e-mails that are due; [sent, refused]. Started at the commit of
    every change that queues one, and by beat every five minutes. A refusal is kept on the
    message for a later try (bundel.core.mail)."""
    from bundel.core.mail import send_queued

    result = send_queued()
    if result.sent or result.failed:
        logger.info("send_emails: %s sent, %s refused", result.sent, result.failed)
    return [result.sent, result.failed]


@shared_task(**RETRIED)
def events_remind() -> int:
    """E-mail the reminders of tomorrow's events (each person once); how many."""
    from bundel.events.services import events_remind as remind

    sent = remind()
    logger.info("events_remind: %s reminder(s) sent", sent)
    return sent


@shared_task(**RETRIED)
def groups_digest() -> list[int]:
    """Send the daily digests of the member groups; [e-mails, posts]."""
    from bundel.groups.services import digests_send

    people, posts = digests_send()
    logger.info("groups_digest: %s e-mail(s), %s post(s)", people, posts)
    return [people, posts]

"""Scheduled (daily): e-mail everyone with a place at tomorrow's events. Idempotent."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bundel.events.services import events_remind


class Command(BaseCommand):
    help = (
        "Send the reminder e-mail to everyone with a place at an event that starts tomorrow "
        "(EVENTS_REMINDER_DAYS_BEFORE); each person is reminded once (safe to run repeatedly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as if it were this date (YYYY-MM-DD)")

    def handle(self, *args, today=None, **options):
        now = None
        if today:
            try:
                day = datetime.strptime(today, "%Y-%m-%d").date()
            except ValueError:
                raise CommandError(f"--today: not a date (YYYY-MM-DD): {today!r}") from None
            now = timezone.make_aware(datetime.combine(day, time(12)))
        sent = events_remind(now=now)
        self.stdout.write(f"{sent} reminder(s) sent.")

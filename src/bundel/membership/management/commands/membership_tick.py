"""Scheduled (daily): end the memberships whose notice period has passed. Idempotent."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bundel.membership.services import memberships_end_due


class Command(BaseCommand):
    help = "End every membership whose notice end date has passed (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as if it were this date (YYYY-MM-DD)")

    def handle(self, *args, today=None, **options):
        try:
            on = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today: not a date (YYYY-MM-DD): {today!r}") from None
        try:
            ended = memberships_end_due(today=on)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for membership in ended:
            self.stdout.write(f"ended: {membership.board.duo_number} on {membership.ended_on}")
        self.stdout.write(f"{len(ended)} membership(s) ended.")

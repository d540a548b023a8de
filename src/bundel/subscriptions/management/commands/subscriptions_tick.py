"""Scheduled (daily): end the subscriptions whose end date has passed. Idempotent."""

from django.core.management.base import BaseCommand

from bundel.subscriptions.services import subscriptions_end_due


class Command(BaseCommand):
    help = "End every subscription whose end date has passed (safe to run repeatedly)."

    def handle(self, *args, **options):
        ended = subscriptions_end_due()
        self.stdout.write(f"{ended} subscription(s) ended.")

"""Send the queued e-mails that are due (beat runs it every five minutes). Idempotent."""

from django.core.management.base import BaseCommand

from bundel.core.mail import send_queued
from bundel.core.models import OutgoingEmail


class Command(BaseCommand):
    help = "Send the queued e-mails that are due; refusals are kept for a later try."

    def handle(self, *args, **options):
        result = send_queued()
        waiting = OutgoingEmail.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(
            f"{result.sent} e-mail(s) sent, {result.failed} refused; {waiting} not sent yet."
        )

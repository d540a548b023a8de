"""Run daily (cron, a scheduler): each person who chose the daily digest gets one e-mail
with the posts in their groups since their last digest. Idempotent: what was sent is
recorded (a Digest per e-mail), so a second run sends nothing twice."""

from django.core.management.base import BaseCommand

from bundel.groups.services import digests_send


class Command(BaseCommand):
    help = "Send the daily digest of new posts in the member groups."

    def handle(self, *args, **options) -> None:
        people, posts = digests_send()
        self.stdout.write(f"Digests sent: {people} e-mail(s), {posts} post(s).")

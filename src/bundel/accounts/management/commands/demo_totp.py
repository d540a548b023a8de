"""`manage.py demo_totp staf`: the current code of a demo login's authenticator app
(DEBUG only), for trying the demo without an app on a phone."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from bundel.accounts.models import User
from bundel.accounts.selectors import confirmed_totp_device


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp prints login codes: DEBUG only.")
        user = User.objects.filter(username=username).first()
        device = confirmed_totp_device(user) if user else None
        if device is None:
            raise CommandError(f"{username} has no authenticator app set up.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {left} more seconds; each code works once)")

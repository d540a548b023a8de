"""Demo second factors: `setup_demo` (DEBUG only) gives the staff and supplier demo
logins an authenticator app with a known secret (settings.DEMO_TOTP_SECRET), so a tester
can add it to their own app, or read the current code with `manage.py demo_totp staf`."""

from base64 import b32decode, b32encode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import services
from .models import User
from .selectors import confirmed_totp_device

DEMO_TOTP_USERNAMES = ("staf", "leverancier")


def demo_secret_key() -> str:
    """DEMO_TOTP_SECRET (base32, as apps take it) as the hex key django-otp stores."""
    secret = "".join(settings.DEMO_TOTP_SECRET.split()).upper()
    return b32decode(secret + "=" * (-len(secret) % 8)).hex()


def seed_totp_devices() -> dict[str, str]:
    """{username: base32 secret} for the demo logins that need a second factor; makes
    their device once (idempotent) and reports the secret of the one they have."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo authenticator apps have a known secret: DEBUG only.")
    secrets = {}
    for user in User.objects.filter(username__in=DEMO_TOTP_USERNAMES).order_by("username"):
        device = confirmed_totp_device(user) or services.totp_device_install(
            user=user, key=demo_secret_key()
        )
        secrets[user.username] = b32encode(device.bin_key).decode()
    return secrets

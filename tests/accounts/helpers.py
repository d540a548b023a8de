"""Second factors for tests: an authenticator app's current code, computed from the
device's key as the app would (django_otp.oath), and a logged-in, verified client."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current one, or, when that was used already (a
    code works once), the next one (within the device's tolerance of one step)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now.time = time.time()
    step = max(now.t(), device.last_t + 1)
    assert step <= now.t() + device.tolerance, "the device accepts no further code now"
    at = TOTP(device.bin_key, device.step, device.t0, device.digits)
    at.time = device.t0 + step * device.step
    return f"{at.token():0{device.digits}d}"


def give_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def verified_client(client, user, device: TOTPDevice | None = None):
    """`client` logged in as `user` with the second factor entered through the page."""
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or give_device(user)
    client.force_login(user)
    response = client.post("/accounts/two-factor/verify/", {"otp_token": code(device)})
    assert response.status_code == 302, response.content[:500]
    return client

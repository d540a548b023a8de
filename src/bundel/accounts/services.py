"""Creating accounts, their second factor (TOTP) and API tokens. Roles decide what a user
may do; see docs/architecture.md and docs/logins.md."""

from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict

from .constants import Role
from .models import User
from .selectors import confirmed_totp_device, pending_totp_device, two_factor_required

DEVICE_NAME = "Authenticator"


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    by=None,
    board=None,
    organisation: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User(
        username=username,
        email=email,
        role=role,
        board=board,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.STAFF,
    )
    # Django's AUTH_PASSWORD_VALIDATORS, with the account's own names to compare against.
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_log(
        action="accounts.user.created",
        obj=user,
        actor=by,
        data={"role": role, "board": board.duo_number if board else None},
    )
    return user


# --- the second factor: a TOTP device (an authenticator app) -------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """The device to set up: the one being set up (so reloading the page keeps the QR
    code already scanned), or a new one with a random secret."""
    if confirmed_totp_device(user) is not None:
        raise StateConflict(
            _("%(user)s already has an authenticator app set up.") % {"user": user},
            code="totp_exists",
        )
    device = pending_totp_device(user)
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def totp_wait_until(device: TOTPDevice) -> datetime | None:
    """After wrong codes a device waits 1, 2, 4, ... seconds before it checks another."""
    allowed, data = device.verify_is_allowed()
    return None if allowed else (data or {}).get("locked_until")


def totp_check(*, device: TOTPDevice, token: str) -> bool:
    """Is `token` the device's current code? A code is accepted once (django-otp keeps the
    last time step used); a wrong code is counted for the device's back-off. Both are
    stored whatever the caller does next, so callers check outside their own
    transaction."""
    token = "".join(str(token or "").split())
    if not token.isdigit():
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(token)
    device.refresh_from_db()
    return verified


def _check_or_refuse(device: TOTPDevice, token: str) -> None:
    """Refuse a wrong code, or any code while the device waits after wrong ones."""
    wait = totp_wait_until(device)
    if wait is not None:
        seconds = max(1, round((wait - timezone.now()).total_seconds()))
        raise RuleViolation(
            _("Too many wrong codes: wait %(seconds)s seconds, then enter the current code.")
            % {"seconds": seconds},
            code="totp_throttled",
            params={"seconds": seconds},
        )
    if not totp_check(device=device, token=token):
        raise RuleViolation(
            _("That code is not right. Enter the 6 digits your authenticator app shows now."),
            code="totp_wrong",
        )


def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    """The user proves the app holds the secret by entering its current code; from then on
    every login asks for a code. (Not one transaction: a wrong code must stay counted.)"""
    if device.confirmed:
        raise StateConflict(_("This authenticator app is already set up."), code="totp_exists")
    _check_or_refuse(device, token)
    with transaction.atomic():
        device.confirmed = True
        device.full_clean()
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit_log(action="accounts.user.two_factor_set_up", obj=device.user, actor=device.user)
    return device


def totp_verify(*, user: User, token: str) -> TOTPDevice:
    """The code at login: the device that accepted it, or a refusal that says why."""
    device = confirmed_totp_device(user)
    if device is None:
        raise StateConflict(_("No authenticator app is set up."), code="totp_missing")
    _check_or_refuse(device, token)
    return device


def totp_device_remove(*, user: User, token: str) -> None:
    """A board contact or council member who chose a second factor turns it off, with a
    current code; roles that require it cannot."""
    if two_factor_required(user):
        raise RuleViolation(
            _("Your role requires an authenticator app; it cannot be turned off."),
            code="totp_required",
        )
    device = totp_verify(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_log(
            action="accounts.user.two_factor_turned_off",
            obj=user,
            actor=user,
            data={"device": device.pk},
        )


@transaction.atomic
def totp_device_reset(*, user: User, by: User) -> int:
    """Staff remove another user's authenticator app (lost phone): the user sets up a new
    one at the next login. The user's API token goes too, as it was issued under the old
    device. Returns the number of devices removed."""
    if by is None or not by.is_cooperative_staff:
        raise RuleViolation(
            _("Only the cooperative's staff may reset someone's authenticator app."),
            code="staff_only",
        )
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    token_revoked = Token.objects.filter(user=user).delete()[0] > 0
    audit_log(
        action="accounts.user.two_factor_reset",
        obj=user,
        actor=by,
        data={"devices": removed, "api_token_revoked": token_revoked},
    )
    return removed


@transaction.atomic
def totp_device_install(*, user: User, key: str) -> TOTPDevice:
    """A confirmed device with a known secret (hex), for the demo accounts only."""
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    device.full_clean()
    device.save()
    audit_log(action="accounts.user.two_factor_installed", obj=user, data={"demo": True})
    return device


# --- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User) -> Token:
    """A new API token for `user` (any earlier one stops working). Callers make sure the
    user has given the second factor first (a verified session, or a code)."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit_log(
        action="accounts.user.api_token_created", obj=user, actor=user, data={"replaced": replaced}
    )
    return token


@transaction.atomic
def api_token_revoke(*, user: User, by: User) -> bool:
    if by.pk != user.pk and not by.is_cooperative_staff:
        raise RuleViolation(
            _("Only the cooperative's staff may revoke someone else's API token."),
            code="staff_only",
        )
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked:
        audit_log(action="accounts.user.api_token_revoked", obj=user, actor=by)
    return revoked

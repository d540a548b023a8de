"""Creating accounts, their second factor (TOTP, with backup codes) and API tokens. Roles
decide what a user may do; see docs/architecture.md and docs/logins.md."""

import secrets
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict

from .constants import Role
from .models import User
from .selectors import (
    backup_codes_device,
    backup_codes_left,
    confirmed_totp_device,
    pending_totp_device,
    two_factor_required,
)

DEVICE_NAME = "Authenticator"
BACKUP_CODES_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
# Lower case letters and digits without the look-alikes 0/o, 1/l/i: 31 signs, 8 per code
# (about 40 bits), shown as xxxx-xxxx.
BACKUP_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
BACKUP_CODE_LENGTH = 8


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


def totp_wait_until(device: Device) -> datetime | None:
    """After wrong codes a device (the app, or the backup codes) waits 1, 2, 4, ... seconds
    before it checks another."""
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


def _refuse_while_waiting(*devices: Device | None) -> None:
    """Any code is refused while one of the user's devices waits after wrong codes: the app
    and the backup codes share one back-off, so neither is a way around the other's."""
    waits = [totp_wait_until(device) for device in devices if device is not None]
    waits = [wait for wait in waits if wait is not None]
    if waits:
        seconds = max(1, round((max(waits) - timezone.now()).total_seconds()))
        raise RuleViolation(
            _("Too many wrong codes: wait %(seconds)s seconds, then enter the current code.")
            % {"seconds": seconds},
            code="totp_throttled",
            params={"seconds": seconds},
        )


def _wrong_code() -> RuleViolation:
    return RuleViolation(
        _("That code is not right. Enter the 6 digits your authenticator app shows now."),
        code="totp_wrong",
    )


def _check_or_refuse(device: TOTPDevice, token: str) -> None:
    """Refuse a wrong code, or any code while the device waits after wrong ones."""
    _refuse_while_waiting(device)
    if not totp_check(device=device, token=token):
        raise _wrong_code()


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


def second_factor_verify(*, user: User, token: str) -> Device:
    """The code at login (and for an API token, or turning two-factor off): a current code
    of the authenticator app, or one of the user's unused backup codes, which is used up.
    Returns the device that accepted it, or refuses with the same message for any wrong
    code. A wrong code counts for the back-off of the device it was checked against; while
    either device waits, every code is refused."""
    device = confirmed_totp_device(user)
    if device is None:
        raise StateConflict(_("No authenticator app is set up."), code="totp_missing")
    backup = backup_codes_device(user)
    _refuse_while_waiting(device, backup)
    backup_code = backup_code_normalised(token)
    if backup_code is None or backup is None:
        if not totp_check(device=device, token=token):
            raise _wrong_code()
        return device
    if not backup_code_check(device=backup, code=backup_code):
        raise _wrong_code()
    with transaction.atomic():
        audit_log(
            action="accounts.user.backup_code_used",
            obj=user,
            actor=user,
            data={"left": backup_codes_left(user)},
        )
    return backup


def totp_device_remove(*, user: User, token: str) -> None:
    """A board contact or council member who chose a second factor turns it off, with a
    current code (of the app, or a backup code); the backup codes go too. Roles that
    require it cannot."""
    if two_factor_required(user):
        raise RuleViolation(
            _("Your role requires an authenticator app; it cannot be turned off."),
            code="totp_required",
        )
    device = second_factor_verify(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        backup_codes = _backup_codes_delete(user)
        audit_log(
            action="accounts.user.two_factor_turned_off",
            obj=user,
            actor=user,
            data={"device": device.pk, "backup_codes_removed": backup_codes},
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
    backup_codes = _backup_codes_delete(user)
    token_revoked = Token.objects.filter(user=user).delete()[0] > 0
    audit_log(
        action="accounts.user.two_factor_reset",
        obj=user,
        actor=by,
        data={
            "devices": removed,
            "backup_codes_removed": backup_codes,
            "api_token_revoked": token_revoked,
        },
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


# --- backup codes: django-otp's static device, one code per StaticToken --------------------


def _backup_code_new() -> str:
    chars = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    half = BACKUP_CODE_LENGTH // 2
    return f"{chars[:half]}-{chars[half:]}"


def backup_code_normalised(token: str) -> str | None:
    """A backup code as stored (`xxxx-xxxx`, lower case), however it was typed (upper
    case, without the dash, with spaces); None when `token` cannot be one (e.g. the 6
    digits of the app)."""
    chars = "".join(ch for ch in str(token or "").lower() if ch != "-" and not ch.isspace())
    if len(chars) != BACKUP_CODE_LENGTH or any(ch not in BACKUP_CODE_ALPHABET for ch in chars):
        return None
    half = BACKUP_CODE_LENGTH // 2
    return f"{chars[:half]}-{chars[half:]}"


def backup_code_check(*, device: StaticDevice, code: str) -> bool:
    """Is `code` one of the device's unused codes? django-otp deletes a code that matches
    (so it works once) and counts a wrong one for the device's back-off; both are stored
    whatever the caller does next, as with `totp_check`. The device's row is locked, so two
    requests with the same code cannot both be let in."""
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(code)
    device.refresh_from_db()
    return verified


def _backup_codes_delete(user: User) -> int:
    """Remove the user's backup codes; the number of unused codes removed."""
    left = backup_codes_left(user)
    StaticDevice.objects.filter(user=user).delete()
    return left


@transaction.atomic
def backup_codes_generate(*, user: User) -> list[str]:
    """BACKUP_CODE_COUNT new backup codes for `user`, who has an authenticator app; any
    earlier codes stop working. The codes are returned to be shown once and stored as
    django-otp stores them (StaticToken); the audit entry holds only their number. The
    device itself stays, so a session verified with a backup code stays verified."""
    if confirmed_totp_device(user) is None:
        raise StateConflict(
            _("Backup codes come with an authenticator app: set one up first."),
            code="totp_missing",
        )
    device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice(user=user, name=BACKUP_CODES_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    replaced = device.token_set.all().delete()[0]
    codes: set[str] = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(_backup_code_new())
    tokens = [StaticToken(device=device, token=code) for code in sorted(codes)]
    for token in tokens:
        token.full_clean(exclude=["device"])
    StaticToken.objects.bulk_create(tokens)
    audit_log(
        action="accounts.user.backup_codes_generated",
        obj=user,
        actor=user,
        data={"codes": len(tokens), "replaced": replaced},
    )
    return [token.token for token in tokens]


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

"""Who sees which accounts, and who must give a second factor (TOTP, or a backup code)
before anything else."""

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .models import User

# Set in the session at login: this session must be verified by a second factor (the user
# had a confirmed device then). Roles that require one are checked live instead.
SECOND_FACTOR_SESSION_KEY = "bundel_second_factor"


def users_visible_to(user) -> QuerySet[User]:
    """Staff see every account; anyone else only their own."""
    if user is None or not user.is_authenticated:
        return User.objects.none()
    if user.is_cooperative_staff:
        return User.objects.select_related("board")
    return User.objects.filter(pk=user.pk)


def two_factor_required(user) -> bool:
    """Staff and suppliers (settings.TWO_FACTOR_REQUIRED_ROLES) must use a TOTP device;
    anyone who may enter the admin counts as staff."""
    if user is None or not user.is_authenticated:
        return False
    roles = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if user.role in roles:
        return True
    return Role.STAFF in roles and (user.is_staff or user.is_superuser)


def confirmed_totp_device(user) -> TOTPDevice | None:
    if user is None or not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The device being set up: made, its code not yet confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def backup_codes_device(user) -> StaticDevice | None:
    """The container of the user's backup codes (django-otp's static device), if any."""
    if user is None or not user.is_authenticated:
        return None
    return StaticDevice.objects.filter(user=user).order_by("pk").first()


def backup_codes_left(user) -> int:
    """How many of the user's backup codes are still unused (a used one is deleted)."""
    if user is None or not user.is_authenticated:
        return 0
    return StaticToken.objects.filter(device__user=user).count()


def uses_two_factor(user) -> bool:
    """Must this user give a code at login: required by the role, or chosen (a device)."""
    return two_factor_required(user) or confirmed_totp_device(user) is not None


def session_is_verified(request) -> bool:
    """A code of one of the user's confirmed devices was entered in this session
    (django_otp's OTPMiddleware installs `user.is_verified`)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_missing(request) -> bool:
    """The user is logged in by password but still owes the code of a TOTP device (or
    must first set one up). The middleware, the admin and the API all ask this."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not (two_factor_required(user) or request.session.get(SECOND_FACTOR_SESSION_KEY)):
        return False
    return not session_is_verified(request)

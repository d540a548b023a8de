from django.conf import settings
from django.core.checks import Tags, Warning, register

from .constants import Role


@register(Tags.security, deploy=True)
def check_login_protection(app_configs, **kwargs):
    warnings = []
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    missing = sorted({Role.STAFF.value, Role.SUPPLIER.value} - required)
    if missing:
        warnings.append(
            Warning(
                f"TWO_FACTOR_REQUIRED_ROLES leaves out {', '.join(missing)}: those accounts "
                "log in with a password alone.",
                id="bundel.accounts.W001",
            )
        )
    if not getattr(settings, "AXES_ENABLED", False):
        warnings.append(
            Warning(
                "AXES_ENABLED is off: failed logins are not throttled.",
                id="bundel.accounts.W002",
            )
        )
    return warnings

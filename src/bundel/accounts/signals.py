from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import SECOND_FACTOR_SESSION_KEY, uses_two_factor


@receiver(user_logged_in, dispatch_uid="bundel.accounts.second_factor_at_login")
def second_factor_at_login(sender, request, user, **kwargs) -> None:
    """Remember in the session whether it must be verified by a second factor, so a page
    costs no extra query to know it."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SECOND_FACTOR_SESSION_KEY] = uses_two_factor(user)

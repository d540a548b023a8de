"""API authentication.

Session: the website's login, accepted only once the second factor was entered (staff,
suppliers, and anyone who chose an authenticator app).

Token: a token is created only after the second factor: on the Two-factor page in a
verified session, or by `POST /api/v1/auth/token/` with the password AND a current code or
an unused backup code (`otp_token`) for users who use two-factor authentication. The user
or staff revoke it; staff resetting someone's authenticator app revokes their token too.
See docs/logins.md.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from .selectors import second_factor_missing


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_missing(request._request):
            raise exceptions.AuthenticationFailed(
                _(
                    "This account uses two-factor authentication: enter the code of your "
                    "authenticator app on the website first."
                )
            )
        return result


class VerifiedSessionScheme(SessionScheme):
    """The schema names it as the session cookie it is (the second factor is given on the
    website, not in the request)."""

    target_class = "bundel.accounts.api_auth.VerifiedSessionAuthentication"

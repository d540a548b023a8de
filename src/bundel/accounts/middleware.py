"""Until a user who owes a second factor has entered it, they reach only the pages that
let them do so (set up an authenticator app, enter its code), log out, or switch the
language. Install after django_otp's OTPMiddleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from .selectors import (
    SECOND_FACTOR_SESSION_KEY,
    confirmed_totp_device,
    second_factor_missing,
    two_factor_required,
)

OPEN_VIEWS = {
    "login",
    "logout",
    "set_language",
    "two_factor_setup",
    "two_factor_verify",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _open(request) -> bool:
    path = request.path_info
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and path.startswith("/" + prefix.lstrip("/")):
            return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 whoever asks
    # The API answers for itself: a session without its second factor is refused there
    # with a message (bundel.accounts.api_auth.VerifiedSessionAuthentication).
    return match.view_name in OPEN_VIEWS or match.namespace == "api"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_missing(request) and not _open(request):
            return self._redirect(request)
        return self.get_response(request)

    def _redirect(self, request):
        user = request.user
        if confirmed_totp_device(user) is not None:
            name = "two_factor_verify"
        elif two_factor_required(user):
            name = "two_factor_setup"
        else:
            # The device the session was to be verified with is gone (staff reset it).
            request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            # A fragment a page loads (e.g. the groups link in the menu of the code page
            # itself): nothing to show, and no redirect that would reload that page.
            return HttpResponse(status=204)
        return HttpResponseRedirect(
            f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        )

"""The second factor: set up an authenticator app, enter its code (or a backup code) at
login, new backup codes, turn it off (where the role allows), API tokens; staff reset
someone's app."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.authtoken.models import Token

from bundel.audit.selectors import audit_entries_for
from bundel.membership.views import staff_required

from . import services
from .forms import SecondFactorForm, TokenForm
from .selectors import (
    SECOND_FACTOR_SESSION_KEY,
    backup_codes_left,
    confirmed_totp_device,
    session_is_verified,
    two_factor_required,
    users_visible_to,
)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else would be taken by redirect() for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verified(request, device) -> None:
    django_otp.login(request, device)
    request.session[SECOND_FACTOR_SESSION_KEY] = True
    # A new session key once the second factor is in: a key seen before it is worthless.
    request.session.cycle_key()


def secret_of(device) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str) -> str:
    """The QR code as inline SVG, made here (no image library, no outside service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    label = _("QR code to scan with your authenticator app")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr" ', 1)


def _add_errors(form, error: ValidationError) -> None:
    form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if confirmed_totp_device(user) is not None:
        return redirect("two_factor" if session_is_verified(request) else "two_factor_verify")
    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _verified(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            # Shown in this answer only: reloading it finds the app set up and moves on.
            codes = services.backup_codes_generate(user=user)
            return _backup_codes_page(request, codes=codes, after_setup=True)
    context = {
        "form": form,
        "qr": mark_safe(qr_svg(device.config_url)),
        "secret": secret_of(device),
        "required": two_factor_required(user),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    if confirmed_totp_device(user) is None:
        if two_factor_required(user):
            return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
        request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
        return redirect(_next(request))
    if session_is_verified(request):
        return redirect(_next(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                _backup_code_used_message(request, backup_codes_left(user))
            return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """The user's own second factor and API token."""
    user = request.user
    device = confirmed_totp_device(user)
    remove_form = SecondFactorForm(request.POST if request.POST.get("action") == "remove" else None)
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "remove" and remove_form.is_valid():
            try:
                services.totp_device_remove(user=user, token=remove_form.cleaned_data["otp_token"])
            except ValidationError as error:
                _add_errors(remove_form, error)
            else:
                request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("two_factor")
        elif action == "token":
            new_token = services.api_token_create(user=user).key
        elif action == "revoke":
            services.api_token_revoke(user=user, by=user)
            messages.success(request, _("Your API token no longer works."))
            return redirect("two_factor")
        elif action != "remove":
            return HttpResponseBadRequest(_("Unknown action."))
    context = {
        "device": device,
        "required": two_factor_required(user),
        "remove_form": remove_form,
        "has_token": Token.objects.filter(user=user).exists(),
        "new_token": new_token,
        "backup_codes_left": backup_codes_left(user),
    }
    return render(request, "accounts/two_factor.html", context)


def _backup_code_used_message(request, left: int) -> None:
    text = ngettext(
        "You logged in with a backup code; it no longer works. %(count)d backup code is left.",
        "You logged in with a backup code; it no longer works. %(count)d backup codes are left.",
        left,
    ) % {"count": left}
    if left <= services.BACKUP_CODE_COUNT // 2:
        text += " " + _("Make new ones on the Two-factor page.")
    messages.info(request, text)


def _backup_codes_page(request, *, codes: list[str] | None = None, after_setup: bool = False):
    context = {
        "codes": codes,
        "after_setup": after_setup,
        "left": backup_codes_left(request.user),
        "code_count": services.BACKUP_CODE_COUNT,
        "next": _next(request),
    }
    response = render(request, "accounts/two_factor_backup_codes.html", context)
    if codes:
        add_never_cache_headers(response)  # no copy in a cache or the browser's history
    return response


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """How many backup codes are left, and new ones (shown once; the old ones stop
    working). Only in a session verified with the second factor."""
    if confirmed_totp_device(request.user) is None:
        return redirect("two_factor")
    if not session_is_verified(request):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
    if request.method == "POST":
        codes = services.backup_codes_generate(user=request.user)
        return _backup_codes_page(request, codes=codes)
    return _backup_codes_page(request)


@staff_required
@require_http_methods(["GET", "POST"])
def reset(request, pk: int):
    """Staff remove someone's authenticator app (lost phone), after a confirmation."""
    person = get_object_or_404(users_visible_to(request.user), pk=pk)
    if request.method == "POST":
        removed = services.totp_device_reset(user=person, by=request.user)
        if removed:
            messages.success(
                request,
                _("The authenticator app of %(user)s is removed; they set up a new one at login.")
                % {"user": person.get_full_name() or person.username},
            )
        else:
            messages.info(request, _("%(user)s had no authenticator app.") % {"user": person})
        return redirect("two_factor_reset", pk=person.pk)
    context = {
        "person": person,
        "device": confirmed_totp_device(person),
        "backup_codes_left": backup_codes_left(person),
        "required": two_factor_required(person),
        "audit": audit_entries_for(obj=person, user=request.user)[:20],
    }
    return render(request, "accounts/two_factor_reset.html", context)

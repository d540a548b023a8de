"""The second factor: set up an authenticator app, enter its code at login, turn it off
(where the role allows), API tokens; staff reset someone's app."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from bundel.audit.selectors import audit_entries_for
from bundel.membership.views import staff_required

from . import services
from .forms import TokenForm
from .selectors import (
    SECOND_FACTOR_SESSION_KEY,
    confirmed_totp_device,
    session_is_verified,
    two_factor_required,
    users_visible_to,
)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
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
            return redirect(_next(request))
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
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _verified(request, device)
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
    remove_form = TokenForm(request.POST if request.POST.get("action") == "remove" else None)
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
    context = {
        "device": device,
        "required": two_factor_required(user),
        "remove_form": remove_form,
        "has_token": Token.objects.filter(user=user).exists(),
        "new_token": new_token,
    }
    return render(request, "accounts/two_factor.html", context)


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
        "required": two_factor_required(person),
        "audit": audit_entries_for(obj=person, user=request.user)[:20],
    }
    return render(request, "accounts/two_factor_reset.html", context)

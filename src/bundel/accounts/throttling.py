"""The client address django-axes counts failed logins by."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT reverse proxies (each appending to
    X-Forwarded-For), the address the outermost one saw. Addresses further left in the
    header were written by the client and are not trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page after AXES_FAILURE_LIMIT failed logins (HTTP 429): how long to wait."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)

"""Domain errors become clear API errors: 400 with the rule's message, 403 for permissions.

A RuleViolation raised with a `code` (and `params`) carries them into the body, so a
client can tell which rule refused the change: `{"detail": [...], "code": "requires",
"params": {"product": "connectivity", ...}}`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from bundel.core.errors import RuleViolation, StateConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _api_params(params: dict) -> dict:
    """For clients, codes instead of the names the message shows: a message's
    `product`/`product_code` pair becomes `product: <code>`; dates as ISO strings."""
    codes = {key[: -len("_code")]: value for key, value in params.items() if key.endswith("_code")}
    rest = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in params.items()
        if not key.endswith("_code") and key not in codes
    }
    return {**rest, **codes}


def _rule(exc: ValidationError) -> dict:
    if not isinstance(exc, RuleViolation) or not getattr(exc, "code", None):
        return {}
    params = _api_params(exc.params or {})
    return {"code": exc.code, **({"params": params} if params else {})}


def exception_handler(exc, context):
    if isinstance(exc, StateConflict):
        exc = Conflict(detail={"detail": exc.messages, **_rule(exc)})
    elif isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"detail": exc.messages, **_rule(exc)}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """The 404 of a path that no URL matches (`handler404`): under /api/ a JSON body with
    a `detail`, like every other API error (e.g. /api/v1/memberships/abc/); elsewhere the
    site's own page."""
    if request.path.startswith("/api/"):
        message = _("There is no API endpoint at this path.")
        return JsonResponse({"detail": message}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)

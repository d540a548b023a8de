"""Errors of the domain layer. Every path (UI, API, admin, commands) shows their message."""

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    """A business rule refused the change; nothing was stored. API: 400."""


class StateConflict(RuleViolation):
    """The object is not in a state that allows this; nothing was stored. API: 409."""

"""Helpers for the long tables that are written in Python rather than as template loops
(the services per location, the staff's membership list): there a template tag, filter
or URL lookup per cell was most of the page's time. Every value is escaped with `escape`
(the standard library's, which Django's wraps behind a per-call check for lazy text:
pass `str`s)."""

from html import escape

from django.urls import reverse

__all__ = ["day", "escape", "url_pattern"]


def day(value) -> str:
    """A date as the site writes it (the templates' `date:"d-m-Y"`); '' for none."""
    return value.strftime("%d-%m-%Y") if value else ""


def url_pattern(viewname: str, *args) -> str:
    """The URL of `viewname` whose last argument (a number, in its own path segment) is
    left open, to fill in per row with `.format(number)`: one URL lookup for a table."""
    head, _sep, tail = reverse(viewname, args=[*args, 0]).rpartition("/0/")
    return f"{_braces(head)}/{{}}/{_braces(tail)}"


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")

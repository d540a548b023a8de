"""An iCalendar (RFC 5545) feed of a person's events, written out by hand: one VEVENT per
registration, times in UTC, text escaped (section 3.3.11) and long lines folded at 75
octets (section 3.1)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .constants import EventState, RegistrationState
from .models import Registration

PRODID = "-//Bundel//Events//NL"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every line break as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC ("form #2"): 20260609T110000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets (never inside a UTF-8
    character), each continuation starting with a space."""
    pieces, current, size = [], [], 0
    limit = LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [], 0
            limit = LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "bundel.local"


def _status(registration: Registration) -> str:
    if registration.event.state == EventState.CANCELLED:
        return "CANCELLED"
    if registration.state == RegistrationState.CONFIRMED:
        return "CONFIRMED"
    return "TENTATIVE"  # on the waiting list


def vevent(registration: Registration, *, now: datetime) -> list[str]:
    event = registration.event
    site = settings.SITE_URL.rstrip("/")
    url = site + event.get_absolute_url()
    has_place = registration.state == RegistrationState.CONFIRMED
    description = event.programme.strip()
    if registration.state == RegistrationState.WAITLISTED:
        description = "[" + _("On the waiting list") + "]\n\n" + description
    description = (description + "\n\n" + url).strip()
    location = event.place or (event.link if has_place else "")
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{_uid_host()}",
        f"DTSTAMP:{utc(now)}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [f"URL:{url}", f"STATUS:{_status(registration)}", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(registrations: Iterable[Registration], *, name: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for registration in registrations:
        lines += vevent(registration, now=now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

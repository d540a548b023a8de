"""The e-mails of events: a place for someone on the waiting list, the reminder the day
before, and an event cancelled. Written in the site's language (boards read Dutch,
whoever acts) and sent only once the change is committed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from bundel.core import mail

from .models import Event, Registration


def when(event: Event) -> str:
    """'dinsdag 9 juni 2026, 13:00-16:30' in the active language, local time."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    day = formats.date_format(start, "l j F Y")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}-{end:%H:%M}"
    return f"{day}, {start:%H:%M} - {formats.date_format(end, 'l j F Y')}, {end:%H:%M}"


def _url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + event.get_absolute_url()


def _where(event: Event, *, with_link: bool) -> str:
    parts = []
    if event.place:
        parts.append(_("Place: %(place)s") % {"place": event.place})
    if event.link and with_link:
        parts.append(_("Join online: %(link)s") % {"link": event.link})
    return "\n".join(parts)


def _greeting(registration: Registration) -> str:
    user = registration.user
    return _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()}


def _promoted(registration: Registration) -> tuple[str, str]:
    event = registration.event
    subject = _("Bundel: you have a place at %(event)s") % {"event": event.title}
    body = "\n\n".join(
        part
        for part in (
            _greeting(registration),
            _(
                "A place has become free at %(event)s and you were first on the waiting "
                "list: you now have a place."
            )
            % {"event": event.title},
            when(event),
            _where(event, with_link=True),
            _(
                "Can you not come after all? Cancel your registration at %(url)s, so the next "
                "person on the waiting list gets the place."
            )
            % {"url": _url(event)},
        )
        if part
    )
    return subject, body


def _reminder(registration: Registration) -> tuple[str, str]:
    event = registration.event
    subject = _("Bundel: reminder: %(event)s") % {"event": event.title}
    body = "\n\n".join(
        part
        for part in (
            _greeting(registration),
            _("This is a reminder that you have a place at %(event)s.") % {"event": event.title},
            when(event),
            _where(event, with_link=True),
            _("The programme and details: %(url)s") % {"url": _url(event)},
            _(
                "Can you not come after all? Please cancel your registration there, so someone "
                "on the waiting list can take your place."
            ),
        )
        if part
    )
    return subject, body


def _cancelled(registration: Registration) -> tuple[str, str]:
    event = registration.event
    subject = _("Bundel: %(event)s is cancelled") % {"event": event.title}
    body = "\n\n".join(
        part
        for part in (
            _greeting(registration),
            _("%(event)s (%(when)s) is cancelled; your registration lapses.")
            % {"event": event.title, "when": when(event)},
            event.cancel_reason,
            _("The events of the cooperative: %(url)s")
            % {"url": settings.SITE_URL.rstrip("/") + "/events/"},
        )
        if part
    )
    return subject, body


KINDS = {"promoted": _promoted, "reminder": _reminder, "cancelled": _cancelled}


def notify(kind: str, registrations: list[Registration]) -> int:
    """Queue one e-mail per registration, sent when the transaction commits. Returns how
    many were queued."""
    build = KINDS[kind]
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for registration in registrations:
            if not registration.user.email or not registration.user.is_active:
                continue
            subject, body = build(registration)
            messages.append(
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.user.email])
            )
    # Sent after commit from the outbox (tried again while the mail server refuses).
    return mail.queue(messages)

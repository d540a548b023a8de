"""Changing events and registrations. Staff create, change and cancel events; a person
registers themselves and cancels their own registration (staff may cancel anyone's).

Places are handed out under a lock on the event's row (`select_for_update`): every
registration, cancellation and change of an event takes it first, so two people asking
for the last place at the same moment are served one after the other and exactly one
gets it. A cancelled place goes, in the same transaction, to the first on the waiting
list who may still come, who is told by e-mail once it is committed.
"""

import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log, diff, field_values
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.selectors import member_board_ids

from . import notifications, selectors
from .constants import ACTIVE_STATES, Audience, EventState, RegistrationState
from .models import CalendarFeed, Event, Registration

EVENT_FIELDS = (
    "kind",
    "title",
    "programme",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "capacity",
    "waiting_list",
    "registration_deadline",
    "audience",
)


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff organise events."))


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED).count()


# -- events (staff) ------------------------------------------------------------------------


@transaction.atomic
def event_create(*, by, **values: Any) -> Event:
    _require_staff(by)
    _check_fields(values)
    event = Event(created_by=by, **values)
    event.full_clean()
    event.save()
    audit_log(
        action="events.event.created",
        obj=event,
        actor=by,
        data=field_values(event, EVENT_FIELDS),
    )
    return event


def check_event_change(*, event: Event, values: dict[str, Any]) -> None:
    """The rules a change of a stored event must keep, given who is registered: raises
    RuleViolation naming the first one broken. `event_update` runs these under the
    event's lock; the admin's form runs them to show the message on the form."""
    if event.state == EventState.CANCELLED:
        raise StateConflict(
            _("%(event)s is cancelled; a cancelled event cannot be changed."),
            code="cancelled",
            params={"event": event.title},
        )
    capacity = values.get("capacity", event.capacity)
    confirmed = _confirmed_count(event) if capacity != event.capacity else 0
    if capacity is not None and capacity < confirmed:
        raise RuleViolation(
            _(
                "The capacity cannot be lower than the %(confirmed)s people who already have "
                "a place (asked: %(capacity)s). Cancel registrations first, or keep a higher "
                "capacity."
            ),
            code="capacity_below_confirmed",
            params={"capacity": capacity, "confirmed": confirmed},
        )
    if event.waiting_list and not values.get("waiting_list", True):
        waiting = selectors.waiting_list(event).count()
        if waiting:
            raise RuleViolation(
                _(
                    "%(n)s people are on the waiting list: keep the waiting list, or cancel "
                    "their registrations first."
                ),
                code="waiting_list_in_use",
                params={"n": waiting},
            )
    if event.audience != Audience.MEMBERS and values.get("audience") == Audience.MEMBERS:
        outsiders = (
            Registration.objects.filter(event=event, state__in=ACTIVE_STATES)
            .exclude(user__board_id__in=member_board_ids())
            .count()
        )
        if outsiders:
            raise RuleViolation(
                _(
                    "%(n)s people of boards that are not members are registered: cancel their "
                    "registrations before making the event members only."
                ),
                code="audience_in_use",
                params={"n": outsiders},
            )


@transaction.atomic
def event_update(*, event: Event, by, **values: Any) -> Event:
    """Change an event. Refused while the change would leave someone with a place or on the
    waiting list without one (see `check_event_change`). A higher capacity moves people up
    from the waiting list, who are told by e-mail."""
    _require_staff(by)
    _check_fields(values)
    current = _locked(event)
    check_event_change(event=current, values=values)
    before = field_values(current, EVENT_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    changes = diff(before, field_values(current, EVENT_FIELDS))
    if changes:
        current.sequence += 1
        current.save(update_fields=[*changes, "sequence", "updated_at"])
        audit_log(action="events.event.updated", obj=current, actor=by, changes=changes)
        _fill_places(current, by=by)
    return current


@transaction.atomic
def event_cancel(*, event: Event, by, reason: str) -> Event:
    """Cancel an event: registrations stay as they were (the record of who came), and
    everyone with a place or on the waiting list is told by e-mail."""
    _require_staff(by)
    current = _locked(event)
    if current.state == EventState.CANCELLED:
        raise StateConflict(
            _("%(event)s is already cancelled."), code="cancelled", params={"event": current.title}
        )
    if current.ends_at < timezone.now():
        raise RuleViolation(
            _("%(event)s has already taken place; it cannot be cancelled."),
            code="past",
            params={"event": current.title},
        )
    if not reason.strip():
        raise RuleViolation(_("Give the reason for cancelling; it goes to everyone registered."))
    current.state = EventState.CANCELLED
    current.cancel_reason = reason.strip()
    current.sequence += 1
    current.save(update_fields=["state", "cancel_reason", "sequence", "updated_at"])
    registered = list(
        Registration.objects.filter(event=current, state__in=ACTIVE_STATES).select_related(
            "user", "event"
        )
    )
    audit_log(
        action="events.event.cancelled",
        obj=current,
        actor=by,
        changes={"state": [EventState.SCHEDULED, EventState.CANCELLED]},
        data={"reason": current.cancel_reason, "registered": len(registered)},
    )
    notifications.notify("cancelled", registered)
    return current


# -- registrations -----------------------------------------------------------------------


def _fill_places(event: Event, *, by) -> list[Registration]:
    """Give the free places to the first on the waiting list, in order (inside the
    event's lock). Nobody moves up once the event has started or when it is cancelled.

    Someone on the list who may no longer come (`selectors.attending`: their board left
    the cooperative, or is no longer an interested board, or they no longer act for a
    board) is not moved up, and not told anything of the event: their registration is
    cancelled, with the reason in the audit trail, and the next in line moves up."""
    if event.state != EventState.SCHEDULED or event.starts_at <= timezone.now():
        return []
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)
    if free is not None and free <= 0:
        return []
    waiting = selectors.waiting_list(event)
    admitted = set(selectors.attending(waiting).values_list("pk", flat=True))
    now = timezone.now()
    promoted = []
    for registration in waiting.select_related("user", "event"):
        if free is not None and len(promoted) >= free:
            break
        if registration.pk not in admitted:
            _lapse(registration, now=now)
            continue
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["state", "confirmed_at"])
        audit_log(
            action="events.registration.promoted",
            obj=registration,
            actor=by,
            data={"event": event.pk, "person": _name(registration.user)},
        )
        promoted.append(registration)
    notifications.notify("promoted", promoted)
    return promoted


def _lapse(registration: Registration, *, now: datetime) -> None:
    """Cancel the waiting-list registration of someone who may no longer come (the
    system's doing, whoever set the place free)."""
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["state", "cancelled_at"])
    with translation.override(settings.LANGUAGE_CODE):  # the audit trail's language
        reason = _(
            "Not moved up from the waiting list: the person's board may no longer come to "
            "this event."
        )
    audit_log(
        action="events.registration.cancelled",
        obj=registration,
        actor=None,
        changes={"state": [RegistrationState.WAITLISTED, RegistrationState.CANCELLED]},
        data={"event": registration.event_id, "person": _name(registration.user), "reason": reason},
    )


def _audience_refusal(by, event: Event) -> PermissionDenied:
    if by.is_cooperative_staff:
        return PermissionDenied(
            _("The cooperative's staff organise events; the people of boards register.")
        )
    if event.audience == Audience.MEMBERS:
        return PermissionDenied(_("This event is for the people of member boards only."))
    return PermissionDenied(
        _("This event is for the people of member boards and of interested boards only.")
    )


@transaction.atomic
def registration_register(*, event: Event, by) -> Registration:
    """Register `by` (a person) for the event: a place while there is one, else a position
    at the end of the waiting list; refused past the deadline, or when the event is full
    and has no waiting list."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Log in to register."))
    event = _locked(event)
    if not selectors.may_attend(by, event):
        raise _audience_refusal(by, event)
    params = {"event": event.title}
    if event.state == EventState.CANCELLED:
        raise StateConflict(_("%(event)s is cancelled."), code="cancelled", params=params)
    now = timezone.now()
    if now > event.registration_deadline:
        raise RuleViolation(
            _("Registration for %(event)s closed on %(deadline)s."),
            code="deadline",
            params={**params, "deadline": _local(event.registration_deadline)},
        )
    registration = Registration.objects.filter(event=event, user=by).first()
    if registration is not None and registration.is_active:
        raise StateConflict(
            _("You are already registered for %(event)s (%(state)s)."),
            code="registered",
            params={**params, "state": registration.get_state_display().lower()},
        )
    if event.capacity is None or _confirmed_count(event) < event.capacity:
        state = RegistrationState.CONFIRMED
    elif event.waiting_list:
        state = RegistrationState.WAITLISTED
    else:
        raise RuleViolation(
            _("%(event)s is full (%(capacity)s places) and has no waiting list."),
            code="full",
            params={**params, "capacity": event.capacity},
        )
    registration = registration or Registration(event=event, user=by)
    registration.board_id = by.board_id
    registration.state = state
    registration.registered_at = now
    registration.confirmed_at = now if state == RegistrationState.CONFIRMED else None
    registration.cancelled_at = None
    registration.reminded_for = None
    registration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same person twice at once, where rows are not locked
        raise StateConflict(
            _("You are already registered for %(event)s."), code="registered", params=params
        ) from None
    audit_log(
        action=f"events.registration.{state.value}",
        obj=registration,
        actor=by,
        data={"event": event.pk, "person": _name(registration.user)},
    )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by) -> Registration:
    """Cancel a registration (its person, or staff). A place set free goes to the first on
    the waiting list in the same transaction."""
    event = _locked(registration.event)  # the event first, as registering does
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    if by is None or not (by.is_cooperative_staff or registration.user_id == by.pk):
        raise PermissionDenied(_("You may cancel only your own registration."))
    if registration.state == RegistrationState.CANCELLED:
        raise StateConflict(
            _("This registration is already cancelled."), code="cancelled_registration"
        )
    if not by.is_cooperative_staff and event.starts_at <= timezone.now():
        raise RuleViolation(
            _("%(event)s has started; the registration can no longer be cancelled."),
            code="started",
            params={"event": event.title},
        )
    had_place = registration.state == RegistrationState.CONFIRMED
    before = registration.state
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["state", "cancelled_at"])
    audit_log(
        action="events.registration.cancelled",
        obj=registration,
        actor=by,
        changes={"state": [before, RegistrationState.CANCELLED]},
        data={"event": event.pk, "person": _name(registration.user)},
    )
    if had_place:
        _fill_places(event, by=by)
    return registration


# -- reminders -------------------------------------------------------------------------------


def _local_day_bounds(day) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def events_remind(*, now: datetime | None = None) -> int:
    """E-mail everyone with a place at an event that starts tomorrow (by default: see
    EVENTS_REMINDER_DAYS_BEFORE) who may still come (`selectors.attending`). Each
    registration records the start it was reminded of, so running again sends nothing
    twice (also when two runs overlap), and an event moved to another time is reminded of
    again. Run daily."""
    now = now or timezone.now()
    day = timezone.localdate(now) + timedelta(days=settings.EVENTS_REMINDER_DAYS_BEFORE)
    start, end = _local_day_bounds(day)
    due = (
        selectors.attending(
            Registration.objects.filter(
                state=RegistrationState.CONFIRMED,
                event__state=EventState.SCHEDULED,
                event__starts_at__gte=start,
                event__starts_at__lt=end,
            )
        )
        .exclude(reminded_for=F("event__starts_at"))
        .select_related("event", "user")
        .order_by("event__starts_at", "pk")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = (
                Registration.objects.filter(pk=registration.pk, state=RegistrationState.CONFIRMED)
                .exclude(reminded_for=registration.event.starts_at)
                .update(reminded_for=registration.event.starts_at)
            )
            if not claimed:  # another run took it, or it was cancelled meanwhile
                continue
            audit_log(
                action="events.registration.reminded",
                obj=registration,
                actor=None,
                data={
                    "event": registration.event_id,
                    "person": _name(registration.user),
                    "starts_at": registration.event.starts_at,
                },
            )
            sent += notifications.notify("reminder", [registration])
    return sent


# -- the calendar feed ----------------------------------------------------------------------


@transaction.atomic
def feed_renew(*, user, by) -> CalendarFeed:
    """Give the person a (new) secret feed address; an earlier one stops working."""
    if by is None or not by.is_authenticated or by.pk != user.pk:
        raise PermissionDenied(_("You may make a calendar link only for yourself."))
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    action = "events.feed.renewed" if feed else "events.feed.created"
    feed = feed or CalendarFeed(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.save()
    audit_log(action=action, obj=feed, actor=by)
    return feed

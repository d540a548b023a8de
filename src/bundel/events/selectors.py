"""Reading events: who sees which (one place), the figures of an event (places taken,
the waiting list), a person's own registrations and calendar feed.

Who sees an event, on every path (pages, API, feed, exports):
- staff: every event;
- a person of a member board (membership *member* or *notice given*): every event;
- a person of an interested board (membership *interested* or *applied*): the events staff
  open to interested boards (`Audience.MEMBERS_AND_INTERESTED`);
- anyone else (the public, suppliers, boards without an open membership): none.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry
from bundel.audit.selectors import audit_entries_visible_to
from bundel.core import versions
from bundel.membership.constants import MEMBER_STATES
from bundel.membership.constants import State as MembershipState
from bundel.membership.models import Membership

from .constants import ACTIVE_STATES, Audience, RegistrationState
from .models import CalendarFeed, Event, Registration

INTERESTED_STATES = (MembershipState.INTERESTED, MembershipState.APPLIED)


def _board_of(user):
    """The board whose membership decides what `user` sees, or None for nobody's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.SUPPLIER or not user.board_id:
        return None
    return user.board_id


def _admits(board, *, audience: str = "audience") -> Q:
    """Whether the audience of an event (its field at `audience`) admits the people of
    `board` (a board's id, or an `OuterRef` to one): every event for a member, those
    opened to interested boards for an interested board."""
    member = Exists(Membership.objects.filter(board_id=board, state__in=MEMBER_STATES))
    interested = Exists(Membership.objects.filter(board_id=board, state__in=INTERESTED_STATES))
    return Q(member) | (Q(interested) & Q(**{audience: Audience.MEMBERS_AND_INTERESTED}))


def events_visible_to(user) -> QuerySet[Event]:
    base = Event.objects.all()
    if user is not None and user.is_authenticated and user.is_cooperative_staff:
        return base
    board_id = _board_of(user)
    if board_id is None:
        return base.none()
    return base.filter(_admits(board_id))


def may_attend(user, event: Event) -> bool:
    """Whether the event's audience admits `user` as an attendee: a person of a board the
    event is for. Staff organise events and see them all, but do not register."""
    if user is None or not user.is_authenticated or user.is_cooperative_staff:
        return False
    return events_visible_to(user).filter(pk=event.pk).exists()


def attending(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """The registrations whose person may (still) come to their event: `may_attend` for
    many rows in one query. A person whose board has left the cooperative (or is no longer
    an interested board, for an event opened to those), or who is no longer a person of a
    board (deactivated, a supplier, staff), is left out: the waiting list skips them and
    no reminder goes to them."""
    return (
        registrations.filter(
            user__is_active=True, user__is_superuser=False, user__board__isnull=False
        )
        .exclude(user__role__in=(Role.SUPPLIER, Role.STAFF))
        .filter(_admits(OuterRef("user__board_id"), audience="event__audience"))
    )


def _count(state: str):
    rows = (
        Registration.objects.filter(event=OuterRef("pk"), state=state)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_figures(events: QuerySet[Event], user=None) -> QuerySet[Event]:
    """Annotate `confirmed_count`, `waitlist_count` and, for a logged-in `user`, the
    state of their own registration (`my_state`, None when they have none)."""
    events = events.annotate(
        confirmed_count=_count(RegistrationState.CONFIRMED),
        waitlist_count=_count(RegistrationState.WAITLISTED),
    )
    if user is not None and user.is_authenticated:
        mine = Registration.objects.filter(event=OuterRef("pk"), user=user)
        events = events.annotate(
            my_state=Subquery(mine.values("state")[:1]),
            my_registration_id=Subquery(mine.values("pk")[:1]),
        )
    return events


def events_for(user, *, past: bool = False, kind: str = "") -> QuerySet[Event]:
    """The events `user` sees, with their figures: upcoming (not ended yet) by start, or
    past ones, the latest first."""
    now = timezone.now()
    events = with_figures(events_visible_to(user), user)
    if kind:
        events = events.filter(kind=kind)
    if past:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return events.filter(ends_at__gte=now).order_by("starts_at", "pk")


# -- the lists, cached ------------------------------------------------------------------------


def viewer(user) -> tuple:
    """What a list of events shown to `user` depends on besides the events, as cache-key
    parts: staff (who see every event and its link), or the states of the open
    memberships of the person's board (the input of `_admits`: which events they see),
    and the person's own registrations (`my_state`). Everyone with the same parts is
    shown the same list. At most two small queries."""
    if user is None or not user.is_authenticated:
        return ("anonymous",)  # asked to log in
    if user.is_cooperative_staff:
        who = ("staff",)
    elif (board_id := _board_of(user)) is None:
        return ("nobody",)
    else:
        states = Membership.objects.filter(
            board_id=board_id, state__in=(*MEMBER_STATES, *INTERESTED_STATES)
        )
        who = ("board", tuple(sorted(set(states.values_list("state", flat=True)))))
    mine = Registration.objects.filter(user=user).order_by("event_id")
    return (*who, tuple(mine.values_list("event_id", "pk", "state")))


def next_change(now: datetime) -> datetime | None:
    """The next moment a list of events changes by itself, without any data changing: an
    event ends (it leaves the upcoming events for the past ones) or a registration
    deadline passes (`registration_open`). None when no such moment is ahead."""
    ahead = Event.objects.aggregate(
        end=Min("ends_at", filter=Q(ends_at__gte=now)),
        deadline=Min("registration_deadline", filter=Q(registration_deadline__gte=now)),
    )
    return min((moment for moment in ahead.values() if moment), default=None)


def cached_list(name: str, parts: tuple, compute):
    """`compute()` (a list of events, rendered or serialized) cached under `parts`, which
    must name every input besides the events (the `viewer`, the request), and the
    events' version (any change of an event or a registration: apps.py), until
    `next_change`: a cached list is never shown after it would have changed."""
    return versions.cached(name, parts, compute, under=["events"], expires=next_change)


def registrations_visible_to(user) -> QuerySet[Registration]:
    """Staff see every registration; anyone else only their own."""
    base = Registration.objects.select_related("event", "user", "board")
    if user is None or not user.is_authenticated:
        return base.none()
    if user.is_cooperative_staff:
        return base
    return base.filter(user=user)


def with_waitlist_position(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `position`: 1 for the first on its event's waiting list (the earliest
    registration, then the lowest id), None when not on the waiting list. A correlated
    count, so a list of registrations costs one query however many rows, and a person who
    sees only their own registration still gets their true position."""
    earlier = (
        Registration.objects.filter(event=OuterRef("event"), state=RegistrationState.WAITLISTED)
        .filter(
            Q(registered_at__lt=OuterRef("registered_at"))
            | Q(registered_at=OuterRef("registered_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ahead = Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0))
    return registrations.annotate(
        position=Case(
            When(state=RegistrationState.WAITLISTED, then=ahead + Value(1)),
            default=None,
            output_field=IntegerField(),
        )
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list (the earliest registration), else None."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    rows = with_waitlist_position(Registration.objects.filter(pk=registration.pk))
    return rows.values_list("position", flat=True).first()


def waiting_list(event: Event) -> QuerySet[Registration]:
    """The waiting list in its order: who registered first moves up first."""
    return Registration.objects.filter(event=event, state=RegistrationState.WAITLISTED).order_by(
        "registered_at", "pk"
    )


def event_registrations(event: Event, user) -> QuerySet[Registration]:
    """The event's registrations `user` sees (staff: everyone's; anyone else: their own):
    those with a place, then the waiting list in its order (each with `position`), then
    the cancelled ones. One query."""
    order = Case(
        When(state=RegistrationState.CONFIRMED, then=Value(0)),
        When(state=RegistrationState.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return with_waitlist_position(
        registrations_visible_to(user).filter(event=event).select_related("user__board")
    ).order_by(order, "registered_at", "pk")


def attendees(event: Event, user) -> list[Registration]:
    """Those with a place (for the badges), by name."""
    rows = [r for r in event_registrations(event, user) if r.state == RegistrationState.CONFIRMED]
    return sorted(rows, key=lambda r: (r.user.last_name.lower(), r.user.first_name.lower(), r.pk))


def my_registrations(user) -> QuerySet[Registration]:
    """The person's own active registrations for events they (still) see, by start."""
    if user is None or not user.is_authenticated:
        return Registration.objects.none()
    return (
        registrations_visible_to(user)
        .filter(user=user, state__in=ACTIVE_STATES, event__in=events_visible_to(user))
        .order_by("event__starts_at", "event__pk")
    )


def feed_of(user) -> CalendarFeed | None:
    if user is None or not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of an active person with this token, else None."""
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def event_audit_entries(*, event: Event, user) -> QuerySet[AuditEntry]:
    """The event's own entries and those of its registrations (which carry the event's id
    in their data: `services.py`), newest first. Staff only."""
    types = ContentType.objects.get_for_models(Event, Registration)
    return audit_entries_visible_to(user).filter(
        Q(content_type=types[Event], object_id=str(event.pk))
        | Q(content_type=types[Registration], data__event=event.pk)
    )

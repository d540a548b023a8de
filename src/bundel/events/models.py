"""Member days, webinars and workshops; the people registered for them (with a waiting
list); and each person's secret calendar feed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ACTIVE_STATES, Audience, EventKind, EventState, RegistrationState


class Event(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    programme = models.TextField(_("programme"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("The address, for an event on site.")
    )
    link = models.URLField(
        _("link"),
        blank=True,
        help_text=_("The link to join online; shown only to those who have a place."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The number of places; leave empty for no limit."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the event is full, later registrations join a waiting list."),
    )
    registration_deadline = models.DateTimeField(_("registration deadline"))
    audience = models.CharField(
        _("who may come"), max_length=30, choices=Audience.choices, default=Audience.MEMBERS
    )
    state = models.CharField(
        _("state"), max_length=20, choices=EventState.choices, default=EventState.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Raised at every change, so calendar clients replace their copy (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["audience"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("An event ends after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_deadline__lte=models.F("starts_at")),
                name="events_event_deadline_before_start",
                violation_error_message=_("The registration deadline is at or before the start."),
            ),
        ]

    def __str__(self) -> str:
        if not self.starts_at:
            return self.title
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("An event ends after it starts.")
        if (
            self.starts_at
            and self.registration_deadline
            and self.registration_deadline > self.starts_at
        ):
            errors["registration_deadline"] = _(
                "The registration deadline is at or before the start."
            )
        if not self.place.strip() and not self.link.strip():
            errors["place"] = _("Give the place of the event, or the link to join it online.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.state == EventState.CANCELLED

    @property
    def registration_open(self) -> bool:
        return self.state == EventState.SCHEDULED and timezone.now() <= self.registration_deadline

    # These two read `confirmed_count`, annotated by `selectors.with_figures`.
    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity


class Registration(models.Model):
    """One person for one event: a place (confirmed), a position on the waiting list (by
    the time of registering), or cancelled. A person registering again after cancelling
    reuses the row, at the end of the waiting list."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("board"),
        help_text=_("The person's board when registering."),
    )
    state = models.CharField(_("state"), max_length=20, choices=RegistrationState.choices)
    registered_at = models.DateTimeField(_("registered at"))
    confirmed_at = models.DateTimeField(_("place since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The start the reminder was sent for: a moved event is reminded of again.
    reminded_for = models.DateTimeField(_("reminder sent for"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="events_registration_one_per_user",
                violation_error_message=_("This person is already registered for this event."),
            )
        ]
        indexes = [models.Index(fields=["event", "state", "registered_at"])]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}: {self.event.title}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class CalendarFeed(models.Model):
    """A person's secret feed address of the events they registered for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return self.user.get_username()

    def get_absolute_url(self) -> str:
        return reverse("events:feed", args=[self.token])

"""A board's membership of the cooperative, its agreements and what leaving costs.

The state and every transition date live on the membership; the transitions are the
services in `services.py`. Support figures read the dates to know who stood where when.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import OPEN_STATES, AgreementKind, NoticeBy, State


class Membership(models.Model):
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("board"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    interested_on = models.DateField(_("interest declared on"), null=True, blank=True)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    rejected_on = models.DateField(_("rejected on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    is_founding = models.BooleanField(_("founding member (start group)"), default=False)
    founding_since = models.DateField(_("in the start group since"), null=True, blank=True)
    notice_on = models.DateField(_("notice given on"), null=True, blank=True)
    notice_by = models.CharField(
        _("notice given by"), max_length=20, choices=NoticeBy.choices, blank=True
    )
    notice_reason = models.TextField(_("reason for notice"), blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["board"],
                condition=Q(state__in=OPEN_STATES),
                name="membership_one_open_per_board",
                violation_error_message=_("This board already has an open membership."),
            ),
            models.CheckConstraint(
                condition=~Q(is_founding=True) | Q(founding_since__isnull=False),
                name="membership_founding_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.board} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("membership:detail", args=[self.pk])

    @property
    def is_member(self) -> bool:
        return self.state in (State.MEMBER, State.NOTICE_GIVEN)


class AgreementVersion(models.Model):
    """A version of the membership or service agreement, kept by staff."""

    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    version = models.CharField(_("version"), max_length=20)
    valid_from = models.DateField(_("valid from"))
    document = models.FileField(_("document"), upload_to="agreements/", blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="agreement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    FROZEN_ONCE_SIGNED = ("kind", "version", "valid_from", "document")

    def clean(self) -> None:
        """A version someone signed is history: what they signed stays as it was."""
        if self.pk is None or not Agreement.objects.filter(version_id=self.pk).exists():
            return
        stored = AgreementVersion.objects.get(pk=self.pk)
        changed = [
            name for name in self.FROZEN_ONCE_SIGNED if getattr(stored, name) != getattr(self, name)
        ]
        if changed:
            raise ValidationError(
                {name: _("This version has been signed; it cannot change.") for name in changed}
            )


class Agreement(models.Model):
    """A signed agreement of a membership."""

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("membership"),
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signed by"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["signed_on"]

    def __str__(self) -> str:
        return f"{self.version}, {self.signer} ({self.signed_on})"

    @property
    def kind(self) -> str:
        return self.version.kind


class Settlement(models.Model):
    """What a leaving member owes (or is owed) for harm to the cooperative.

    Computed from the open service commitments (`subscriptions.selectors.settlement_lines`);
    staff may record another amount with a reason (see docs/membership.md).
    """

    membership = models.OneToOneField(
        Membership,
        on_delete=models.CASCADE,
        related_name="settlement",
        verbose_name=_("membership"),
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    computed_amount = models.DecimalField(
        _("computed from open commitments (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    adjustment_reason = models.TextField(_("reason for adjusting the computed amount"), blank=True)
    basis = models.TextField(_("basis"))
    decided_on = models.DateField(_("decided on"))

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.membership.board}: EUR {self.amount}"


class SupportSnapshot(models.Model):
    """Support figures recorded by staff for a date before the registry's data."""

    date = models.DateField(_("date"), unique=True)
    national_pupils = models.PositiveIntegerField(
        _("national pupils"), validators=[MinValueValidator(1)]
    )
    start_group_boards = models.PositiveIntegerField(
        _("start group: boards"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    start_group_pupils = models.PositiveIntegerField(_("start group: pupils"), default=0)
    coalition_boards = models.PositiveIntegerField(
        _("coalition: boards"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    coalition_pupils = models.PositiveIntegerField(_("coalition: pupils"), default=0)
    members_boards = models.PositiveIntegerField(
        _("members: boards"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    members_pupils = models.PositiveIntegerField(_("members: pupils"), default=0)
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("support snapshot")
        verbose_name_plural = _("support snapshots")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.national_pupils}"

    def clean(self) -> None:
        groups = (
            (self.start_group_pupils or 0)
            + (self.coalition_pupils or 0)
            + (self.members_pupils or 0)
        )
        if self.national_pupils and groups > self.national_pupils:
            raise ValidationError(
                _("The groups together (%(p)s pupils) exceed the national total (%(n)s).")
                % {"p": groups, "n": self.national_pupils}
            )


class NationalTotal(models.Model):
    """DUO's published national pupil total for a period, used instead of the registry's."""

    valid_from = models.DateField(_("valid from"), unique=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    pupils = models.PositiveIntegerField(
        _("pupils in po and vo"), validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("national pupil total")
        verbose_name_plural = _("national pupil totals")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.pupils}"

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The period ends before it starts.")})

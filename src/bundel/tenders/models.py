"""A tender (aanbesteding): product groups, lots, a procedure with its timeline, the
estimated value and the award method with its criteria. Its rules (the law, the weights,
the states) live in `services.py`; `law.py` and `award.py` hold the rules as data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bundel.catalogue.models import CapacityOption, Product, ProductGroup
from bundel.registry.models import Board, Location

from . import law
from .constants import AwardMethod, Procedure, TenderState
from .law import Timeline


class Tender(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product_groups = models.ManyToManyField(
        ProductGroup, related_name="tenders", verbose_name=_("product groups")
    )
    procedure = models.CharField(_("procedure"), max_length=30, choices=Procedure.choices)
    estimated_value = models.DecimalField(
        _("estimated value (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("The total of all lots over the whole term, excluding VAT."),
    )
    notice_date = models.DateField(
        _("notice date"), help_text=_("Planned; set to the day of publication when published.")
    )
    requests_deadline = models.DateField(
        _("requests to participate close"),
        null=True,
        blank=True,
        help_text=_("Procedures with a selection stage (e.g. restricted)."),
    )
    invitation_date = models.DateField(
        _("invitation to tender"),
        null=True,
        blank=True,
        help_text=_("Restricted procedure: when the selected candidates are invited to bid."),
    )
    demand_deadline = models.DateField(
        _("demand registration until"),
        null=True,
        blank=True,
        help_text=_(
            "Member boards register and change their demand until the end of this day "
            "(and never after publication). Empty: until publication."
        ),
    )
    closing_at = models.DateTimeField(_("bids close at"))
    electronic = models.BooleanField(_("bids are submitted electronically"), default=True)
    documents_online = models.BooleanField(_("documents are freely available online"), default=True)
    award_method = models.CharField(_("award method"), max_length=20, choices=AwardMethod.choices)
    price_weight = models.DecimalField(
        _("price weight"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Weighted points: with the criteria weights it adds up to 100."),
    )
    state = models.CharField(
        _("state"), max_length=30, choices=TenderState.choices, default=TenderState.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    award_decision_on = models.DateField(_("award decision sent on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-notice_date", "-pk"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def european_procedure_required(self) -> bool | None:
        """By the EU threshold of the notice date; None when none is set for it."""
        try:
            return law.requires_european_procedure(
                estimated_value=self.estimated_value, on=self.notice_date
            )
        except ValidationError:
            return None

    @property
    def timeline(self) -> Timeline:
        return Timeline(
            procedure=self.procedure,
            notice_date=self.notice_date,
            closing_date=timezone.localdate(self.closing_at),
            requests_deadline=self.requests_deadline,
            invitation_date=self.invitation_date,
            electronic=self.electronic,
            documents_online=self.documents_online,
        )


class Lot(models.Model):
    """A lot (perceel): a part of the tender awarded on its own."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="lots", verbose_name=_("tender")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="tenders_lot_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class AwardCriterion(models.Model):
    """A quality criterion: a weight (weighted points) or a maximum value in euros (award
    on value), scored on a scale."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("tender")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, null=True, blank=True)
    scale_min = models.DecimalField(_("scale minimum"), max_digits=7, decimal_places=2, default=0)
    scale_max = models.DecimalField(_("scale maximum"), max_digits=7, decimal_places=2)
    max_value = models.DecimalField(
        _("maximum value (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("award criterion")
        verbose_name_plural = _("award criteria")
        ordering = ["tender", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "name"], name="tenders_criterion_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A member board's demand for a tender, registered while the tender is in demand
    registration: its lines (`DemandLine`) are replaced as a whole on every change."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="participations", verbose_name=_("tender")
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="tender_participations",
        verbose_name=_("board"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["tender", "board__duo_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "board"], name="tenders_participation_one_per_board"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender} · {self.board.duo_number}"


class DemandLine(models.Model):
    """One location taking one product at one capacity in one lot, from `start`."""

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("participation"),
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="demand_lines", verbose_name=_("lot")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="demand_lines", verbose_name=_("location")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="demand_lines", verbose_name=_("product")
    )
    capacity = models.ForeignKey(
        CapacityOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("capacity")
    )
    start = models.DateField(_("wished start"))

    class Meta:
        verbose_name = _("demand line")
        verbose_name_plural = _("demand lines")
        ordering = ["participation", "lot__number", "location__code", "product__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "lot", "location", "product"],
                name="tenders_demandline_once_per_lot",
            )
        ]
        indexes = [models.Index(fields=["lot", "location"], name="tenders_line_lot_location")]

    def __str__(self) -> str:
        return f"{self.lot.number} {self.location.code} {self.product.code}"

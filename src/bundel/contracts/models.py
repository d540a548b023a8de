"""Framework contracts (raamovereenkomsten): what an awarded lot becomes. A contract has a
supplier, a term of at most `CONTRACT_MAX_YEARS`, a maximum (a yearly value or a quantity),
rates per product and capacity, the boards that take part and their call-offs. The rules
across rows (the term, the maximum, who may join) live in `services.py`."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bundel.accounts.constants import Role
from bundel.core.errors import RuleViolation

from .constants import QUANTITY_KINDS, ContractStatus, MaximumKind

CENT = Decimal("0.01")


class FrameworkContract(models.Model):
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    lot = models.OneToOneField(
        "tenders.Lot",
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("lot"),
        help_text=_("The awarded lot this contract follows from (one contract per lot)."),
    )
    supplier_name = models.CharField(_("supplier"), max_length=200)
    supplier_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="framework_contracts",
        limit_choices_to={"role": Role.SUPPLIER},
        verbose_name=_("supplier account"),
        help_text=_("Optional: the supplier's login, which then sees this contract."),
    )
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The last day of the contract."))
    maximum_kind = models.CharField(
        _("maximum in"), max_length=20, choices=MaximumKind.choices, default=MaximumKind.VALUE
    )
    maximum_value = models.DecimalField(
        _("maximum value (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(CENT)],
        help_text=_("The call-offs' yearly values (12 x rate x quantity) add up to this."),
    )
    maximum_quantity = models.PositiveIntegerField(
        _("maximum quantity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The call-offs' quantities (locations or units) add up to this."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework contract")
        verbose_name_plural = _("framework contracts")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="contracts_contract_ends_after_start",
                violation_error_message=_("A contract ends on or after its start."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        maximum_kind=MaximumKind.VALUE,
                        maximum_value__isnull=False,
                        maximum_quantity__isnull=True,
                    )
                    | Q(
                        maximum_kind__in=QUANTITY_KINDS,
                        maximum_value__isnull=True,
                        maximum_quantity__isnull=False,
                    )
                ),
                name="contracts_contract_one_maximum",
                violation_error_message=_(
                    "Give the maximum value for a maximum in euros, or the maximum quantity "
                    "for a maximum in locations or units (not both)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.supplier_name}"

    @property
    def in_value(self) -> bool:
        return self.maximum_kind == MaximumKind.VALUE

    @property
    def maximum(self) -> Decimal | int:
        return self.maximum_value if self.in_value else self.maximum_quantity

    @property
    def used(self) -> Decimal | int:
        """What the call-offs use of the maximum; needs `selectors.with_figures`."""
        if self.in_value:
            return Decimal(self.used_value).quantize(CENT)
        return self.used_quantity

    @property
    def headroom(self) -> Decimal | int:
        return self.maximum - self.used

    @property
    def used_percent(self) -> Decimal:
        return (Decimal(self.used) * 100 / Decimal(self.maximum)).quantize(Decimal("0.1"))

    def status(self, on: date) -> ContractStatus:
        if on < self.starts_on:
            return ContractStatus.UPCOMING
        if on > self.ends_on:
            return ContractStatus.ENDED
        return ContractStatus.RUNNING

    def runs_on(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on


class ContractRate(models.Model):
    """The negotiated monthly rate of one capacity of a product (per location)."""

    contract = models.ForeignKey(
        FrameworkContract,
        on_delete=models.CASCADE,
        related_name="rates",
        verbose_name=_("framework contract"),
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    capacity = models.ForeignKey(
        "catalogue.CapacityOption",
        on_delete=models.PROTECT,
        related_name="contract_rates",
        verbose_name=_("capacity"),
    )
    monthly_rate = models.DecimalField(
        _("rate per month (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
    )

    class Meta:
        verbose_name = _("contract rate")
        verbose_name_plural = _("contract rates")
        ordering = ["contract", "product__group__position", "product__position", "capacity"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "capacity"], name="contracts_rate_unique_capacity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.capacity}: {self.monthly_rate}"

    def clean(self) -> None:
        """The capacity is one of the product's, and the product belongs to a product group
        the tender was for."""
        if self.capacity_id and self.product_id and self.capacity.product_id != self.product_id:
            raise RuleViolation(
                _("Capacity %(capacity)s is not a capacity of %(product)s."),
                code="capacity_of_product",
                params={"capacity": self.capacity.label, "product": self.product.name},
            )
        contract = getattr(self, "contract", None)
        if contract is None or not contract.lot_id or not self.product_id:
            return
        tender = contract.lot.tender
        groups = list(tender.product_groups.all())
        if self.product.group_id not in {group.pk for group in groups}:
            raise RuleViolation(
                _(
                    "%(product)s is not in the product groups of the tender %(tender)r "
                    "(%(groups)s), so the contract has no rate for it."
                ),
                code="product_group",
                params={
                    "product": self.product.name,
                    "tender": tender.title,
                    "groups": ", ".join(group.name for group in groups),
                    "product_code": self.product.code,
                },
            )


class ContractParticipant(models.Model):
    """A board taking part in a contract: from its award or joined later."""

    contract = models.ForeignKey(
        FrameworkContract,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("framework contract"),
    )
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="contract_participations",
        verbose_name=_("board"),
    )
    joined_on = models.DateField(_("joined on"))
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("joined by"),
    )
    joined_later = models.BooleanField(
        _("joined later"), default=False, help_text=_("Joined after the contract was made.")
    )

    class Meta:
        verbose_name = _("participating board")
        verbose_name_plural = _("participating boards")
        ordering = ["contract", "joined_on", "board__duo_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "board"], name="contracts_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.board.duo_number}"


class CallOff(models.Model):
    """A board ordering under the contract (nadere opdracht): one product and capacity, a
    quantity, at the rate of the day. It counts against the contract's maximum."""

    contract = models.ForeignKey(
        FrameworkContract,
        on_delete=models.PROTECT,
        related_name="call_offs",
        verbose_name=_("framework contract"),
    )
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="call_offs",
        verbose_name=_("board"),
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    capacity = models.ForeignKey(
        "catalogue.CapacityOption",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("capacity"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    monthly_rate = models.DecimalField(_("rate per month (EUR)"), max_digits=10, decimal_places=2)
    yearly_value = models.DecimalField(
        _("yearly value (EUR)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("12 x the rate x the quantity."),
    )
    starts_on = models.DateField(_("from"))
    subscription = models.ForeignKey(
        "subscriptions.Subscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subscription"),
        help_text=_("When the call-off came from an order of the catalogue."),
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call-off")
        verbose_name_plural = _("call-offs")
        ordering = ["contract", "-placed_at", "-pk"]
        indexes = [models.Index(fields=["board", "contract"])]

    def __str__(self) -> str:
        return (
            f"{self.contract.reference}: {self.board.duo_number} {self.quantity} x {self.capacity}"
        )

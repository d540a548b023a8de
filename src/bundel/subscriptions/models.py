"""What boards take from the catalogue: orders, subscriptions per location, capacity
changes, and the phased migration of a board's locations (waves)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import OPEN_STATES, SubscriptionState, WaveState


class Order(models.Model):
    """Lines accepted together: an order is stored only when every line passes the rules."""

    board = models.ForeignKey(
        "registry.Board", on_delete=models.PROTECT, related_name="orders", verbose_name=_("board")
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
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"{self.board.duo_number} #{self.pk}"


class MigrationWave(models.Model):
    """A phase of a board's migration: on `date` these locations move to the new service."""

    board = models.ForeignKey(
        "registry.Board", on_delete=models.CASCADE, related_name="waves", verbose_name=_("board")
    )
    name = models.CharField(_("name"), max_length=100)
    date = models.DateField(_("date"))
    state = models.CharField(
        _("state"), max_length=20, choices=WaveState.choices, default=WaveState.PLANNED
    )
    locations = models.ManyToManyField(
        "registry.Location", related_name="waves", verbose_name=_("locations")
    )

    class Meta:
        verbose_name = _("migration wave")
        verbose_name_plural = _("migration waves")
        ordering = ["board", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.board.duo_number}: {self.name} ({self.date})"


class Subscription(models.Model):
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("board"),
    )
    location = models.ForeignKey(
        "registry.Location",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("location"),
    )
    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("product"),
    )
    capacity = models.ForeignKey(
        "catalogue.CapacityOption",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("capacity"),
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("order")
    )
    wave = models.ForeignKey(
        MigrationWave,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("migration wave"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=SubscriptionState.choices,
        default=SubscriptionState.REQUESTED,
    )
    monthly_price = models.DecimalField(
        _("price per month (EUR)"),
        max_digits=10,
        decimal_places=2,
        help_text=_("The catalogue price, or the framework contract's rate, when ordered."),
    )
    surcharge_factor = models.DecimalField(
        _("surcharge factor"),
        max_digits=6,
        decimal_places=4,
        help_text=_("1 + the purchasing and service surcharges, when ordered."),
    )
    wished_start = models.DateField(_("wished start"))
    active_on = models.DateField(_("active since"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["location__code", "product__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "product"],
                condition=Q(state__in=OPEN_STATES),
                name="subscription_one_open_per_location_product",
                violation_error_message=_("This location already takes this product."),
            )
        ]
        indexes = [models.Index(fields=["board", "state"])]

    def __str__(self) -> str:
        return f"{self.location.code} {self.product.code} ({self.capacity.label})"

    @property
    def monthly_charge(self):
        return charge_per_month(self.monthly_price, self.surcharge_factor)


def charge_per_month(price, surcharge_factor):
    """The price with the surcharges, to the cent (a subscription's `monthly_charge`)."""
    return (price * surcharge_factor).quantize(price)


class CapacityChange(models.Model):
    """A modification of a subscription's capacity, with its own date and price."""

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("subscription"),
    )
    date = models.DateField(_("from"))
    old_capacity = models.ForeignKey(
        "catalogue.CapacityOption",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("old capacity"),
    )
    new_capacity = models.ForeignKey(
        "catalogue.CapacityOption",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("new capacity"),
    )
    old_price = models.DecimalField(_("old price"), max_digits=10, decimal_places=2)
    new_price = models.DecimalField(_("new price"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("capacity change")
        verbose_name_plural = _("capacity changes")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.subscription}: {self.old_capacity.label} -> {self.new_capacity.label}"

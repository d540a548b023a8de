"""The service catalogue as data: product groups, products, capacities and prices, and the
rules between products (taking A at a location requires B there)."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bundel.core.errors import RuleViolation

from .constants import GroupStatus, Lifecycle, RuleKind

code_validator = RegexValidator(r"^[a-z0-9][a-z0-9_-]*$", _("Lower-case letters, digits, - and _."))


class Bilingual(models.Model):
    """Name and description in Dutch and English; `name` follows the active language."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        english = (get_language() or "nl").startswith("en")
        return self.description_en if english else self.description_nl


class ProductGroup(Bilingual):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.OFFERED
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Product(Bilingual):
    group = models.ForeignKey(
        ProductGroup, on_delete=models.PROTECT, related_name="products", verbose_name=_("group")
    )
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    includes_nl = models.TextField(_("what the managed service includes (Dutch)"), blank=True)
    includes_en = models.TextField(_("what the managed service includes (English)"), blank=True)
    lifecycle = models.CharField(
        _("lifecycle"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.EXPLORING
    )
    min_term_months = models.PositiveSmallIntegerField(_("minimum term (months)"), default=12)
    purchasing_surcharge = models.DecimalField(
        _("purchasing surcharge (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    service_surcharge = models.DecimalField(
        _("service surcharge (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_optional = models.BooleanField(
        _("optional service"),
        default=False,
        help_text=_("Offered only when there is enough demand (see the demand threshold)."),
    )
    demand_threshold = models.PositiveIntegerField(
        _("demand threshold (locations)"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["group__position", "position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def includes(self) -> str:
        return self.includes_en if (get_language() or "nl").startswith("en") else self.includes_nl

    @property
    def is_orderable(self) -> bool:
        return self.lifecycle == Lifecycle.AVAILABLE

    @property
    def surcharge_factor(self) -> Decimal:
        return 1 + (self.purchasing_surcharge + self.service_surcharge) / 100


class CapacityOption(models.Model):
    """A capacity chosen per location (a bandwidth tier, a wifi class) with its price.
    A product without a choice has one option."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("product")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    label = models.CharField(_("label"), max_length=100)
    monthly_price = models.DecimalField(
        _("catalogue price per month (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("capacity option")
        verbose_name_plural = _("capacity options")
        ordering = ["product", "position", "monthly_price"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="capacity_unique_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product.code}: {self.label}"


class ProductRule(models.Model):
    """Taking `product` at a location requires `required` at that location; and
    `required` cannot be ended there while `product` is active."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=RuleKind.choices, default=RuleKind.REQUIRES
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="rules", verbose_name=_("product")
    )
    required = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="required_by",
        verbose_name=_("requires"),
    )

    class Meta:
        verbose_name = _("product rule")
        verbose_name_plural = _("product rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "product", "required"], name="rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.kind} {self.required.code}"

    def clean(self) -> None:
        self.check_graph()

    def check_graph(self) -> None:
        """Refuse a product requiring itself and a rule that closes a circle (A requires B
        requires A): at a location taking both, neither could ever be ended first. The
        admin's form validation and `services.rule_add` both call this."""
        if not (self.product_id and self.required_id):
            return
        if self.product_id == self.required_id:
            raise RuleViolation(_("A product cannot require itself."), code="self")
        path = self._requires_path(self.required_id, self.product_id)
        if path:
            names = {p.pk: p.name for p in Product.objects.filter(pk__in=path)}
            raise RuleViolation(
                _(
                    "%(product)s cannot require %(required)s: %(required)s already requires "
                    "%(product)s (%(path)s), so neither could ever be ended."
                )
                % {
                    "product": names[self.product_id],
                    "required": names[self.required_id],
                    "path": " → ".join(names[pk] for pk in [self.product_id, *path]),
                },
                code="cycle",
            )

    def _requires_path(self, start: int, goal: int) -> list[int]:
        """The products from `start` to `goal` following the other rules of this kind
        (breadth first, so the shortest), or [] when `goal` cannot be reached."""
        edges: dict[int, list[int]] = {}
        rules = ProductRule.objects.filter(kind=self.kind).exclude(pk=self.pk)
        for product_id, required_id in rules.values_list("product_id", "required_id"):
            edges.setdefault(product_id, []).append(required_id)
        came_from: dict[int, int | None] = {start: None}
        queue = [start]
        for current in queue:
            if current == goal:
                path = [current]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return path[::-1]
            for following in edges.get(current, []):
                if following not in came_from:
                    came_from[following] = current
                    queue.append(following)
        return []

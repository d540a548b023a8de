"""The bundled demand of a tender (vraagbundeling): what the member boards registered,
added up per lot, per product and capacity, and per province.

Figures: locations, boards and pupils covered, and the yearly value at catalogue prices
(12 x the capacity's monthly price, without the cooperative's surcharges). A location's
pupils are its pupil counts at the latest count date of each sector type
(`registry.selectors.latest_count_dates`); a location counts once per lot however many
products it takes there, and once in the totals however many lots it is in.

Everything is added up by the database, in a fixed number of queries whatever the number
of lines: `bundled_demand` makes 8 (the count dates, the lots, the catalogue, then per lot
and capacity, per lot, the totals' locations and pupils, their boards, and the optional
services), 11 with the provinces.
Python only arranges the aggregated rows (and adds up the values of the rows of a lot:
a value adds up over capacities, unlike locations and pupils).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, FilteredRelation, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from bundel.catalogue.models import CapacityOption, Product
from bundel.registry.models import Location
from bundel.registry.selectors import latest_count_dates

from .models import DemandLine, Lot, Participation, Tender

MONTHS = 12
CENTS = Decimal("0.01")


@dataclass
class Figures:
    locations: int = 0
    boards: int = 0
    pupils: int = 0
    value: Decimal = Decimal("0.00")  # per year, at catalogue prices


@dataclass
class ProvinceDemand:
    province: str
    figures: Figures


@dataclass
class ProductDemand:
    product: Product
    capacity: CapacityOption
    figures: Figures
    provinces: list[ProvinceDemand] = field(default_factory=list)


@dataclass
class LotDemand:
    lot: Lot
    figures: Figures
    products: list[ProductDemand] = field(default_factory=list)
    provinces: list[ProvinceDemand] = field(default_factory=list)


@dataclass
class OptionalDemand:
    """An optional service ("if there is enough demand") and its demand threshold in
    locations (the catalogue's `Product.demand_threshold`)."""

    product: Product
    locations: int
    threshold: int | None

    @property
    def reached(self) -> bool:
        return self.threshold is not None and self.locations >= self.threshold

    @property
    def missing(self) -> int:
        return max((self.threshold or 0) - self.locations, 0)


@dataclass
class BundledDemand:
    tender: Tender
    count_dates: dict[str, date]
    lots: list[LotDemand]
    totals: Figures
    optional: list[OptionalDemand]
    provinces: list[ProvinceDemand]  # the whole tender; empty without `provinces`

    @property
    def rows(self) -> list[tuple[LotDemand, ProductDemand, ProvinceDemand]]:
        """The finest figures: per lot, product and capacity, and province."""
        return [
            (lot, product, province)
            for lot in self.lots
            for product in lot.products
            for province in product.provinces
        ]


def _current_counts(dates: dict[str, date], prefix: str = "location__pupil_counts__") -> Q:
    """The pupil counts at the latest count date of their sector type (seen from a line,
    or from a location with `prefix="pupil_counts__"`)."""
    if not dates:
        return Q(**{f"{prefix}count_date__isnull": True})  # no count at all: never
    return reduce(
        or_, (Q(**{f"{prefix}sector_type": t, f"{prefix}count_date": d}) for t, d in dates.items())
    )


def _counted(lines: QuerySet[DemandLine], dates: dict[str, date]) -> QuerySet[DemandLine]:
    """Each line joined to its location's current pupil counts (a left join: a location
    without a count has no pupils). A location may have counts of several sector types
    (so and vso): its lines then appear once per count, which distinct counts and the sum
    of the pupils allow for, and the value below too."""
    return lines.annotate(
        counted=FilteredRelation("location__pupil_counts", condition=_current_counts(dates))
    )


PUPILS = Coalesce(Sum("counted__pupils"), 0)
LOCATIONS = Count("location", distinct=True)
BOARDS = Count("participation__board", distinct=True)


def _per_capacity(lines, *group: str):
    """Per capacity (one price in a group): the value is the price times the lines."""
    return lines.values(*group, "capacity_id").annotate(
        locations=LOCATIONS,
        boards=BOARDS,
        pupils=PUPILS,
        count=Count("pk", distinct=True),
        price=Max("capacity__monthly_price"),
    )


def _once(lines, *group: str):
    """Each location once per `group`: only the first line of a location in a lot (the
    lot's or the tender's figures)."""
    return lines.values(*group).annotate(locations=LOCATIONS, boards=BOARDS, pupils=PUPILS)


def _totals(tender: Tender, lines, dates: dict[str, date], value: Decimal) -> Figures:
    """Each location once, from the locations' side (a semi-join: cheaper than picking
    a first line); the boards are the participations with lines (one per board)."""
    current = _current_counts(dates, prefix="pupil_counts__")
    places = (
        Location.objects.filter(pk__in=lines.values("location_id"))
        .annotate(counted=FilteredRelation("pupil_counts", condition=current))
        .aggregate(locations=Count("pk", distinct=True), pupils=PUPILS)
    )
    boards = (
        Participation.objects.filter(tender=tender)
        .filter(Exists(DemandLine.objects.filter(participation=OuterRef("pk"))))
        .count()
    )
    return _figures({**places, "boards": boards}, value)


def _first_in_lot() -> Exists:
    """The line of its location in its lot with the lowest id."""
    return ~Exists(
        DemandLine.objects.filter(
            lot=OuterRef("lot"), location=OuterRef("location"), pk__lt=OuterRef("pk")
        )
    )


def _first_in_tender(tender: Tender) -> Exists:
    return ~Exists(
        DemandLine.objects.filter(
            lot__tender_id=tender.pk, location=OuterRef("location"), pk__lt=OuterRef("pk")
        )
    )


def _figures(row: dict, value: Decimal | None = None) -> Figures:
    if value is None:
        value = Decimal(row["price"]) * row["count"] * MONTHS
    return Figures(
        locations=row["locations"],
        boards=row["boards"],
        pupils=row["pupils"] or 0,
        value=Decimal(value).quantize(CENTS),
    )


def demand_lines(tender: Tender) -> QuerySet[DemandLine]:
    return DemandLine.objects.filter(participation__tender=tender).order_by()


def bundled_demand(tender: Tender, *, provinces: bool = True) -> BundledDemand:
    """The bundled demand of `tender`; `provinces=False` leaves out the figures per
    province (the API's default)."""
    dates = latest_count_dates()
    lines = demand_lines(tender)
    counted = _counted(lines, dates)
    lots = list(Lot.objects.filter(tender=tender).order_by("number"))
    options = {
        option.pk: option
        for option in CapacityOption.objects.filter(product__group__tenders=tender)
        .select_related("product")
        .order_by("product__position", "product__code", "position", "monthly_price")
    }
    # The values add up over capacities: a lot's value is the sum of its rows'.
    products = defaultdict(dict)
    value = defaultdict(Decimal)
    for row in _per_capacity(counted, "lot_id"):
        figures = _figures(row)
        products[row["lot_id"]][row["capacity_id"]] = figures
        value[row["lot_id"]] += figures.value
    lot_figures = {
        row["lot_id"]: _figures(row, value[row["lot_id"]])
        for row in _once(counted.filter(_first_in_lot()), "lot_id")
    }
    totals = _totals(tender, lines, dates, sum(value.values(), Decimal(0)))

    by_product_province = defaultdict(list)
    by_lot_province = defaultdict(list)
    whole = []
    if provinces:
        province = "location__province"
        value_of = defaultdict(Decimal)  # (lot, province) and province: the sums of values
        for row in _per_capacity(counted, "lot_id", province):
            figures = _figures(row)
            key = (row["lot_id"], row["capacity_id"])
            by_product_province[key].append(ProvinceDemand(row[province], figures))
            value_of[(row["lot_id"], row[province])] += figures.value
            value_of[row[province]] += figures.value
        for row in _once(counted.filter(_first_in_lot()), "lot_id", province):
            figures = _figures(row, value_of[(row["lot_id"], row[province])])
            by_lot_province[row["lot_id"]].append(ProvinceDemand(row[province], figures))
        whole = [
            ProvinceDemand(row[province], _figures(row, value_of[row[province]]))
            for row in _once(counted.filter(_first_in_tender(tender)), province)
        ]

    result = []
    for lot in lots:
        demand = LotDemand(lot, lot_figures.get(lot.pk, Figures()))
        for option_id, option in options.items():
            figures = products[lot.pk].get(option_id)
            if figures is None:
                continue
            rows = sorted(by_product_province[(lot.pk, option_id)], key=_by_province)
            demand.products.append(ProductDemand(option.product, option, figures, rows))
        demand.provinces = sorted(by_lot_province[lot.pk], key=_by_province)
        result.append(demand)
    return BundledDemand(
        tender=tender,
        count_dates=dates,
        lots=result,
        totals=totals,
        optional=_optional(lines, options),
        provinces=sorted(whole, key=_by_province),
    )


def _by_province(row: ProvinceDemand) -> str:
    return row.province or "~"  # locations without a province last


def _optional(lines, options: dict) -> list[OptionalDemand]:
    """Every optional product of the tender's groups with the distinct locations that
    registered it (in any lot) against its threshold."""
    optional = {}
    for option in options.values():
        if option.product.is_optional:
            optional[option.product.pk] = option.product
    if not optional:
        return []
    counts = dict(
        lines.filter(product__in=optional)
        .values("product_id")
        .annotate(n=Count("location", distinct=True))
        .values_list("product_id", "n")
    )
    return [
        OptionalDemand(product, counts.get(pk, 0), product.demand_threshold)
        for pk, product in optional.items()
    ]

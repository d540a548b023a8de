"""Award methods for the best price-quality ratio: pure functions on Decimal.

- Weighted points (`rank_points`): price points = lowest price / this price x price weight;
  quality points per criterion = score / scale maximum x criterion weight (scores run from
  0 to the scale maximum); the price weight and the criteria weights add up to 100; the
  highest total wins.
- Award on value, "gunnen op waarde" (`rank_value`): each quality criterion has a maximum
  value in euros; a score earns that share of it, linear from the scale's minimum (nothing)
  to its maximum (all); fictitious price = price - the earned values; the lowest wins.

Every figure is rounded to cents (half up) as it is shown, and a total is the sum of the
shown figures, so a table adds up; the rank follows the total, and equal totals share a
rank (1, 1, 3). Ties keep the order the bids were given in.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from bundel.core.errors import RuleViolation

from .constants import AwardMethod

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PointsCriterion:
    name: str
    weight: Decimal
    scale_max: Decimal


@dataclass(frozen=True)
class ValueCriterion:
    name: str
    max_value: Decimal
    scale_min: Decimal
    scale_max: Decimal


@dataclass(frozen=True)
class Bid:
    bidder: str
    price: Decimal
    scores: Mapping[str, Decimal]


@dataclass(frozen=True)
class PointsResult:
    bidder: str
    rank: int
    price: Decimal
    price_points: Decimal
    quality_points: dict[str, Decimal]  # per criterion, in the criteria's order
    quality_total: Decimal
    total: Decimal


@dataclass(frozen=True)
class ValueResult:
    bidder: str
    rank: int
    price: Decimal
    earned_values: dict[str, Decimal]  # per criterion, in the criteria's order
    total_value: Decimal
    fictitious_price: Decimal


@dataclass(frozen=True)
class Ranking:
    method: str
    criteria: list[str]
    results: list[PointsResult] | list[ValueResult]


def _decimal(value) -> Decimal:
    """Decimal from a Decimal, int or str (a float through its shortest text)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ranks(totals: Sequence[Decimal], *, higher_wins: bool) -> list[tuple[int, int]]:
    """(index, rank) best first; equal totals share the rank of the first of them."""
    order = sorted(range(len(totals)), key=lambda i: -totals[i] if higher_wins else totals[i])
    ranked, rank = [], 0
    for position, index in enumerate(order):
        if position == 0 or totals[index] != totals[order[position - 1]]:
            rank = position + 1
        ranked.append((index, rank))
    return ranked


def _check_names(names: Iterable[str], *, code: str) -> None:
    """Bidders (`code="bidder"`) or criteria (`code="criterion"`): named, each once."""
    seen = set()
    for name in names:
        if not name or not name.strip():
            if code == "bidder":
                raise RuleViolation(_("Every bid needs a bidder's name."), code="bidder_name")
            raise RuleViolation(_("Every criterion needs a name."), code="criterion_name")
        if name in seen:
            if code == "bidder":
                message = _("The bidder %(name)r is given twice; each bidder bids once.")
            else:
                message = _("The criterion %(name)r is given twice; names must be unique.")
            raise RuleViolation(message, code=f"duplicate_{code}", params={"name": name})
        seen.add(name)


def _check_bids(
    bids: Sequence[Bid], names: Sequence[str], scale: Callable[[str], tuple[Decimal, Decimal]]
) -> None:
    if not bids:
        raise RuleViolation(_("Give at least one bid."), code="no_bids")
    _check_names((bid.bidder for bid in bids), code="bidder")
    for bid in bids:
        if bid.price <= 0:
            raise RuleViolation(
                _("The price of %(bidder)s must be more than 0 (it is %(price)s)."),
                code="price",
                params={"bidder": bid.bidder, "price": bid.price},
            )
        for name in bid.scores:
            if name not in names:
                raise RuleViolation(
                    _("%(bidder)s has a score for %(criterion)r, which is not a criterion."),
                    code="unknown_criterion",
                    params={"bidder": bid.bidder, "criterion": name},
                )
        for name in names:
            if name not in bid.scores:
                raise RuleViolation(
                    _("%(bidder)s has no score for %(criterion)r."),
                    code="missing_score",
                    params={"bidder": bid.bidder, "criterion": name},
                )
            low, high = scale(name)
            if not low <= bid.scores[name] <= high:
                raise RuleViolation(
                    _(
                        "The score %(score)s of %(bidder)s for %(criterion)r is outside its "
                        "scale of %(low)s to %(high)s."
                    ),
                    code="score_outside_scale",
                    params={
                        "bidder": bid.bidder,
                        "criterion": name,
                        "score": bid.scores[name],
                        "low": low,
                        "high": high,
                    },
                )


def check_points_criteria(price_weight: Decimal, criteria: Sequence[PointsCriterion]) -> None:
    _check_names((c.name for c in criteria), code="criterion")
    if not 0 <= price_weight <= HUNDRED:
        raise RuleViolation(
            _("The price weight must lie between 0 and 100 (it is %(weight)s)."),
            code="price_weight",
            params={"weight": price_weight},
        )
    for criterion in criteria:
        if criterion.weight <= 0:
            raise RuleViolation(
                _("The weight of %(criterion)r must be more than 0 (it is %(weight)s)."),
                code="criterion_weight",
                params={"criterion": criterion.name, "weight": criterion.weight},
            )
        if criterion.scale_max <= 0:
            raise RuleViolation(
                _("The scale maximum of %(criterion)r must be more than 0 (it is %(max)s)."),
                code="scale",
                params={"criterion": criterion.name, "max": criterion.scale_max},
            )
    quality = sum((c.weight for c in criteria), Decimal(0))
    if price_weight + quality != HUNDRED:
        raise RuleViolation(
            _(
                "The weights must add up to 100: the price weight %(price)s and the criteria "
                "weights %(quality)s add up to %(total)s."
            ),
            code="weights_total",
            params={"price": price_weight, "quality": quality, "total": price_weight + quality},
        )


def rank_points(
    *, price_weight: Decimal, criteria: Sequence[PointsCriterion], bids: Sequence[Bid]
) -> list[PointsResult]:
    """Weighted points: the highest total wins."""
    check_points_criteria(price_weight, criteria)
    by_name = {c.name: c for c in criteria}
    _check_bids(bids, list(by_name), lambda name: (Decimal(0), by_name[name].scale_max))
    lowest = min(bid.price for bid in bids)
    rows = []
    for bid in bids:
        price_points = cents(price_weight * lowest / bid.price)
        quality = {c.name: cents(c.weight * bid.scores[c.name] / c.scale_max) for c in criteria}
        quality_total = sum(quality.values(), Decimal("0.00"))
        rows.append((bid, price_points, quality, quality_total, price_points + quality_total))
    ranked = _ranks([row[4] for row in rows], higher_wins=True)
    return [
        PointsResult(
            bidder=rows[i][0].bidder,
            rank=rank,
            price=rows[i][0].price,
            price_points=rows[i][1],
            quality_points=rows[i][2],
            quality_total=rows[i][3],
            total=rows[i][4],
        )
        for i, rank in ranked
    ]


def check_value_criteria(criteria: Sequence[ValueCriterion]) -> None:
    _check_names((c.name for c in criteria), code="criterion")
    for criterion in criteria:
        if criterion.max_value < 0:
            raise RuleViolation(
                _("The maximum value of %(criterion)r cannot be negative (it is %(value)s)."),
                code="max_value",
                params={"criterion": criterion.name, "value": criterion.max_value},
            )
        if criterion.scale_min >= criterion.scale_max:
            raise RuleViolation(
                _(
                    "The scale of %(criterion)r must run upwards: its minimum %(min)s is not "
                    "below its maximum %(max)s."
                ),
                code="scale",
                params={
                    "criterion": criterion.name,
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                },
            )


def rank_value(*, criteria: Sequence[ValueCriterion], bids: Sequence[Bid]) -> list[ValueResult]:
    """Award on value: the lowest fictitious price wins."""
    check_value_criteria(criteria)
    by_name = {c.name: c for c in criteria}
    _check_bids(
        bids, list(by_name), lambda name: (by_name[name].scale_min, by_name[name].scale_max)
    )
    rows = []
    for bid in bids:
        earned = {
            c.name: cents(
                c.max_value * (bid.scores[c.name] - c.scale_min) / (c.scale_max - c.scale_min)
            )
            for c in criteria
        }
        total_value = sum(earned.values(), Decimal("0.00"))
        rows.append((bid, earned, total_value, cents(bid.price) - total_value))
    ranked = _ranks([row[3] for row in rows], higher_wins=False)
    return [
        ValueResult(
            bidder=rows[i][0].bidder,
            rank=rank,
            price=rows[i][0].price,
            earned_values=rows[i][1],
            total_value=rows[i][2],
            fictitious_price=rows[i][3],
        )
        for i, rank in ranked
    ]


def simulate(
    *,
    method: str,
    criteria: Sequence[Mapping],
    bids: Sequence[Mapping],
    price_weight: Decimal | None = None,
) -> Ranking:
    """One entry for the simulation page and API: plain mappings in, a ranking out.

    criteria: points `{"name", "weight", "scale_max"}`; value `{"name", "max_value",
    "scale_min", "scale_max"}`. bids: `{"bidder", "price", "scores": {name: score}}`.
    """
    offers = [
        Bid(
            bidder=bid["bidder"],
            price=_decimal(bid["price"]),
            scores={name: _decimal(score) for name, score in bid["scores"].items()},
        )
        for bid in bids
    ]
    names = [c["name"] for c in criteria]
    if method == AwardMethod.POINTS:
        if price_weight is None:
            raise RuleViolation(
                _("The weighted points method needs a price weight."), code="price_weight"
            )
        results = rank_points(
            price_weight=_decimal(price_weight),
            criteria=[
                PointsCriterion(
                    name=c["name"], weight=_decimal(c["weight"]), scale_max=_decimal(c["scale_max"])
                )
                for c in criteria
            ],
            bids=offers,
        )
    elif method == AwardMethod.VALUE:
        results = rank_value(
            criteria=[
                ValueCriterion(
                    name=c["name"],
                    max_value=_decimal(c["max_value"]),
                    scale_min=_decimal(c["scale_min"]),
                    scale_max=_decimal(c["scale_max"]),
                )
                for c in criteria
            ],
            bids=offers,
        )
    else:
        raise RuleViolation(
            _("Unknown award method %(method)r; choose %(choices)s."),
            code="method",
            params={"method": method, "choices": ", ".join(AwardMethod.values)},
        )
    return Ranking(method=method, criteria=names, results=results)

"""Award methods on worked examples computed by hand, their refusals, and their laws."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bundel.core.errors import RuleViolation
from bundel.tenders.award import (
    Bid,
    PointsCriterion,
    ValueCriterion,
    cents,
    rank_points,
    rank_value,
    simulate,
)

D = Decimal


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def bid(bidder: str, price: str, **scores) -> Bid:
    return Bid(bidder=bidder, price=D(price), scores={k: D(str(v)) for k, v in scores.items()})


def table(results) -> list[tuple]:
    return [
        (r.bidder, r.rank, str(getattr(r, "total", None) or r.fictitious_price)) for r in results
    ]


# --- weighted points ----------------------------------------------------------------


def test_the_issues_example_b_wins_with_90_against_80():
    results = rank_points(
        price_weight=D(60),
        criteria=[PointsCriterion("Q", weight=D(40), scale_max=D(10))],
        bids=[bid("A", "100000", Q=5), bid("B", "120000", Q=10)],
    )

    b, a = results
    assert (b.bidder, b.rank, b.price_points, b.quality_points, b.total) == (
        "B",
        1,
        D("50.00"),  # 100,000 / 120,000 x 60
        {"Q": D("40.00")},  # 10 / 10 x 40
        D("90.00"),
    )
    assert (a.bidder, a.rank, a.price_points, a.quality_points, a.total) == (
        "A",
        2,
        D("60.00"),
        {"Q": D("20.00")},  # 5 / 10 x 40
        D("80.00"),
    )


def test_three_bids_two_criteria_rounded_to_cents():
    results = rank_points(
        price_weight=D(50),
        criteria=[
            PointsCriterion("Plan", weight=D(30), scale_max=D(10)),
            PointsCriterion("Service", weight=D(20), scale_max=D(5)),
        ],
        bids=[
            bid("X", "90000", Plan=7, Service=3),
            bid("Y", "95000", Plan=9, Service=4),
            bid("Z", "135000", Plan=10, Service=5),
        ],
    )

    assert [
        (r.bidder, r.rank, r.price_points, r.quality_points["Plan"], r.quality_points["Service"])
        for r in results
    ] == [
        # 90,000 / 95,000 x 50 = 47.368...; 9/10 x 30; 4/5 x 20
        ("Y", 1, D("47.37"), D("27.00"), D("16.00")),
        # 90,000 / 135,000 x 50 = 33.333...
        ("Z", 2, D("33.33"), D("30.00"), D("20.00")),
        ("X", 3, D("50.00"), D("21.00"), D("12.00")),
    ]
    assert table(results) == [("Y", 1, "90.37"), ("Z", 2, "83.33"), ("X", 3, "83.00")]
    assert [r.quality_total for r in results] == [D("43.00"), D("50.00"), D("33.00")]


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    results = rank_points(
        price_weight=D(40),
        criteria=[PointsCriterion("Q", weight=D(60), scale_max=D(10))],
        bids=[bid("P", "100000", Q=5), bid("R", "160000", Q=4), bid("Q", "400000", Q=10)],
    )

    # P 40 + 30 = 70; Q 10 + 60 = 70; R 25 + 24 = 49.
    assert table(results) == [("P", 1, "70.00"), ("Q", 1, "70.00"), ("R", 3, "49.00")]


def test_results_that_round_to_the_same_cents_share_a_rank():
    results = rank_points(
        price_weight=D(100), criteria=[], bids=[bid("A", "300000"), bid("B", "300001")]
    )
    # 300,000 / 300,001 x 100 = 99.99967: shown as 100.00, the same result as A's.
    assert table(results) == [("A", 1, "100.00"), ("B", 1, "100.00")]


def test_decimal_weights_and_scores():
    results = rank_points(
        price_weight=D("33.5"),
        criteria=[PointsCriterion("Q", weight=D("66.5"), scale_max=D(10))],
        bids=[bid("A", "1000.00", Q="7.5"), bid("B", "999.99", Q=7)],
    )
    # A: 999.99 / 1000 x 33.5 = 33.4996... -> 33.50; 7.5/10 x 66.5 = 49.875 -> 49.88
    # B: 33.50; 7/10 x 66.5 = 46.55
    assert [(r.bidder, r.price_points, r.total) for r in results] == [
        ("A", D("33.50"), D("83.38")),
        ("B", D("33.50"), D("80.05")),
    ]


# --- award on value -----------------------------------------------------------------

VALUE_CRITERIA = [
    ValueCriterion("Quality", max_value=D(20000), scale_min=D(0), scale_max=D(10)),
    ValueCriterion("Sustainability", max_value=D(5000), scale_min=D(1), scale_max=D(5)),
]


def test_award_on_value_lowest_fictitious_price_wins():
    results = rank_value(
        criteria=VALUE_CRITERIA,
        bids=[
            bid("A", "100000", Quality=5, Sustainability=3),
            bid("B", "110000", Quality=10, Sustainability=5),
            bid("C", "95000", Quality=2, Sustainability=1),
        ],
    )

    assert [
        (r.bidder, r.rank, r.earned_values, r.total_value, r.fictitious_price) for r in results
    ] == [
        # 20,000 x 10/10 + 5,000 x (5-1)/(5-1)
        ("B", 1, {"Quality": D("20000.00"), "Sustainability": D("5000.00")}, D("25000.00"),
         D("85000.00")),
        # 20,000 x 5/10 + 5,000 x (3-1)/(5-1)
        ("A", 2, {"Quality": D("10000.00"), "Sustainability": D("2500.00")}, D("12500.00"),
         D("87500.00")),
        # the scale's minimum earns nothing
        ("C", 3, {"Quality": D("4000.00"), "Sustainability": D("0.00")}, D("4000.00"),
         D("91000.00")),
    ]  # fmt: skip


def test_award_on_value_rounds_earned_values_to_cents_and_ties_share_a_rank():
    criteria = [ValueCriterion("Plan", max_value=D(1000), scale_min=D(1), scale_max=D(4))]
    results = rank_value(
        criteria=criteria,
        bids=[
            bid("A", "10000", Plan=2),  # 1000 x 1/3 = 333.33
            bid("B", "10333.33", Plan=3),  # 1000 x 2/3 = 666.67 -> 9666.66
            bid("C", "9999.99", Plan=2),  # 9666.66
        ],
    )
    assert [(r.bidder, r.rank, r.total_value, r.fictitious_price) for r in results] == [
        ("B", 1, D("666.67"), D("9666.66")),
        ("C", 1, D("333.33"), D("9666.66")),
        ("A", 3, D("333.33"), D("9666.67")),
    ]


def test_value_may_earn_more_than_the_price():
    criteria = [ValueCriterion("Q", max_value=D(5000), scale_min=D(0), scale_max=D(1))]
    (result,) = rank_value(criteria=criteria, bids=[bid("A", "4000", Q=1)])
    assert result.fictitious_price == D("-1000.00")


# --- refusals -----------------------------------------------------------------------


def refused(call, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    return caught.value


POINTS_Q = [PointsCriterion("Q", weight=D(40), scale_max=D(10))]


def test_weights_must_add_up_to_100():
    error = refused(
        rank_points,
        price_weight=D(60),
        criteria=[PointsCriterion("Q", weight=D(30), scale_max=D(10))],
        bids=[bid("A", "1", Q=1)],
    )
    assert error.code == "weights_total"
    assert error.messages == [
        "The weights must add up to 100: the price weight 60 and the criteria weights 30 add up "
        "to 90."
    ]
    error = refused(
        rank_points, price_weight=D("60.01"), criteria=POINTS_Q, bids=[bid("A", "1", Q=1)]
    )
    assert error.params["total"] == D("100.01")


@pytest.mark.parametrize(
    ("score", "allowed"), [("0", True), ("10", True), ("-0.01", False), ("10.01", False)]
)
def test_points_scores_lie_on_the_scale_from_0_to_its_maximum(score, allowed):
    kwargs = {"price_weight": D(60), "criteria": POINTS_Q, "bids": [bid("A", "5", Q=score)]}
    if allowed:
        assert len(rank_points(**kwargs)) == 1
        return
    error = refused(rank_points, **kwargs)
    assert error.code == "score_outside_scale"
    assert error.messages == [f"The score {score} of A for 'Q' is outside its scale of 0 to 10."]


@pytest.mark.parametrize(
    ("score", "allowed"), [("1", True), ("5", True), ("0.99", False), ("5.01", False)]
)
def test_value_scores_lie_on_the_criterion_scale(score, allowed):
    criteria = [ValueCriterion("S", max_value=D(100), scale_min=D(1), scale_max=D(5))]
    kwargs = {"criteria": criteria, "bids": [bid("A", "5", S=score)]}
    if allowed:
        assert len(rank_value(**kwargs)) == 1
    else:
        assert refused(rank_value, **kwargs).params == {
            "bidder": "A",
            "criterion": "S",
            "score": D(score),
            "low": D(1),
            "high": D(5),
        }


@pytest.mark.parametrize(
    ("bids", "code", "message"),
    [
        ([], "no_bids", "Give at least one bid."),
        ([bid("A", "5")], "missing_score", "A has no score for 'Q'."),
        (
            [bid("A", "5", Q=1, R=2)],
            "unknown_criterion",
            "A has a score for 'R', which is not a criterion.",
        ),
        (
            [bid("A", "5", Q=1), bid("A", "6", Q=2)],
            "duplicate_bidder",
            "The bidder 'A' is given twice; each bidder bids once.",
        ),
        ([bid(" ", "5", Q=1)], "bidder_name", "Every bid needs a bidder's name."),
        ([bid("A", "0", Q=1)], "price", "The price of A must be more than 0 (it is 0)."),
    ],
)
def test_bids_that_cannot_be_ranked_are_refused(bids, code, message):
    error = refused(rank_points, price_weight=D(60), criteria=POINTS_Q, bids=bids)
    assert (error.code, error.messages) == (code, [message])


@pytest.mark.parametrize(
    ("criteria", "code"),
    [
        ([PointsCriterion("Q", D(20), D(10))] * 2, "duplicate_criterion"),
        ([PointsCriterion("", D(40), D(10))], "criterion_name"),
        ([PointsCriterion("Q", D(50), D(10)), PointsCriterion("R", D(-10), D(10))],
         "criterion_weight"),
        ([PointsCriterion("Q", D(40), D(0))], "scale"),
    ],
)  # fmt: skip
def test_points_criteria_that_make_no_sense_are_refused(criteria, code):
    assert refused(rank_points, price_weight=D(60), criteria=criteria, bids=[]).code == code


def test_price_weight_out_of_range_is_refused():
    error = refused(
        rank_points,
        price_weight=D(110),
        criteria=[PointsCriterion("Q", D(-10), D(10))],
        bids=[bid("A", "1", Q=1)],
    )
    assert error.code == "price_weight"


@pytest.mark.parametrize(
    ("criterion", "code"),
    [
        (ValueCriterion("S", max_value=D(-1), scale_min=D(0), scale_max=D(5)), "max_value"),
        (ValueCriterion("S", max_value=D(10), scale_min=D(5), scale_max=D(5)), "scale"),
    ],
)
def test_value_criteria_that_make_no_sense_are_refused(criterion, code):
    assert refused(rank_value, criteria=[criterion], bids=[bid("A", "5", S=5)]).code == code


def test_simulate_takes_plain_data_and_names_the_method():
    ranking = simulate(
        method="points",
        price_weight=60,
        criteria=[{"name": "Q", "weight": 40, "scale_max": 10}],
        bids=[
            {"bidder": "A", "price": "100000", "scores": {"Q": 5}},
            {"bidder": "B", "price": 120000, "scores": {"Q": "10"}},
        ],
    )
    assert (ranking.method, ranking.criteria) == ("points", ["Q"])
    assert table(ranking.results) == [("B", 1, "90.00"), ("A", 2, "80.00")]

    ranking = simulate(
        method="value",
        criteria=[{"name": "Q", "max_value": "10000", "scale_min": 0, "scale_max": 10}],
        bids=[{"bidder": "A", "price": 50000.5, "scores": {"Q": 5}}],
    )
    assert ranking.results[0].fictitious_price == D("45000.50")

    assert refused(simulate, method="points", criteria=[], bids=[]).code == "price_weight"
    assert refused(simulate, method="lottery", criteria=[], bids=[]).code == "method"


# --- laws (hypothesis) --------------------------------------------------------------

prices = st.decimals(min_value=D("1.00"), max_value=D("100000000.00"), places=2)


@st.composite
def points_setups(draw):
    """A valid weighted-points setup: weights add up to 100, scores on their scales."""
    price_weight = draw(st.integers(min_value=0, max_value=100))
    rest = 100 - price_weight
    n = draw(st.integers(min_value=1, max_value=min(3, rest))) if rest else 0
    cuts = (
        draw(st.lists(st.integers(1, rest - 1), unique=True, min_size=n - 1, max_size=n - 1))
        if n > 1
        else []
    )
    bounds = [0, *sorted(cuts), rest] if n else [0]
    weights = [b - a for a, b in itertools.pairwise(bounds)]
    scales = [draw(st.sampled_from([4, 5, 10, 100])) for _ in weights]
    criteria = [
        PointsCriterion(f"c{i}", weight=D(w), scale_max=D(s))
        for i, (w, s) in enumerate(zip(weights, scales, strict=True))
    ]
    price_weight = D(100) - sum((c.weight for c in criteria), D(0))
    bidders = draw(st.integers(min_value=1, max_value=6))
    bids = [
        Bid(
            bidder=f"b{j}",
            price=draw(prices),
            scores={c.name: D(draw(st.integers(0, int(c.scale_max)))) for c in criteria},
        )
        for j in range(bidders)
    ]
    return price_weight, criteria, bids


@st.composite
def value_setups(draw):
    n = draw(st.integers(min_value=1, max_value=3))
    criteria = []
    for i in range(n):
        low = draw(st.integers(0, 5))
        criteria.append(
            ValueCriterion(
                f"c{i}",
                max_value=draw(st.decimals(min_value=0, max_value=1000000, places=2)),
                scale_min=D(low),
                scale_max=D(low + draw(st.integers(1, 10))),
            )
        )
    bids = [
        Bid(
            bidder=f"b{j}",
            price=draw(prices),
            scores={
                c.name: D(draw(st.integers(int(c.scale_min), int(c.scale_max)))) for c in criteria
            },
        )
        for j in range(draw(st.integers(min_value=1, max_value=6)))
    ]
    return criteria, bids


def rank_of(results, bidder: str) -> int:
    return next(r.rank for r in results if r.bidder == bidder)


@given(points_setups())
@settings(max_examples=200, deadline=None)
def test_the_lowest_price_always_gets_the_full_price_weight(setup):
    price_weight, criteria, bids = setup
    results = rank_points(price_weight=price_weight, criteria=criteria, bids=bids)
    lowest = min(b.price for b in bids)

    for result in results:
        if result.price == lowest:
            assert result.price_points == cents(price_weight)
        else:
            assert result.price_points <= cents(price_weight)
        assert result.total == result.price_points + sum(result.quality_points.values())


@given(points_setups(), st.data())
@settings(max_examples=200, deadline=None)
def test_raising_a_quality_score_never_lowers_a_bids_rank_points(setup, data):
    price_weight, criteria, bids = setup
    if not criteria:
        return
    target = data.draw(st.sampled_from(bids))
    criterion = data.draw(st.sampled_from(criteria))
    higher = D(data.draw(st.integers(int(target.scores[criterion.name]), int(criterion.scale_max))))
    raised = Bid(target.bidder, target.price, {**target.scores, criterion.name: higher})
    before = rank_points(price_weight=price_weight, criteria=criteria, bids=bids)
    after = rank_points(
        price_weight=price_weight,
        criteria=criteria,
        bids=[raised if b.bidder == target.bidder else b for b in bids],
    )

    assert rank_of(after, target.bidder) <= rank_of(before, target.bidder)


@given(value_setups(), st.data())
@settings(max_examples=200, deadline=None)
def test_raising_a_quality_score_never_lowers_a_bids_rank_value(setup, data):
    criteria, bids = setup
    target = data.draw(st.sampled_from(bids))
    criterion = data.draw(st.sampled_from(criteria))
    higher = D(data.draw(st.integers(int(target.scores[criterion.name]), int(criterion.scale_max))))
    raised = Bid(target.bidder, target.price, {**target.scores, criterion.name: higher})
    before = rank_value(criteria=criteria, bids=bids)
    after = rank_value(
        criteria=criteria, bids=[raised if b.bidder == target.bidder else b for b in bids]
    )

    assert rank_of(after, target.bidder) <= rank_of(before, target.bidder)


@given(
    st.one_of(
        points_setups().map(lambda s: ("points", s)), value_setups().map(lambda s: ("value", s))
    )
)
@settings(max_examples=200, deadline=None)
def test_a_rank_is_one_plus_the_number_of_strictly_better_results(case):
    method, setup = case
    if method == "points":
        results = rank_points(price_weight=setup[0], criteria=setup[1], bids=setup[2])
        scores = [r.total for r in results]
    else:
        results = rank_value(criteria=setup[0], bids=setup[1])
        scores = [-r.fictitious_price for r in results]

    assert scores == sorted(scores, reverse=True)
    for result, score in zip(results, scores, strict=True):
        assert result.rank == 1 + sum(1 for other in scores if other > score)

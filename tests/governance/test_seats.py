"""Seat allocation: worked examples computed by hand, laws, ties, refusals, the API."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bundel.governance.seats import SeatAllocationError, allocate_seats

STANDARD = {"A": 40, "B": 30, "C": 20, "D": 10}


def test_the_standard_dhondt_example():
    # The 12 highest averages: 40 (A), 30 (B), 20 (A), 20 (C), 15 (B), 13.3 (A), then the
    # four 10s (A, B, C, D), 8 (A) and 7.5 (B): A 5, B 4, C 2, D 1.
    result = allocate_seats(seats=12, votes=STANDARD, method="largest_averages")
    assert result.seats == {"A": 5, "B": 4, "C": 2, "D": 1}
    assert str(result.quota) == "8.3333"
    assert len(result.steps) == 12
    assert result.steps[0].party == "A" and result.steps[0].reason == "average 40/1 = 40.0000"


def test_largest_remainders_by_hand():
    # quota 100/12 = 8.333: whole A 4, B 3, C 2, D 1 (10 seats); remainders A 6.67,
    # B 5.0, C 3.33, D 1.67: the 2 seats left go to A and B.
    result = allocate_seats(seats=12, votes=STANDARD, method="largest_remainders")
    assert result.seats == {"A": 5, "B": 4, "C": 2, "D": 1}


def test_the_methods_differ():
    votes = {"A": 60, "B": 25, "C": 15}
    # D'Hondt: A60, A30, B25, A20, then A15 and C15 tie: more votes first -> A.
    assert allocate_seats(seats=5, votes=votes).seats == {"A": 4, "B": 1, "C": 0}
    # Hamilton: quota 20: whole A 3, B 1; remainders A 0, B 5, C 15 -> C takes the 5th.
    assert allocate_seats(seats=5, votes=votes, method="largest_remainders").seats == {
        "A": 3,
        "B": 1,
        "C": 1,
    }


def test_min_quota_fraction_keeps_small_parties_from_remainder_seats():
    votes = {"A": 60, "B": 25, "C": 15}
    # quota 20; 0.8 x 20 = 16 > 15: C may take no seat beyond its whole quotas (0).
    result = allocate_seats(
        seats=5, votes=votes, method="largest_remainders", min_quota_fraction="0.8"
    )
    assert result.seats == {"A": 3, "B": 2, "C": 0}
    # 0.75 x 20 = 15: C is not below it and keeps its remainder seat.
    assert (
        allocate_seats(
            seats=5, votes=votes, method="largest_remainders", min_quota_fraction="0.75"
        ).seats["C"]
        == 1
    )


def test_a_real_tie_is_decided_by_the_recorded_lot():
    votes = {"A": 10, "B": 10, "C": 10}
    winners = {seed: allocate_seats(seats=1, votes=votes, seed=seed).seats for seed in range(12)}
    assert len({tuple(sorted(w.items())) for w in winners.values()}) > 1  # the lot decides
    for seed, seats in winners.items():
        assert allocate_seats(seats=1, votes=votes, seed=seed).seats == seats  # repeatable


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seats": 0, "votes": STANDARD}, "at least 1"),
        ({"seats": 3, "votes": {}}, "at least one party"),
        ({"seats": 3, "votes": {"A": 0}}, "needs votes"),
        ({"seats": 3, "votes": {"A": -1}}, "whole number"),
        ({"seats": 3, "votes": STANDARD, "method": "lottery"}, "Unknown method"),
        ({"seats": 3, "votes": STANDARD, "min_quota_fraction": "1.5"}, "between 0 and 1"),
    ],
)
def test_bad_input_is_refused_with_the_reason(kwargs, message):
    with pytest.raises(SeatAllocationError, match=message):
        allocate_seats(**kwargs)


parties = st.dictionaries(
    st.sampled_from("ABCDEFGH"), st.integers(0, 10_000), min_size=1, max_size=8
).filter(lambda v: sum(v.values()) > 0)


@given(
    parties,
    st.integers(1, 60),
    st.sampled_from(["largest_averages", "largest_remainders"]),
    st.sampled_from(["0", "0.5", "0.75", "1"]),
    st.integers(0, 99),
)
def test_law_the_seats_always_add_up(votes, seats, method, fraction, seed):
    result = allocate_seats(
        seats=seats, votes=votes, method=method, min_quota_fraction=fraction, seed=seed
    )
    assert sum(result.seats.values()) == seats
    assert set(result.seats) == set(votes)


@given(parties, st.integers(1, 60), st.integers(0, 99))
def test_law_more_votes_never_fewer_seats_with_largest_averages(votes, seats, seed):
    result = allocate_seats(seats=seats, votes=votes, seed=seed).seats
    for a in votes:
        for b in votes:
            if votes[a] > votes[b]:
                assert result[a] >= result[b]


@pytest.mark.django_db
def test_api_gives_the_standard_example_to_staff_only(client, staff, contact):
    payload = {"seats": 12, "method": "largest_averages", "votes": STANDARD}
    client.force_login(contact)
    assert (
        client.post(
            "/api/v1/seat-allocations/", payload, content_type="application/json"
        ).status_code
        == 403
    )

    client.force_login(staff)
    response = client.post("/api/v1/seat-allocations/", payload, content_type="application/json")

    data = response.json()
    assert data["seats"] == {"A": 5, "B": 4, "C": 2, "D": 1}
    assert data["quota"] == "8.3333"
    assert [step["seat"] for step in data["steps"]] == list(range(1, 13))


@pytest.mark.django_db
def test_api_refuses_bad_input_with_a_message(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/v1/seat-allocations/",
        {"seats": 3, "method": "largest_averages", "votes": {"A": 0}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "needs votes" in response.json()["detail"][0]

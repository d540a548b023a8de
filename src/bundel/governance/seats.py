"""Spreading seats over parties (chambers, lists): a pure function, explained step by step.

- `largest_averages` (D'Hondt): each seat in turn goes to the party with the highest
  votes / (seats so far + 1).
- `largest_remainders` (Hamilton): quota = total / seats; each party takes its whole
  quotas; the seats left go to the largest remainders.
- `min_quota_fraction` (default 0; the Dutch Kieswet uses 0.75 for remainders): a party
  whose votes are below that fraction of the quota takes no seat beyond its whole quotas
  (which are then 0). If that would leave seats nobody may take, the restriction is lifted
  for them, so the total always equals the seats asked.
- Ties: more votes first, then by lot with `seed`, so the same input always gives the same,
  explainable result.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

LARGEST_AVERAGES = "largest_averages"
LARGEST_REMAINDERS = "largest_remainders"
METHODS = (LARGEST_AVERAGES, LARGEST_REMAINDERS)


class SeatAllocationError(ValueError):
    """The input cannot be allocated; the message says why."""


@dataclass(frozen=True)
class Step:
    seat: int  # 1-based; 0 for the whole quotas given at once
    party: str
    reason: str


@dataclass(frozen=True)
class Allocation:
    seats: dict[str, int]
    quota: Decimal
    method: str
    seed: int
    steps: list[Step] = field(default_factory=list)


def _validate(seats: int, votes: dict[str, int], method: str, fraction: Decimal) -> None:
    if method not in METHODS:
        raise SeatAllocationError(f"Unknown method {method!r}; choose from: {', '.join(METHODS)}.")
    if not isinstance(seats, int) or seats < 1:
        raise SeatAllocationError("The number of seats is a whole number of at least 1.")
    if not votes:
        raise SeatAllocationError("Give the votes of at least one party.")
    for party, count in votes.items():
        if not isinstance(count, int) or count < 0:
            raise SeatAllocationError(f"The votes of {party!r} must be a whole number >= 0.")
    if sum(votes.values()) == 0:
        raise SeatAllocationError("At least one party needs votes.")
    if not Decimal(0) <= fraction <= Decimal(1):
        raise SeatAllocationError("min_quota_fraction lies between 0 and 1.")


def _tie_order(votes: dict[str, int], seed: int) -> dict[str, int]:
    """A fixed lot for each party: who goes first when everything else is equal."""
    parties = sorted(votes)
    random.Random(seed).shuffle(parties)
    return {party: position for position, party in enumerate(parties)}


def allocate_seats(
    *,
    seats: int,
    votes: dict[str, int],
    method: str = LARGEST_AVERAGES,
    min_quota_fraction: Decimal | float | str = 0,
    seed: int = 0,
) -> Allocation:
    fraction = Decimal(str(min_quota_fraction))
    _validate(seats, votes, method, fraction)
    total = sum(votes.values())
    quota = Fraction(total, seats)
    lot = _tie_order(votes, seed)
    whole = {p: int(Fraction(v) // quota) for p, v in votes.items()}
    may_extend = {p for p, v in votes.items() if Fraction(v) >= quota * Fraction(fraction)}
    result = {p: 0 for p in votes}
    steps: list[Step] = []

    def rank(key_value, party):  # higher value first, then more votes, then the lot
        return (-key_value, -votes[party], lot[party])

    if method == LARGEST_REMAINDERS:
        for party, count in whole.items():
            if count:
                result[party] = count
                steps.append(Step(0, party, f"{count} whole quota(s) of {float(quota):.4f}"))
        left = seats - sum(result.values())
        remainders = {p: Fraction(v) - whole[p] * quota for p, v in votes.items()}
        order = sorted(votes, key=lambda p: rank(remainders[p], p))
        eligible = [p for p in order if p in may_extend] or order
        for index in range(left):
            party = eligible[index % len(eligible)]
            result[party] += 1
            steps.append(
                Step(seats - left + index + 1, party, f"remainder {float(remainders[party]):.4f}")
            )
        return Allocation(result, _decimal(quota), method, seed, steps)

    for seat in range(1, seats + 1):
        candidates = [p for p in votes if p in may_extend or result[p] < whole[p]] or list(votes)
        averages = {p: Fraction(votes[p], result[p] + 1) for p in candidates}
        party = min(candidates, key=lambda p: rank(averages[p], p))
        result[party] += 1
        steps.append(
            Step(
                seat,
                party,
                f"average {votes[party]}/{result[party]} = {float(averages[party]):.4f}",
            )
        )
    return Allocation(result, _decimal(quota), method, seed, steps)


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))

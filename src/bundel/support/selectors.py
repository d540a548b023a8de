"""Support (draagvlak): how many pupils stand behind the cooperative, at any date.

Groups at a date D, from the membership dates:
- start group: founding members (founding_since <= D), not ended or rejected by D;
- coalition of the willing: boards that declared interest or applied by D, not yet
  admitted, outside the start group;
- members: admitted by D, not ended by D, outside the start group;
- together: all three (so together = start group + coalition while nobody is admitted,
  as in the seed's 2017 figures).

Pupils are taken per sector type at its latest count date on or before D (DUO publishes
po and vo at different times), as DUO attributed them to boards at that count. The
national total is DUO's published figure when staff recorded one for the period
(`NationalTotal`), else the registry's total on the same basis. Dates before the
registry's data show the snapshot staff recorded (`SupportSnapshot`).

Everything is loaded in a fixed number of queries and computed in Python, so a history
of many dates costs the same queries as one date.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from bundel.membership.models import Membership, NationalTotal, SupportSnapshot
from bundel.registry.models import PupilCount

GROUPS = ("start_group", "coalition", "members", "together")
SHARE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Group:
    boards: int | None  # None: not recorded (older snapshots)
    pupils: int
    share: Decimal  # pupils / national pupils, 6 decimals
    percent: int  # rounded to a whole number, half up

    @classmethod
    def of(cls, boards: int | None, pupils: int, national: int) -> "Group":
        share = Decimal(pupils) / Decimal(national) if national else Decimal(0)
        percent = int((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return cls(boards, pupils, share.quantize(SHARE_PLACES), percent)


@dataclass(frozen=True)
class SupportFigures:
    date: date
    count_dates: dict[str, date]  # per sector type, the count date used; empty for snapshots
    national_pupils: int
    national_source: str  # "registry", "reference" (recorded DUO figure) or "snapshot"
    start_group: Group
    coalition: Group
    members: Group
    together: Group
    board_ids: dict[str, frozenset] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_snapshot(self) -> bool:
        return self.national_source == "snapshot"

    @property
    def count_date(self) -> date | None:
        return max(self.count_dates.values()) if self.count_dates else None


def _active(m: Membership, on: date) -> bool:
    return not ((m.ended_on and m.ended_on <= on) or (m.rejected_on and m.rejected_on <= on))


def group_of(m: Membership, on: date) -> str | None:
    """The support group a membership puts its board in at `on`, if any."""
    if not _active(m, on):
        return None
    if m.is_founding and m.founding_since and m.founding_since <= on:
        return "start_group"
    if m.admitted_on and m.admitted_on <= on:
        return "members"
    started = min(d for d in (m.interested_on, m.applied_on, date.max) if d)
    if started <= on:
        return "coalition"
    return None


class SupportData:
    """All that support figures need, loaded once."""

    def __init__(self):
        self.memberships = list(
            Membership.objects.only(
                "board_id",
                "is_founding",
                "founding_since",
                "interested_on",
                "applied_on",
                "admitted_on",
                "rejected_on",
                "ended_on",
            )
        )
        self.pupils: dict[tuple[str, date], dict[int, int]] = defaultdict(dict)
        self.national: dict[tuple[str, date], int] = defaultdict(int)
        rows = (
            PupilCount.objects.values("board_id", "sector_type", "count_date")
            .annotate(total=Sum("pupils"))
            .order_by()
        )
        for row in rows:
            key = (row["sector_type"], row["count_date"])
            total = row["total"] or 0
            self.national[key] += total
            if row["board_id"]:
                self.pupils[key][row["board_id"]] = total
        self.references = list(NationalTotal.objects.order_by("valid_from"))
        self.snapshots = {s.date: s for s in SupportSnapshot.objects.order_by("date")}

    def count_dates(self, on: date) -> dict[str, date]:
        latest: dict[str, date] = {}
        for sector_type, count_date in self.national:
            if count_date <= on and count_date > latest.get(sector_type, date.min):
                latest[sector_type] = count_date
        return latest

    def figures_at(self, on: date) -> SupportFigures:
        dates = self.count_dates(on)
        snapshot = self.snapshots.get(on) or (None if dates else self._latest_snapshot_before(on))
        if snapshot is not None:
            return self._from_snapshot(on, snapshot)
        boards: dict[str, set[int]] = {g: set() for g in GROUPS[:3]}
        for membership in self.memberships:
            group = group_of(membership, on)
            if group:
                boards[group].add(membership.board_id)
        boards["coalition"] -= boards["start_group"] | boards["members"]
        boards["members"] -= boards["start_group"]
        boards["together"] = boards["start_group"] | boards["coalition"] | boards["members"]
        keys = list(dates.items())
        national, source = sum(self.national[k] for k in keys), "registry"
        reference = self._reference(on)
        if reference is not None:
            national, source = reference.pupils, "reference"
        groups = {
            name: Group.of(
                len(ids), sum(self.pupils[k].get(b, 0) for k in keys for b in ids), national
            )
            for name, ids in boards.items()
        }
        return SupportFigures(
            date=on,
            count_dates=dates,
            national_pupils=national,
            national_source=source,
            board_ids={k: frozenset(v) for k, v in boards.items()},
            **groups,
        )

    def _pupils_of(self, board_ids: set[int], keys: list[tuple[str, date]]) -> int:
        return sum(self.pupils[key].get(board, 0) for key in keys for board in board_ids)

    def _reference(self, on: date) -> NationalTotal | None:
        found = None
        for reference in self.references:
            if reference.valid_from <= on and (reference.valid_until or date.max) >= on:
                found = reference
        return found

    def _latest_snapshot_before(self, on: date) -> SupportSnapshot | None:
        earlier = [d for d in self.snapshots if d <= on]
        return self.snapshots[max(earlier)] if earlier else None

    @staticmethod
    def _from_snapshot(on: date, s: SupportSnapshot) -> SupportFigures:
        n = s.national_pupils
        parts = (s.start_group_boards, s.coalition_boards, s.members_boards)
        together_boards = None if None in parts else sum(parts)
        together_pupils = s.start_group_pupils + s.coalition_pupils + s.members_pupils
        return SupportFigures(
            date=on,
            count_dates={},
            national_pupils=n,
            national_source="snapshot",
            start_group=Group.of(s.start_group_boards, s.start_group_pupils, n),
            coalition=Group.of(s.coalition_boards, s.coalition_pupils, n),
            members=Group.of(s.members_boards, s.members_pupils, n),
            together=Group.of(together_boards, together_pupils, n),
        )

    def history_dates(self, until: date) -> list[date]:
        """Snapshot dates, count dates, the first of every month since the first
        membership, and `until`. Not the dates of single transitions: the public history
        must not let one board's step be read off a day-to-day difference."""
        dates = set(self.snapshots)
        dates.update(count_date for _, count_date in self.national)
        starts = [_started(m) for m in self.memberships]
        if starts:
            month = min(starts).replace(day=1)
            while month <= until:
                dates.add(month)
                month = (month + timedelta(days=32)).replace(day=1)
        dates.add(until)
        return sorted(d for d in dates if d <= until)


def _started(m: Membership) -> date:
    return min(
        d for d in (m.founding_since, m.interested_on, m.applied_on, m.admitted_on, date.max) if d
    )


def support_at(on: date) -> SupportFigures:
    return SupportData().figures_at(on)


def support_history(until: date) -> list[SupportFigures]:
    data = SupportData()
    return [data.figures_at(d) for d in data.history_dates(until)]


def support_breakdown(figures: SupportFigures) -> dict[str, dict[str, dict[str, int]]]:
    """Pupils of the boards together, and nationally, per province and per sector type,
    at the count dates of `figures` (empty for a snapshot)."""
    result: dict[str, dict[str, dict[str, int]]] = {"province": {}, "sector_type": {}}
    if figures.is_snapshot or not figures.count_dates:
        return result
    together = figures.board_ids.get("together", frozenset())
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    current = reduce(or_, (Q(sector_type=t, count_date=d) for t, d in figures.count_dates.items()))
    rows = (
        PupilCount.objects.filter(current)
        .values("board_id", "sector_type", "location__province")
        .annotate(total=Sum("pupils"))
        .order_by()
    )
    for row in rows:
        for axis, key in (
            ("province", row["location__province"] or "-"),
            ("sector_type", row["sector_type"]),
        ):
            cell = result[axis].setdefault(key, {"pupils": 0, "national": 0})
            cell["national"] += row["total"] or 0
            if row["board_id"] in together:
                cell["pupils"] += row["total"] or 0
    return result

"""The geometry of a board's migration timeline (server-rendered SVG, see
`subscriptions/_timeline.html`): its waves over time, each a bar as high as the share of
the board's locations it moves, and the cumulative share planned and migrated.

Coordinates are handed to the template written (`_n`: one decimal and a point, in every
language), so it places them as they are, without filters or `localize`."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .selectors import WavePoint

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40
BAR = 14


@dataclass(frozen=True)
class WaveBar:
    point: WavePoint
    x: str
    y: str
    height: str
    label_x: str  # the number of locations, above the bar
    label_y: str
    planned_percent: Decimal  # cumulative, this wave included


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    label_position: str = ""  # of a y tick's label: a little below its line


def _n(value: float) -> str:
    return f"{value:.1f}"


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / (whole or 1)).quantize(Decimal("0.1"))


def migration_timeline(points: list[WavePoint], *, total_locations: int, today: date) -> dict:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    dates = [p.wave.date for p in points] or [today]
    first, last = min(dates) - timedelta(days=14), max(dates) + timedelta(days=14)
    span = (last - first).days or 1

    def x_of(day: date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y_of(percent) -> float:
        return TOP + plot_h - plot_h * float(min(percent, 100)) / 100

    bars, planned, planned_path, migrated_path = [], 0, [], []
    for point in points:
        planned += point.locations
        x = x_of(point.wave.date)
        y = y_of(_percent(point.locations, total_locations))
        bar = WaveBar(
            point,
            x=_n(x - BAR / 2),
            y=_n(y),
            height=_n(TOP + plot_h - y),
            label_x=_n(x),
            label_y=_n(y - 4),
            planned_percent=_percent(planned, total_locations),
        )
        bars.append(bar)
        planned_path.append((x, y_of(bar.planned_percent)))
        migrated_path.append((x, y_of(point.migrated_percent)))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_left": LEFT - 6,
        "label_bottom": HEIGHT - 8,
        "baseline": TOP + plot_h,
        "bars": bars,
        "planned": _step_path(planned_path, LEFT, WIDTH - RIGHT, TOP + plot_h),
        "migrated": _step_path(migrated_path, LEFT, WIDTH - RIGHT, TOP + plot_h),
        "y_ticks": [Tick(_n(y_of(v)), f"{v}%", _n(y_of(v) + 4)) for v in (0, 25, 50, 75, 100)],
        "x_ticks": _month_ticks(first, last, x_of),
        "today": _n(x_of(today)) if first <= today <= last else None,
    }


def _step_path(points: list[tuple[float, float]], left: float, right: float, baseline: float):
    """A step line from 0% at the left: each value holds until the next wave, the last
    to the right edge."""
    path = [f"M{_n(left)} {_n(baseline)}"]
    for x, y in points:
        path.append(f"H{_n(x)} V{_n(y)}")
    path.append(f"H{_n(right)}")
    return " ".join(path)


def _month_ticks(first: date, last: date, x_of) -> list[Tick]:
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    every = max(1, -(-len(months) // 8))
    return [Tick(_n(x_of(d)), d.strftime("%m-%Y")) for d in months[::every]]

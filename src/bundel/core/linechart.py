"""A server-rendered SVG line chart over dates: no JavaScript library, nothing from a CDN.

`line_chart` computes the geometry; a template draws it (see `support/_line_chart.html`).
"""

import math
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Point:
    x: float
    y: float
    date: date
    value: float
    label: str
    hollow: bool


@dataclass
class Line:
    key: str
    label: str
    path: str
    markers: list[Point] = field(default_factory=list)


@dataclass
class Tick:
    position: float
    label: str = ""
    value: float = 0.0


def _nice_step(value: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if value <= step * power)


def _x_ticks(first: date, last: date, scale) -> list[Tick]:
    years = list(range(first.year + (first > date(first.year, 1, 1)), last.year + 1))
    if not years:
        return [Tick(scale(first), first.strftime("%d-%m-%Y"))]
    every = max(1, math.ceil(len(years) / 8))
    return [Tick(scale(date(y, 1, 1)), str(y)) for y in years[::every]]


def line_chart(
    lines: list[tuple[str, str, list[tuple[date, float, str, bool]]]],
    *,
    width: int = 720,
    height: int = 260,
    step: bool = True,
    markers_up_to: int = 60,
) -> dict:
    """Geometry of a chart of lines over time.

    `lines`: (key, label, points), each point (date, value, label, hollow). With `step`, a
    value holds until the next point (figures that change on a date, like support). Points
    get a marker when a line has at most `markers_up_to` of them; hollow ones always do.
    """
    left, right, top, bottom = 44, 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    dates = [d for _, _, points in lines for d, *_ in points]
    values = [v for _, _, points in lines for _, v, *_ in points]
    first, last = (min(dates), max(dates)) if dates else (date.today(), date.today())
    span = (last - first).days
    step_y = _nice_step(max(values, default=0) / 4)
    peak = step_y * max(1, math.ceil(max(values, default=0) / step_y))

    def x_of(d: date) -> float:
        return left + (plot_w * (d - first).days / span if span else plot_w / 2)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    drawn = []
    for key, label, raw in lines:
        points = [Point(x_of(d), y_of(v), d, v, text, hollow) for d, v, text, hollow in raw]
        path = []
        for index, p in enumerate(points):
            if index == 0:
                path.append(f"M{p.x:.1f} {p.y:.1f}")
            elif step:
                path.append(f"H{p.x:.1f} V{p.y:.1f}")
            else:
                path.append(f"L{p.x:.1f} {p.y:.1f}")
        marked = [p for p in points if p.hollow or len(points) <= markers_up_to]
        drawn.append(Line(key, label, " ".join(path), marked))
    y_ticks = [Tick(y_of(step_y * i), value=step_y * i) for i in range(round(peak / step_y) + 1)]
    return {
        "lines": drawn,
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "baseline": top + plot_h,
        "x_ticks": _x_ticks(first, last, x_of),
        "y_ticks": y_ticks,
    }

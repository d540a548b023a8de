"""Small server-rendered SVG charts: no JavaScript library, nothing from a CDN."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def bar_chart(
    points: list[tuple[str, int]], *, width: int = 480, height: int = 160, gap: int = 16
) -> dict:
    """Geometry of a bar chart of (label, value) points, for `core/_bar_chart.svg`."""
    top, bottom = 20, 24
    plot = height - top - bottom
    peak = max((v for _, v in points), default=0) or 1
    count = len(points) or 1
    bar_width = min(80, (width - gap * (count + 1)) / count)
    bars = []
    for index, (label, value) in enumerate(points):
        h = plot * value / peak
        x = gap + index * (bar_width + gap)
        bars.append(Bar(label, value, x, top + plot - h, bar_width, h))
    return {"bars": bars, "width": width, "height": height, "baseline": top + plot}

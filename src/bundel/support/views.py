"""The public support dashboard (draagvlak): aggregates only, never a board's name or number."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bundel.core.linechart import line_chart
from bundel.registry.constants import Province, SectorType
from bundel.registry.summaries import registry_cached

from .selectors import GROUPS, SupportFigures, support_at, support_breakdown, support_history

GROUP_LABELS = {
    "start_group": gettext_lazy("Start group"),
    "coalition": gettext_lazy("Coalition of the willing"),
    "members": gettext_lazy("Members"),
    "together": gettext_lazy("Together"),
}
SOURCE_LABELS = {
    "registry": gettext_lazy("sum of the DUO counts in the registry"),
    "reference": gettext_lazy("DUO's published national total"),
    "snapshot": gettext_lazy("recorded snapshot"),
}


def _date_from(request) -> tuple[date, str]:
    today = timezone.localdate()
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return today, _("Give a date as YYYY-MM-DD.")


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _breakdown_rows(cells: dict[str, dict[str, int]], choices: list[tuple[str, str]]) -> list:
    """Rows in the order of `choices`; keys outside them (no province) last."""
    order = [key for key, _label in choices if key in cells]
    order += sorted(key for key in cells if key not in order)
    labels = dict(choices)
    return [
        {
            "label": labels.get(key, key),
            "pupils": cells[key]["pupils"],
            "national": cells[key]["national"],
            "percent": _percent(cells[key]["pupils"], cells[key]["national"]),
        }
        for key in order
    ]


def _by_count_date(count_dates: dict[str, date]) -> list[tuple[date, list[str]]]:
    """(count date, its sector types), oldest first: DUO counts po and vo at different times."""
    found: dict[date, list[str]] = {}
    for sector_type in SectorType.values:
        if sector_type in count_dates:
            found.setdefault(count_dates[sector_type], []).append(sector_type)
    return sorted(found.items())


def _chart(history: list[SupportFigures]) -> dict:
    lines = [
        (
            name,
            GROUP_LABELS[name],
            [
                (
                    f.date,
                    float(getattr(f, name).share * 100),
                    f"{f.date:%d-%m-%Y}: {getattr(f, name).percent}%",
                    f.is_snapshot,
                )
                for f in history
            ],
        )
        for name in GROUPS
    ]
    return line_chart(lines)


def dashboard(request):
    on, error = _date_from(request)
    parts = (on, error, get_language())
    body = registry_cached(
        "support-dashboard",
        parts,
        lambda: _dashboard_body(request, on, error),
        under=("support",),
    )
    return render(request, "support/dashboard.html", {"body": mark_safe(body)})


def _dashboard_body(request, on: date, error: str) -> str:
    """The dashboard's content (aggregates only, the same for everyone), rendered."""
    history = support_history(on)
    figures = history[-1] if history and history[-1].date == on else support_at(on)
    breakdown = support_breakdown(figures)
    provinces = [*Province.choices, ("-", _("Unknown"))]
    context = {
        "on": on,
        "error": error,
        "figures": figures,
        "source_label": SOURCE_LABELS.get(figures.national_source, figures.national_source),
        "groups": [(name, GROUP_LABELS[name], getattr(figures, name)) for name in GROUPS],
        "count_dates": _by_count_date(figures.count_dates),
        "history": list(reversed(history)),
        "chart": _chart(history),
        "breakdowns": [
            (_("Province"), _breakdown_rows(breakdown["province"], provinces)),
            (_("Sector type"), _breakdown_rows(breakdown["sector_type"], SectorType.choices)),
        ],
    }
    return render_to_string("support/_dashboard_body.html", context, request)

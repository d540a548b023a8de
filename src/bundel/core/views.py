from django.shortcuts import render

from bundel.registry import selectors as registry
from bundel.registry.summaries import registry_cached


def home(request):
    totals = registry_cached("home-totals", None, _totals)
    return render(request, "core/home.html", {"totals": totals})


def _totals() -> dict:
    """The national totals at each sector type's latest count date, newest first."""
    return {
        count_date: registry.registry_totals(count_date)
        for count_date in sorted(set(registry.latest_count_dates().values()), reverse=True)
    }

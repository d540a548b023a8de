from django.shortcuts import render

from bundel.registry import selectors as registry


def home(request):
    totals = {
        count_date: registry.registry_totals(count_date)
        for count_date in sorted(set(registry.latest_count_dates().values()), reverse=True)
    }
    return render(request, "core/home.html", {"totals": totals})

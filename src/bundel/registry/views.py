from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from bundel.audit.selectors import audit_entries_for
from bundel.core.charts import bar_chart
from bundel.core.exports import FORMATS, export_response

from . import selectors
from .constants import Sector
from .forms import BoardFilterForm
from .models import Board, Location


def _sector_label(board) -> str:
    sector = selectors.sector_of(has_po=board.has_po, has_vo=board.has_vo)
    return Sector(sector).label if sector else ""


def board_list(request):
    form = BoardFilterForm(request.GET)
    boards = selectors.board_list(user=request.user, **form.filters())
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _export(fmt, boards)
    page = Paginator(boards, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for board in page:
        board.sector_label = _sector_label(board)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "registry/_board_results.html" if request.htmx else "registry/board_list.html"
    return render(request, template, context)


def _export(fmt: str, boards):
    header = [
        _("DUO number"),
        _("Name"),
        _("Place"),
        _("Sector"),
        _("Locations"),
        _("Pupils"),
        _("KvK number"),
    ]
    rows = (
        [
            b.duo_number,
            b.display_name,
            b.main_place,
            _sector_label(b),
            b.location_count,
            b.current_pupils,
            b.kvk_number,
        ]
        for b in boards.iterator(chunk_size=2000)
    )
    return export_response(fmt, filename="besturen", header=header, rows=rows)


def board_detail(request, duo_number: str):
    try:
        board = selectors.board_detail(user=request.user, duo_number=duo_number)
    except Board.DoesNotExist:
        raise Http404(_("No board with DUO number %(n)s.") % {"n": duo_number}) from None
    by_date = selectors.board_pupils_by_date(board)
    chart = bar_chart([(at.count_date.strftime("%d-%m-%Y"), at.total) for at in by_date])
    context = {
        "board": board,
        "sector_label": _sector_label(board),
        "pupils_by_date": list(reversed(by_date)),
        "chart": chart,
        "locations": selectors.board_locations(board),
        "audit": audit_entries_for(obj=board, user=request.user)[:50],
    }
    return render(request, "registry/board_detail.html", context)


def location_detail(request, code: str):
    try:
        location = selectors.location_detail(user=request.user, code=code)
    except Location.DoesNotExist:
        raise Http404(_("No location with code %(code)s.") % {"code": code}) from None
    context = {
        "location": location,
        "counts": selectors.location_pupil_counts(location),
        "audit": audit_entries_for(obj=location, user=request.user)[:50],
    }
    return render(request, "registry/location_detail.html", context)

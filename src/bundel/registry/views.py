import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bundel.audit.selectors import audit_entries_for
from bundel.core.charts import bar_chart
from bundel.core.exports import FORMATS, export_response
from bundel.core.versions import request_parts

from . import selectors
from .constants import Sector
from .forms import BoardFilterForm
from .models import Board, Location
from .summaries import registry_cached


def _sector_label(board) -> str:
    sector = selectors.sector_of(has_po=board.has_po, has_vo=board.has_vo)
    return Sector(sector).label if sector else ""


def board_list(request):
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        filters = BoardFilterForm(request.GET).filters()
        return _export(fmt, selectors.board_list(user=request.user, **filters))
    page_number = (request.GET.get("page") or "1")[:20]

    # The form is made only when the page is computed (a cached page needs none of it).
    @functools.cache
    def form() -> BoardFilterForm:
        return BoardFilterForm(request.GET)

    def results() -> str:
        filters = form().filters()
        boards = selectors.board_list(user=request.user, **filters)
        page = Paginator(boards, settings.LIST_PAGE_SIZE).get_page(page_number)
        for board in page:
            board.sector_label = _sector_label(board)
        context = {"page": page, "query": form_query(filters)}
        return render_to_string("registry/_board_results.html", context, request)

    def body() -> str:
        context = {"form": form(), "results": mark_safe(results())}
        return render_to_string("registry/_board_list_body.html", context, request)

    # Registry data is public and the same for everyone: the page's content (form and
    # results) is cached per query and language under the registry's version, which any
    # change of a board, location or pupil count (import, admin) moves on.
    parts = (get_language(), request_parts(request))
    if request.htmx:
        return HttpResponse(registry_cached("board-results", parts, results))
    content = mark_safe(registry_cached("board-list", parts, body))  # escaped when rendered
    return render(request, "registry/board_list.html", {"content": content})


def form_query(filters: dict) -> str:
    """The query string of these filters (for the pager and export links): the form's
    own parameters only, defaults left out, so equal filters give equal links."""
    names = {"search": "q", "sector": "sector", "province": "province", "order": "order"}
    values = {names[k]: v for k, v in filters.items() if v and (k, v) != ("order", "duo_number")}
    return urlencode(values)


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

    def registry_part() -> str:
        """Pupils per count date and the locations: public registry data, the same for
        everyone, cached per board and language under the registry's version."""
        by_date = selectors.board_pupils_by_date(board)
        chart = bar_chart([(at.count_date.strftime("%d-%m-%Y"), at.total) for at in by_date])
        context = {
            "board": board,
            "pupils_by_date": list(reversed(by_date)),
            "chart": chart,
            "locations": selectors.board_locations(board),
        }
        return render_to_string("registry/_board_detail_registry.html", context, request)

    part = registry_cached("board-detail", (board.pk, get_language()), registry_part)
    context = {
        "board": board,
        "sector_label": _sector_label(board),
        "registry_part": mark_safe(part),  # rendered by our template, which escapes
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

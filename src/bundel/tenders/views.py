"""The tenders' pages. For staff: the list, a tender's page with its state actions and
changes, the tender form (new and edit), and the award simulation. For the boards: the
tenders open for demand, a board's demand for a tender (its contact registers and changes
it), and the bundled demand (staff and the boards taking part) with its exports and the
anonymised PDF for the market.

Every change is a form whose `run()` calls a service (`services.py`), so the law, the
weights and the audit trail are the admin's too. A refused change shows the service's
message on its form; anyone but staff gets a 403.
"""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bundel.audit.selectors import audit_entries_for
from bundel.catalogue.constants import Lifecycle
from bundel.catalogue.models import Product
from bundel.core.charts import bar_chart
from bundel.core.exports import FORMATS, export_response
from bundel.membership.pdf import render_pdf
from bundel.membership.selectors import is_member
from bundel.membership.views import staff_required
from bundel.registry.models import Board

from . import forms, law, selectors, services
from .bundling import BundledDemand, bundled_demand
from .constants import EDITABLE_STATES, TenderState
from .models import Tender


def _visible_tender(user, pk) -> Tender:
    try:
        return selectors.with_details(selectors.tenders_visible_to(user)).get(pk=int(pk))
    except (TypeError, ValueError, Tender.DoesNotExist):
        raise Http404(_("No such tender.")) from None


@staff_required
def tender_list(request):
    state = request.GET.get("state", "")
    tenders = selectors.tenders_visible_to(request.user)
    if state in TenderState.values:
        tenders = tenders.filter(state=state)
    tenders = selectors.with_lot_counts(tenders)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _export(fmt, tenders)
    page = Paginator(tenders, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": TenderState.choices,
        "query": f"state={state}" if state else "",
    }
    return render(request, "tenders/list.html", context)


def _export(fmt: str, tenders: QuerySet[Tender]):
    header = [
        _("Tender"),
        _("Title"),
        _("Product groups"),
        _("Procedure"),
        _("State"),
        _("Estimated value (EUR)"),
        _("European procedure required"),
        _("Notice date"),
        _("Bids close at"),
        _("Lots"),
        _("Award method"),
    ]
    yes_no = {True: _("yes"), False: _("no"), None: ""}
    rows = (
        [
            t.pk,
            t.title,
            ", ".join(group.name for group in t.product_groups.all()),
            t.get_procedure_display(),
            t.get_state_display(),
            t.estimated_value,
            yes_no[t.european_procedure_required],
            t.notice_date,
            timezone.localtime(t.closing_at).strftime("%Y-%m-%d %H:%M"),
            t.lot_count,
            t.get_award_method_display(),
        ]
        for t in tenders
    )
    return export_response(fmt, filename="aanbestedingen", header=header, rows=rows)


@staff_required
def tender_new(request):
    form = forms.TenderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tender = form.run()
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(request, _("The tender is saved as a draft."))
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/form.html", {"form": form, "tender": None})


@staff_required
def tender_edit(request, pk: int):
    tender = _visible_tender(request.user, pk)
    if tender.state not in EDITABLE_STATES:
        messages.error(request, _("A published tender can no longer change."))
        return redirect("tenders:detail", pk=tender.pk)
    form = forms.TenderForm(request.POST or None, instance=tender, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.run()
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(request, _("The tender is saved."))
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/form.html", {"form": form, "tender": tender})


@staff_required
def tender_detail(request, pk: int):
    tender = _visible_tender(request.user, pk)
    allowed = [state.value for state in services.next_states(tender)]
    bound = None
    if request.method == "POST":
        to = request.POST.get("action", "")
        if to not in allowed:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": to})
        bound = forms.TRANSITIONS[to](request.POST, user=request.user, tender=tender, prefix=to)
        if bound.is_valid():
            try:
                bound.run()
            except ValidationError as error:  # RuleViolation, StateConflict
                bound.add_error(None, error.messages)
            else:
                messages.success(request, bound.message(None))
                return redirect("tenders:detail", pk=tender.pk)
    actions = [
        bound
        if bound is not None and bound.prefix == to
        else forms.TRANSITIONS[to](user=request.user, tender=tender, prefix=to)
        for to in allowed
    ]
    timeline = tender.timeline
    context = {
        "tender": tender,
        "threshold": _threshold(tender),
        "requests_limit": law.requests_time_limit(timeline),
        "bids_limit": law.bids_time_limit(timeline),
        "violations": law.timeline_violations(timeline) if tender.state in EDITABLE_STATES else [],
        "standstill_ends": services.standstill_ends(tender),
        "editable": tender.state in EDITABLE_STATES,
        "actions": actions,
        "audit": selectors.tender_audit_entries(tender=tender, user=request.user)[:100],
    }
    return render(request, "tenders/detail.html", context)


def _threshold(tender: Tender):
    try:
        return law.eu_threshold(tender.notice_date)
    except ValidationError:
        return None


@staff_required
def simulation(request):
    """Try an award method on hypothetical bids; nothing is stored. Opens with the
    issue's worked example so the page shows a ranking from the start."""
    data = request.GET if "method" in request.GET else forms.SimulationForm.example()
    form = forms.SimulationForm(data)
    ranking = None
    if form.is_valid():
        try:
            ranking = form.run()
        except ValidationError as error:  # RuleViolation: the rule's message
            form.add_error(None, error.messages)
    return render(request, "tenders/simulation.html", {"form": form, "ranking": ranking})


# --- demand registration and the bundled demand ------------------------------------

# ISO 3166-2:NL codes: short labels under the bars of the province chart.
PROVINCE_CODES = {
    "Drenthe": "DR",
    "Flevoland": "FL",
    "Friesland": "FR",
    "Gelderland": "GE",
    "Groningen": "GR",
    "Limburg": "LI",
    "Noord-Brabant": "NB",
    "Noord-Holland": "NH",
    "Overijssel": "OV",
    "Utrecht": "UT",
    "Zeeland": "ZE",
    "Zuid-Holland": "ZH",
}


@login_required
def board_tenders(request):
    """A board's people: the tenders open for demand registration and those their board
    takes part in. Staff work from the tenders list."""
    user = request.user
    if user.is_cooperative_staff:
        return redirect("tenders:list")
    if not user.board_id:
        raise PermissionDenied(_("Tenders are for the boards' people and the staff."))
    context = {
        "tenders": selectors.tenders_for_board(user),
        "is_member": is_member(user.board),
        "acts": user.is_board_contact,
        "today": timezone.localdate(),
    }
    return render(request, "tenders/board_tenders.html", context)


def _default_start(tender: Tender):
    """The first day of the month after the bids close (or after today, if later)."""
    day = max(timezone.localdate(tender.closing_at), timezone.localdate())
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _demand_products(tender: Tender) -> list[Product]:
    return list(
        Product.objects.filter(group__in=tender.product_groups.all())
        .exclude(lifecycle__in=(Lifecycle.PHASE_OUT, Lifecycle.END_OF_LIFE))
        .prefetch_related("capacities")
        .order_by("group__position", "position", "code")
    )


@login_required
def participation(request, pk: int, duo_number: str):
    """A board's demand for a tender: per lot, rows of a service with its capacity, the
    locations that take it and the wished start. Its contact (and staff) change it while
    the tender is in demand registration, until the deadline."""
    user = request.user
    board = Board.objects.filter(duo_number=duo_number).first()
    if board is None or not (user.is_cooperative_staff or user.acts_for(board)):
        raise PermissionDenied(_("Only the board's contacts and the cooperative's staff do this."))
    tender = _visible_tender(user, pk)
    stored = (
        selectors.with_lines(selectors.participations_visible_to(user))
        .filter(tender=tender, board=board)
        .first()
    )
    membership_note = (
        ""
        if is_member(board)
        else _("Only members take part in tenders, and board %(n)s is not a member.")
        % {"n": board.duo_number}
    )
    try:
        services.check_registration_open(tender, today=timezone.localdate())
        closed = ""
    except ValidationError as error:
        closed = " ".join(error.messages)
    form = forms.DemandForm(
        request.POST if request.method == "POST" else None,
        tender=tender,
        participation=stored,
        products=_demand_products(tender),
        locations=list(board.locations.order_by("code")),
        default_start=_default_start(tender),
    )
    if request.method == "POST" and not (membership_note or closed) and form.is_valid():
        pairs = form.lines()
        try:
            saved = services.participation_register(
                tender=tender, board=board, lines=[line for _row, line in pairs], by=user
            )
        except ValidationError as error:
            form.refuse(error, [row for row, _line in pairs])
        else:
            count = saved.lines.count()
            messages.success(
                request,
                ngettext(
                    "The demand of %(board)s is saved: %(n)s line.",
                    "The demand of %(board)s is saved: %(n)s lines.",
                    count,
                )
                % {"board": board.display_name, "n": count},
            )
            return redirect("tenders:participation", pk=tender.pk, duo_number=board.duo_number)
    context = {
        "tender": tender,
        "board": board,
        "participation": stored,
        "form": form,
        "membership_note": membership_note,
        "closed": closed,
        "has_locations": board.locations.exists(),
        "audit": audit_entries_for(obj=stored, user=user)[:50] if stored else [],
    }
    return render(request, "tenders/participation.html", context)


def _demand_tender(user, pk) -> Tender:
    tender = _visible_tender(user, pk)
    if not selectors.demand_visible_to(user, tender):
        raise PermissionDenied(
            _("The bundled demand is for the cooperative's staff and the boards taking part.")
        )
    return tender


@login_required
def demand(request, pk: int):
    """The bundled demand, live: per lot, product and capacity, and province, with the
    optional services against their thresholds; CSV/XLSX; staff see who takes part."""
    user = request.user
    tender = _demand_tender(user, pk)
    result = bundled_demand(tender)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _demand_export(fmt, result)
    participations = None
    if user.is_cooperative_staff:
        rows = (
            selectors.participations_visible_to(user)
            .filter(tender=tender)
            .annotate(
                line_count=Count("lines"), location_count=Count("lines__location", distinct=True)
            )
            .order_by("board__duo_number")
        )
        participations = Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tender": tender,
        "demand": result,
        "lot_chart": bar_chart(
            [(_("Lot %(n)s") % {"n": lot.lot.number}, lot.figures.locations) for lot in result.lots]
        ),
        "province_chart": bar_chart(
            [
                (PROVINCE_CODES.get(row.province, "?"), row.figures.locations)
                for row in result.provinces
            ],
            width=640,
            gap=10,
        ),
        "participations": participations,
        "own_board": None if user.is_cooperative_staff else user.board,
    }
    return render(request, "tenders/demand.html", context)


def _demand_export(fmt: str, result: BundledDemand):
    header = [
        _("Lot"),
        _("Lot title"),
        _("Product"),
        _("Product code"),
        _("Capacity"),
        _("Capacity code"),
        _("Province"),
        _("Locations"),
        _("Boards"),
        _("Pupils"),
        _("Yearly value at catalogue prices (EUR)"),
    ]
    rows = (
        [
            lot.lot.number,
            lot.lot.title,
            product.product.name,
            product.product.code,
            product.capacity.label,
            product.capacity.code,
            province.province,
            province.figures.locations,
            province.figures.boards,
            province.figures.pupils,
            province.figures.value,
        ]
        for lot, product, province in result.rows
    )
    filename = f"vraagbundeling-{result.tender.pk}"
    return export_response(fmt, filename=filename, header=header, rows=rows)


@login_required
def demand_pdf(request, pk: int):
    """The bundled demand for the market: figures only, no board, location or DUO number."""
    tender = _demand_tender(request.user, pk)
    context = {"tender": tender, "demand": bundled_demand(tender), "today": timezone.localdate()}
    html = render_to_string("tenders/demand_pdf.html", context, request=request)
    document = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vraagbundeling-{tender.pk}.pdf"'
    return response

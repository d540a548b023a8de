"""The tenders' pages for staff: the list, a tender's page with its state actions and
changes, the tender form (new and edit), and the award simulation.

Every change is a form whose `run()` calls a service (`services.py`), so the law, the
weights and the audit trail are the admin's too. A refused change shows the service's
message on its form; anyone but staff gets a 403.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.core.exports import FORMATS, export_response
from bundel.membership.views import staff_required

from . import forms, law, selectors, services
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

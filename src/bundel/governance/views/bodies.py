"""The council page (public) and the staff's management of the bodies' seats."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bundel.audit.selectors import audit_entries_for
from bundel.membership.views import staff_required

from ..constants import Body, Outcome
from ..forms import AppointForm, EndSeatForm
from ..models import Appointment
from ..selectors.bodies import (
    appointment_history,
    appointments_upcoming,
    appointments_visible_to,
    composition_on,
)
from ..selectors.meetings import may_see_meetings, proposals_visible_to

RECENT_DECISIONS = 5


def _run(request, form) -> bool:
    """Run a valid form's service; a refusal goes onto the form. True when done."""
    if not form.is_valid():
        return False
    try:
        result = form.run()
    except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
        form.add_error(None, error.messages)
        return False
    messages.success(request, form.message(result))
    return True


def council(request):
    """Who sits in the council (by chamber), on the board and the supervisory board, with
    their terms: public. Members and staff also find the meetings and recent decisions."""
    user = request.user
    members_area = may_see_meetings(user)
    decisions = []
    if members_area:
        decisions = list(
            proposals_visible_to(user)
            .filter(outcome__in=[Outcome.PASSED, Outcome.REJECTED, Outcome.NO_QUORUM])
            .order_by("-closed_at", "-pk")[:RECENT_DECISIONS]
        )
    return render(
        request,
        "governance/council.html",
        {
            "composition": composition_on(user=user),
            "term_years": settings.GOVERNANCE_TERM_YEARS,
            "members_area": members_area,
            "decisions": decisions,
        },
    )


@staff_required
def bodies(request):
    """Staff: the seats today with links to end them, the coming seats and the history."""
    user = request.user
    history = Paginator(appointment_history(user=user), settings.LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/bodies.html",
        {
            "composition": composition_on(user=user),
            "term_years": settings.GOVERNANCE_TERM_YEARS,
            "upcoming": list(appointments_upcoming(user=user)[: settings.LIST_PAGE_SIZE]),
            "page": history,
            "query": "",
        },
    )


@staff_required
def appoint(request):
    initial = {"body": request.GET.get("body", Body.BOARD)}
    form = AppointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and _run(request, form):
        return redirect("governance:bodies")
    return render(request, "governance/bodies_appoint.html", {"form": form, "name": "appoint"})


@staff_required
def appointment(request, pk: int):
    """One seat: its facts, its audit trail, and ending it early."""
    try:
        seat = appointments_visible_to(request.user).select_related("user").get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404(_("No such seat.")) from None
    form = None
    if not seat.ended_on:
        form = EndSeatForm(request.POST or None, user=request.user, appointment=seat, prefix="end")
        if request.method == "POST" and _run(request, form):
            return redirect("governance:appointment", pk=seat.pk)
    return render(
        request,
        "governance/bodies_seat.html",
        {
            "seat": seat,
            "form": form,
            "name": "end",
            "audit": audit_entries_for(obj=seat, user=request.user)[:100],
        },
    )

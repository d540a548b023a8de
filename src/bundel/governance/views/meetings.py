"""Meetings for members and staff: the list, a meeting with its agenda, documents and
proposals (voting for who may vote; the staff's actions), the documents and the minutes
PDF. Everything is read through `selectors.meetings`, which shows nothing to the public,
boards that are not members or suppliers."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bundel.audit.selectors import audit_entries_for
from bundel.membership.pdf import render_pdf
from bundel.membership.views import staff_required

from ..constants import Choice, Outcome
from ..forms import MEETING_ACTIONS, PROPOSAL_ACTIONS, MeetingForm
from ..models import Meeting, MeetingDocument, Proposal
from ..selectors.meetings import (
    documents_visible_to,
    may_see_meetings,
    meeting_list,
    meeting_proposals,
    meetings_visible_to,
    proposals_visible_to,
    votes_of,
    voting_right,
)

STAFF_MEETING_ACTIONS = ("edit", "document", "proposal", "minutes")


def _require_member(user) -> None:
    if not may_see_meetings(user):
        raise PermissionDenied(_("Meetings are for the members of the cooperative."))


def _meeting(user, pk) -> Meeting:
    try:
        return meetings_visible_to(user).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404(_("No such meeting.")) from None


@login_required
def meetings(request):
    _require_member(request.user)
    page = Paginator(meeting_list(request.user), settings.LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/meetings.html",
        {"page": page, "query": "", "now": timezone.now()},
    )


@staff_required
def meeting_new(request):
    form = MeetingForm(request.POST or None, user=request.user, prefix="meeting")
    if request.method == "POST" and form.is_valid():
        try:
            meeting = form.run()
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, form.message(meeting))
            return redirect(meeting)
    return render(request, "governance/meeting_new.html", {"form": form, "name": "meeting"})


def _proposal_of(meeting: Meeting, user, pk) -> Proposal:
    try:
        return proposals_visible_to(user).get(meeting=meeting, pk=int(pk))
    except (TypeError, ValueError, Proposal.DoesNotExist):
        raise Http404(_("No such proposal.")) from None


def _post(request, meeting: Meeting):
    """Run the posted action: (name, row, None) when done, else (name, row, the bound
    form with the service's refusal). A forbidden action is a 403 (PermissionDenied)."""
    name = request.POST.get("action", "")
    if name not in MEETING_ACTIONS:
        raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    if name != "vote" and not request.user.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))
    proposal = None
    if name in PROPOSAL_ACTIONS:
        proposal = _proposal_of(meeting, request.user, request.POST.get("proposal"))
    form = MEETING_ACTIONS[name](
        request.POST,
        request.FILES,
        user=request.user,
        meeting=meeting,
        proposal=proposal,
        prefix=f"{name}-{proposal.pk}" if proposal else name,
    )
    row = proposal.pk if proposal else None
    if form.is_valid():
        try:
            result = form.run()
        except ValidationError as error:  # RuleViolation, StateConflict
            form.add_error(None, error.messages)
        else:
            messages.success(request, form.message(result))
            return name, row, None
    return name, row, form


def _form(request, name, meeting, proposal=None, bound=None):
    bound_name, bound_row, bound_form = bound or (None, None, None)
    row = proposal.pk if proposal else None
    if bound_form is not None and (bound_name, bound_row) == (name, row):
        return bound_form
    return MEETING_ACTIONS[name](
        user=request.user,
        meeting=meeting,
        proposal=proposal,
        prefix=f"{name}-{row}" if row else name,
    )


@login_required
def meeting(request, pk: int):
    user = request.user
    _require_member(user)
    meeting = _meeting(user, pk)
    bound = None
    if request.method == "POST":
        bound = _post(request, meeting)
        if bound[2] is None:
            return redirect(meeting)
    staff = user.is_cooperative_staff
    right = voting_right(user, meeting)
    voted = votes_of(right, meeting)
    rows = []
    for proposal in meeting_proposals(meeting):
        actions = []
        if proposal.outcome == Outcome.VOTING and right.may_vote and proposal.pk not in voted:
            actions.append("vote")
        if staff and proposal.outcome == Outcome.OPEN:
            actions.append("open")
        if staff and proposal.outcome == Outcome.VOTING:
            actions += ["close"] if proposal.cast else ["close", "count"]
        rows.append(
            {
                "proposal": proposal,
                "my_vote": voted.get(proposal.pk),
                "my_vote_label": Choice(voted[proposal.pk]).label if proposal.pk in voted else "",
                "actions": [(n, _form(request, n, meeting, proposal, bound)) for n in actions],
            }
        )
    held = meeting.starts_at <= timezone.now()
    names = [n for n in STAFF_MEETING_ACTIONS if held or n != "minutes"] if staff else []
    staff_actions = [(n, _form(request, n, meeting, bound=bound)) for n in names]
    shown = [f for _n, f in staff_actions] + [f for r in rows for _n, f in r["actions"]]
    if bound is not None and bound[2] is not None and bound[2] not in shown:
        for errors in bound[2].errors.values():  # a stale page: say why it was refused
            for error in errors:
                messages.error(request, error)
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "documents": list(meeting.documents.order_by("uploaded_at", "pk")),
            "rows": rows,
            "right": right,
            "staff_actions": staff_actions,
            "held": held,
            "audit": audit_entries_for(obj=meeting, user=user)[:100] if staff else [],
        },
    )


@login_required
def document(request, pk: int, document_pk: int):
    """A meeting document, for those who may see the meeting; never from /media/."""
    _require_member(request.user)
    try:
        doc = documents_visible_to(request.user).get(pk=document_pk, meeting_id=pk)
    except MeetingDocument.DoesNotExist:
        raise Http404(_("No such document.")) from None
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The document's file is missing.")) from None
    filename = f"{slugify(doc.title) or 'document'}{Path(doc.file.name).suffix or '.pdf'}"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


def minutes_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "proposals": list(meeting.proposals.order_by("pk")),
        "documents": list(meeting.documents.order_by("uploaded_at", "pk")),
        "printed": timezone.localtime(),
    }


def minutes_html(request, meeting: Meeting) -> str:
    return render_to_string("governance/minutes_pdf.html", minutes_context(meeting), request)


@login_required
def minutes_pdf(request, pk: int):
    """The published minutes with every proposal's outcome and counts, as a PDF."""
    _require_member(request.user)
    meeting = _meeting(request.user, pk)
    if not meeting.minutes_published_at:
        raise Http404(_("The minutes of this meeting are not published yet."))
    document = render_pdf(minutes_html(request, meeting), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    filename = f"{slugify(_('minutes'))}-{timezone.localdate(meeting.starts_at):%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

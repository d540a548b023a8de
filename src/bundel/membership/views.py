"""Membership pages: a board contact's own membership; the staff's list, admissions queue
and membership pages; the agreements as PDF.

Reads go through `selectors` (which decide who sees what); every change is an action
form whose `run()` calls a service, so rules, audit trail and e-mails are the same on
every path. A refused change shows the service's message; a forbidden one is a 403.
"""

from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bundel.audit.selectors import audit_entries_for
from bundel.core.exports import FORMATS, export_response
from bundel.core.tables import day, escape, url_pattern
from bundel.governance.selectors import board_chamber
from bundel.registry.selectors import cached_board_figures
from bundel.subscriptions.selectors import settlement_lines

from . import forms, pdf, selectors
from .constants import OPEN_STATES, AgreementKind, NoticeBy, State
from .models import Agreement, AgreementVersion, Membership

SIGNABLE_STATES = (State.APPLIED, State.MEMBER, State.NOTICE_GIVEN)
CLOSED_STATES = (State.ENDED, State.REJECTED)
QUEUE_ACTIONS = ("admit", "reject")


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_cooperative_staff:
            raise PermissionDenied(_("Only the cooperative's staff may see this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _visible_membership(user, pk) -> Membership:
    try:
        return selectors.memberships_visible_to(user).get(pk=int(pk))
    except (TypeError, ValueError, Membership.DoesNotExist):
        raise Http404(_("No such membership.")) from None


def _actions_for(user, membership: Membership) -> list[str]:
    """The actions offered to `user` in the membership's state. Only what is shown:
    the services decide what is allowed."""
    staff, state = user.is_cooperative_staff, membership.state
    if not staff and not user.acts_for(membership.board):
        return []  # e.g. a council member reading its own board's membership
    names = []
    if state == State.INTERESTED:
        names.append("apply")
    if state in SIGNABLE_STATES:
        names += ["sign_membership", "sign_service"]
    if staff and state == State.APPLIED:
        names.append("admit")
    if staff and state in (State.INTERESTED, State.APPLIED):
        names.append("reject")
    if staff and state in OPEN_STATES and not membership.is_founding:
        names.append("founding")
    if state == State.MEMBER:
        names += ["notice", "coop_notice"] if staff else ["notice"]
    if state == State.NOTICE_GIVEN and (staff or membership.notice_by == NoticeBy.MEMBER):
        names.append("withdraw_notice")
    if staff and state in (State.NOTICE_GIVEN, State.ENDED):
        names.append("settlement")
    return names


def _form(request, name: str, *, membership, board=None, suffix="", data=None):
    return forms.ACTIONS[name](
        data, user=request.user, membership=membership, board=board, prefix=f"{name}{suffix}"
    )


def _post(request, *, allowed, membership, board=None, suffix=""):
    """Run the posted action. Returns (name, None) when done, else (name, bound form
    with the errors)."""
    name = request.POST.get("action", "")
    if name not in allowed:
        raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    form = _form(
        request, name, membership=membership, board=board, suffix=suffix, data=request.POST
    )
    if form.is_valid():
        try:
            result = form.run()
        except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
            form.add_error(None, error.messages)
        else:
            messages.success(request, form.message(result))
            return name, None
    return name, form


def _shown_forms(request, names, *, membership, board=None, bound=None) -> list:
    """(name, form) for the page; the bound form (with its errors) replaces its name's."""
    bound_name, bound_form = bound or (None, None)
    shown = []
    for name in names:
        if name == bound_name:
            shown.append((name, bound_form))
            continue
        form = _form(request, name, membership=membership, board=board)
        if getattr(form, "available", True):
            shown.append((name, form))
    if bound_form is not None and bound_name not in names:
        shown.append((bound_name, bound_form))  # a stale page: show why it was refused
    return shown


def _agreements(membership: Membership) -> list[Agreement]:
    return list(membership.agreements.select_related("version"))


def _pdf_kinds(agreements: list[Agreement]) -> list[tuple[str, str]]:
    """The kinds of agreement there is something to print of: signed, or a version."""
    kinds = {a.kind for a in agreements}
    kinds |= set(AgreementVersion.objects.order_by().values_list("kind", flat=True).distinct())
    return [(kind, label) for kind, label in AgreementKind.choices if kind in kinds]


def _membership_context(membership: Membership | None, board) -> dict:
    today = timezone.localdate()
    agreements = _agreements(membership) if membership else []
    figures = cached_board_figures(board)
    return {
        "board": board,
        "membership": membership,
        "fee": selectors.fee_for_board(board, year=today.year, figures=figures),
        "agreements": agreements,
        "pdf_kinds": _pdf_kinds(agreements) if membership else [],
        "chamber": board_chamber(board, figures),
    }


@login_required
def mine(request):
    """A board contact's own membership, and the actions its state allows."""
    user = request.user
    if user.is_cooperative_staff:
        return redirect("membership:list")
    if not user.is_board_contact:
        raise PermissionDenied(_("Only a board contact has a membership page."))
    board = user.board
    membership = selectors.current_membership(board)
    bound = None
    if request.method == "POST":
        bound = _post(request, allowed=forms.ACTIONS, membership=membership, board=board)
        if bound[1] is None:
            return redirect("membership:mine")
    eligible = selectors.is_eligible(board)
    names = _actions_for(user, membership) if membership else []
    if (membership is None or membership.state in CLOSED_STATES) and eligible:
        names.insert(0, "start")
    context = _membership_context(membership, board)
    context.update(
        eligible=eligible,
        actions=_shown_forms(request, names, membership=membership, board=board, bound=bound),
    )
    return render(request, "membership/mine.html", context)


@login_required
def detail(request, pk: int):
    """All facts of one membership and the actions its state allows the viewer."""
    membership = _visible_membership(request.user, pk)
    bound = None
    if request.method == "POST":
        allowed = [name for name in forms.ACTIONS if name != "start"]
        bound = _post(request, allowed=allowed, membership=membership)
        if bound[1] is None:
            return redirect(membership)
    context = _membership_context(membership, membership.board)
    if request.user.is_cooperative_staff and membership.state in (State.NOTICE_GIVEN, State.ENDED):
        lines = settlement_lines(membership)
        context.update(
            settlement_lines=lines,
            settlement_total=sum((line.amount for line in lines), Decimal(0)),
        )
    context.update(
        settlement=getattr(membership, "settlement", None),
        audit=audit_entries_for(obj=membership, user=request.user)[:100],
        actions=_shown_forms(
            request, _actions_for(request.user, membership), membership=membership, bound=bound
        ),
    )
    return render(request, "membership/detail.html", context)


def _filtered(memberships: QuerySet[Membership], *, search: str, state: str):
    if search:
        memberships = memberships.filter(
            Q(board__duo_number__startswith=search) | Q(board__name__icontains=search)
        )
    if state:
        memberships = memberships.filter(state=state)
    signed = Agreement.objects.filter(membership=OuterRef("pk"))
    return memberships.annotate(
        has_membership_agreement=Exists(signed.filter(version__kind=AgreementKind.MEMBERSHIP)),
        has_service_agreement=Exists(signed.filter(version__kind=AgreementKind.SERVICE)),
    ).order_by("board__duo_number", "-created_at")


@staff_required
def membership_list(request):
    form = forms.MembershipFilterForm(request.GET)
    memberships = _filtered(selectors.memberships_visible_to(request.user), **form.filters())
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _export(fmt, memberships)
    page = Paginator(memberships, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": list_rows(page), "query": query.urlencode()}
    template = "membership/_results.html" if request.htmx else "membership/list.html"
    return render(request, template, context)


def list_rows(memberships) -> SafeString:
    """The rows of the staff's list (`_filtered` memberships), written in one pass: as a
    template loop, with a URL lookup, labels and dates per cell, they were most of the
    page's time (bundel.core.tables)."""
    url = url_pattern("membership:detail")
    states = {value: str(label) for value, label in State.choices}
    yes, kinds = escape(_("yes")), (_("membership"), _("SLA"))
    rows = []
    for m in memberships:
        link = escape(url.format(m.pk))
        signed = (m.has_membership_agreement, m.has_service_agreement)
        agreements = " · ".join(k for k, is_signed in zip(kinds, signed, strict=True) if is_signed)
        rows.append(
            f'<tr><td><a href="{link}">{escape(m.board.duo_number)}</a></td>'
            f'<td><a href="{link}">{escape(str(m.board.display_name))}</a></td>'
            f'<td><span class="membership-state state-{escape(m.state)}">'
            f"{escape(states.get(m.state, m.state))}</span></td>"
            f"<td>{yes if m.is_founding else ''}</td>"
            f'<td class="nowrap">{day(m.interested_on)}</td>'
            f'<td class="nowrap">{day(m.applied_on)}</td>'
            f'<td class="nowrap">{day(m.admitted_on)}</td>'
            f'<td class="nowrap">{day(m.ended_on or m.ends_on)}</td>'
            f"<td>{escape(agreements)}</td></tr>"
        )
    return mark_safe("\n".join(rows))


def _export(fmt: str, memberships: QuerySet[Membership]):
    header = [
        _("DUO number"),
        _("Board"),
        _("State"),
        _("Founding member"),
        _("In the start group since"),
        _("Interest declared on"),
        _("Applied on"),
        _("Admitted on"),
        _("Rejected on"),
        _("Notice given on"),
        _("Notice given by"),
        _("Ends on"),
        _("Ended on"),
        _("Membership agreement signed"),
        _("Service agreement signed"),
    ]
    yes_no = {True: _("yes"), False: _("no")}
    rows = (
        [
            m.board.duo_number,
            m.board.display_name,
            m.get_state_display(),
            yes_no[m.is_founding],
            m.founding_since,
            m.interested_on,
            m.applied_on,
            m.admitted_on,
            m.rejected_on,
            m.notice_on,
            m.get_notice_by_display(),
            m.ends_on,
            m.ended_on,
            yes_no[m.has_membership_agreement],
            yes_no[m.has_service_agreement],
        ]
        for m in memberships.iterator(chunk_size=2000)
    )
    return export_response(fmt, filename="lidmaatschappen", header=header, rows=rows)


@staff_required
def queue(request):
    """Applications waiting for admission, oldest first: admit or reject each."""
    bound = None
    if request.method == "POST":
        membership = _visible_membership(request.user, request.POST.get("membership"))
        name, form = _post(
            request, allowed=QUEUE_ACTIONS, membership=membership, suffix=f"-{membership.pk}"
        )
        if form is None:
            return redirect("membership:queue")
        bound = (membership.pk, name, form)
    rows = []
    for membership in selectors.admissions_queue():
        row_forms = {
            name: _form(request, name, membership=membership, suffix=f"-{membership.pk}")
            for name in QUEUE_ACTIONS
        }
        if bound and bound[0] == membership.pk:
            row_forms[bound[1]] = bound[2]
        rows.append((membership, row_forms))
    if bound and not any(m.pk == bound[0] for m, _row_forms in rows):
        # No longer in the queue (e.g. admitted meanwhile): say why the action failed.
        errors = [error for errors in bound[2].errors.values() for error in errors]
        messages.error(request, " ".join(errors))
    return render(request, "membership/queue.html", {"rows": rows})


@login_required
def agreement_pdf(request, pk: int, kind: str):
    """The membership or service agreement of one membership, as PDF: staff and the
    board's own contacts only."""
    if kind not in AgreementKind.values:
        raise Http404(_("No such agreement."))
    membership = _visible_membership(request.user, pk)
    return pdf.agreement_response(request, membership=membership, kind=kind)

"""The bidding pages, for suppliers and staff.

Suppliers: the published tenders, a tender with its documents, questions and their own
bids per lot, the nota van inlichtingen (page and PDF), the bid form, their receipts and
their award decision letters. Staff: the same list and tender page with the documents to
upload, the sealed bid envelopes and the committee; the questions to answer; the
evaluation (scores, consolidation, ranking, reasons, letters). Every page reads through
`selectors.py` and writes through `services`; anyone else gets a 403 or 404.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bundel.core.forms import run_action
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Lot, Tender

from . import clock, forms, pdf, selectors, services
from .constants import COMMITTEE_STATES, LETTER_STATES
from .models import AwardReasons, Bid, BidAttachment, BidContent


def bidding_user_required(view):
    """Staff and suppliers; anyone else is told this part is not theirs."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (selectors.is_staff(request.user) or selectors.is_supplier(request.user)):
            raise PermissionDenied(_("Tenders' documents, questions and bids are for suppliers."))
        return view(request, *args, **kwargs)

    return wrapper


def staff_only(request) -> None:
    if not selectors.is_staff(request.user):
        raise PermissionDenied(_("Only the cooperative's staff may see this page."))


def _tender(user, pk) -> Tender:
    tender = (
        selectors.bidding_tenders_visible_to(user)
        .prefetch_related("lots", "criteria")
        .filter(pk=pk)
        .first()
    )
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _bid(user, pk) -> Bid:
    bid = selectors.bids_visible_to(user).select_related("supplier").filter(pk=pk).first()
    if bid is None:
        raise Http404(_("No such bid."))
    return bid


def _protected_file(handle, *, filename: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- tenders ----------------------------------------------------------------------


@bidding_user_required
def tender_list(request):
    tenders = selectors.tender_list(request.user)
    page = Paginator(tenders, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "staff": selectors.is_staff(request.user), "query": ""}
    return render(request, "bidding/list.html", context)


@bidding_user_required
def tender_detail(request, pk: int):
    tender = _tender(request.user, pk)
    if selectors.is_staff(request.user):
        return _staff_tender(request, tender)
    return _supplier_tender(request, tender)


def _supplier_tender(request, tender: Tender):
    user = request.user
    can_ask = tender.state == TenderState.PUBLISHED and (
        clock.now() < services.questions_close_at(tender)
    )
    form = None
    if request.method == "POST":
        if request.POST.get("action") != "ask":
            raise BadRequest(_("Unknown action."))
        form = forms.QuestionForm(request.POST, user=user, tender=tender, prefix="ask")
        if run_action(request, form):
            return redirect("bidding:tender", pk=tender.pk)
    if form is None and can_ask:
        form = forms.QuestionForm(user=user, tender=tender, prefix="ask")
    context = {
        "tender": tender,
        "documents": selectors.tender_documents(tender, user),
        "questions_close_at": services.questions_close_at(tender),
        "can_ask": can_ask,
        "form": form,
        "my_questions": selectors.own_questions(tender, user),
        "nota_count": selectors.nota(tender, user).count(),
        "lots": selectors.lots_with_own_bids(tender, user),
        "open_for_bids": tender.state == TenderState.PUBLISHED and selectors.is_sealed(tender),
        "letters": selectors.letters_visible_to(user).filter(tender=tender),
    }
    return render(request, "bidding/tender_supplier.html", context)


def _staff_tender(request, tender: Tender):
    user = request.user
    members = selectors.committee(tender)
    bound = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "upload":
            bound = forms.DocumentForm(
                request.POST, request.FILES, user=user, tender=tender, prefix="upload"
            )
        elif action == "committee":
            bound = forms.CommitteeForm(request.POST, user=user, tender=tender, prefix="committee")
        else:
            raise BadRequest(_("Unknown action."))
        if run_action(request, bound):
            return redirect("bidding:tender", pk=tender.pk)
    upload = bound if bound is not None and bound.prefix == "upload" else None
    committee_form = bound if bound is not None and bound.prefix == "committee" else None
    if upload is None:
        upload = forms.DocumentForm(user=user, tender=tender, prefix="upload")
    if committee_form is None and tender.state in COMMITTEE_STATES:
        committee_form = forms.CommitteeForm(
            user=user, tender=tender, prefix="committee", members=members
        )
    bids = selectors.tender_bids(tender, user)
    context = {
        "tender": tender,
        "documents": selectors.tender_documents(tender, user),
        "upload": upload,
        "can_upload": tender.state in services.documents.UPLOAD_STATES
        and selectors.is_sealed(tender),
        "questions_close_at": services.questions_close_at(tender),
        "open_questions": selectors.questions_visible_to(user)
        .filter(tender=tender, state="open")
        .count(),
        "nota_count": selectors.nota(tender, user).count(),
        "bids": bids,
        "sealed": selectors.is_sealed(tender),
        "members": members,
        "committee_form": committee_form,
        "audit": selectors.bidding_audit(tender, user)[:100],
    }
    return render(request, "bidding/tender_staff.html", context)


@bidding_user_required
def document_download(request, pk: int, document: int):
    found = selectors.documents_visible_to(request.user).filter(tender_id=pk, pk=document).first()
    if found is None:
        raise Http404(_("No such document."))
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    return _protected_file(handle, filename=found.file_name)


# --- questions and the nota ---------------------------------------------------------


def _nota_context(request, tender: Tender) -> dict:
    return {
        "tender": tender,
        "entries": selectors.nota(tender, request.user),
        "questions_close_at": services.questions_close_at(tender),
    }


@bidding_user_required
def nota(request, pk: int):
    tender = _tender(request.user, pk)
    return render(request, "bidding/nota.html", _nota_context(request, tender))


@bidding_user_required
def nota_pdf(request, pk: int):
    tender = _tender(request.user, pk)
    return pdf.pdf_response(
        request,
        template="bidding/nota_pdf.html",
        context=_nota_context(request, tender),
        filename=pdf.nota_filename(tender),
    )


@bidding_user_required
def questions(request, pk: int):
    """Staff: the open questions, each with its answer form, and the answered ones with
    who asked them (for staff only)."""
    staff_only(request)
    user = request.user
    tender = _tender(user, pk)
    visible = selectors.questions_visible_to(user).filter(tender=tender)
    bound = None
    if request.method == "POST":
        if request.POST.get("action") != "answer":
            raise BadRequest(_("Unknown action."))
        question = visible.filter(pk=_int(request.POST.get("question"))).first()
        if question is None:
            raise Http404(_("No such question."))
        bound = forms.AnswerForm(
            request.POST, user=user, question=question, prefix=f"q{question.pk}"
        )
        if run_action(request, bound):
            return redirect("bidding:questions", pk=tender.pk)
    open_questions = []
    for question in visible.filter(state="open").order_by("asked_at", "pk"):
        if bound is not None and bound.question.pk == question.pk:
            open_questions.append((question, bound))
        else:
            form = forms.AnswerForm(user=user, question=question, prefix=f"q{question.pk}")
            open_questions.append((question, form))
    context = {
        "tender": tender,
        "open_questions": open_questions,
        "answered": visible.filter(state="answered").order_by("number"),
        "can_answer": tender.state == TenderState.PUBLISHED,
    }
    return render(request, "bidding/questions.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- bids -------------------------------------------------------------------------


@bidding_user_required
def bid_new(request, pk: int, number: int):
    user = request.user
    if not selectors.is_supplier(user):
        raise PermissionDenied(_("Only supplier accounts submit bids."))
    tender = _tender(user, pk)
    lot = Lot.objects.filter(tender=tender, number=number).first()
    if lot is None:
        raise Http404(_("No such lot."))
    current = selectors.bids_visible_to(user).filter(lot=lot, superseded_at__isnull=True).first()
    previous = selectors.bid_contents(bid=current, user=user) if current else None
    form = forms.BidForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        tender=tender,
        lot=lot,
        previous=previous,
    )
    if request.method == "POST" and run_action(request, form):
        return redirect("bidding:bid", pk=form.result.pk)
    context = {
        "tender": tender,
        "lot": lot,
        "form": form,
        "current": current,
        "open": tender.state == TenderState.PUBLISHED and selectors.is_sealed(tender),
    }
    return render(request, "bidding/bid_form.html", context)


@bidding_user_required
def bid_detail(request, pk: int):
    """The receipt (the supplier) or the envelope (staff), with the contents for whom
    `bid_contents` hands them over; before the closing time staff see only that the bid
    is sealed until then."""
    user = request.user
    bid = _bid(user, pk)
    contents, sealed_message = None, ""
    try:
        contents = selectors.bid_contents(bid=bid, user=user)
    except selectors.SealedBid as sealed:
        sealed_message = str(sealed)
    history = selectors.bids_visible_to(user).filter(lot=bid.lot, supplier=bid.supplier_id)
    context = {
        "bid": bid,
        "tender": bid.tender,
        "contents": contents,
        "answers": [
            (criterion.name, contents.answers.get(criterion.name, ""))
            for criterion in bid.tender.criteria.all()
        ]
        if contents
        else [],
        "sealed_message": sealed_message,
        "history": history.order_by("-sequence"),
        "own": bid.supplier_id == user.pk,
        "letter": selectors.letters_visible_to(user).filter(pk=bid.pk).exists(),
    }
    return render(request, "bidding/bid.html", context)


@bidding_user_required
def attachment_download(request, pk: int, attachment: int):
    bid = _bid(request.user, pk)
    try:
        found = selectors.bid_attachment(bid=bid, user=request.user, pk=attachment)
    except (BidContent.DoesNotExist, BidAttachment.DoesNotExist):
        raise Http404(_("No such attachment.")) from None
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    return _protected_file(handle, filename=found.file_name)


# --- evaluation and award -----------------------------------------------------------


@bidding_user_required
def evaluation(request, pk: int):
    """Committee members score, the chair consolidates and gives the reasons; staff see
    the ranking and the letters. Before the closing time there is nothing to evaluate."""
    staff_only(request)
    user = request.user
    tender = _tender(user, pk)
    sealed = selectors.is_sealed(tender)
    bids = [] if sealed else list(services.current_bids(tender))
    criteria = list(tender.criteria.all())
    bound = None
    if request.method == "POST":
        if sealed:
            raise PermissionDenied(selectors.sealed_message(tender))
        state = selectors.evaluation_for(tender, user)
        bound = _evaluation_form(request, tender, bids, criteria, state)
        if run_action(request, bound):
            return redirect("bidding:evaluation", pk=tender.pk)
    state = selectors.evaluation_for(tender, user)
    consolidated = {} if sealed else selectors.consolidated_scores(tender)
    rankings = [] if sealed else selectors.rankings_visible_to(user, tender)
    context = {
        "tender": tender,
        "sealed": sealed,
        "sealed_message": selectors.sealed_message(tender),
        "criteria": criteria,
        "bids": bids,
        "state": state,
        "sheet_form": _sheet_form(bound, tender, user, state, bids, criteria),
        "consolidation_form": _consolidation_form(
            bound, tender, user, state, bids, criteria, consolidated
        ),
        "score_table": _score_table(state, bids, criteria) if state.others_visible else [],
        "consolidated_table": [
            (bid, [consolidated.get((bid.pk, c.pk)) for c in criteria]) for bid in bids
        ]
        if consolidated
        else [],
        "rankings": [_ranking_rows(ranking) for ranking in rankings],
        "reasons_forms": _reasons_forms(bound, tender, user, state, rankings),
        "letters": selectors.letters_visible_to(user)
        .filter(tender=tender)
        .order_by("lot__number", "organisation")
        if tender.state in LETTER_STATES
        else [],
    }
    return render(request, "bidding/evaluation.html", context)


def _evaluation_form(request, tender, bids, criteria, state):
    action, user = request.POST.get("action"), request.user
    if action == "sheet":
        return forms.SheetForm(
            request.POST, user=user, tender=tender, prefix="sheet", bids=bids, criteria=criteria
        )
    if action == "consolidate":
        return forms.ConsolidationForm(
            request.POST,
            user=user,
            tender=tender,
            prefix="consolidate",
            bids=bids,
            criteria=criteria,
            others=_all_scores(state),
        )
    if action == "reasons":
        lot = tender.lots.filter(pk=_int(request.POST.get("lot"))).first()
        if lot is None:
            raise Http404(_("No such lot."))
        return forms.ReasonsForm(request.POST, user=user, lot=lot, prefix=f"reasons{lot.pk}")
    raise BadRequest(_("Unknown action."))


def _sheet_form(bound, tender, user, state, bids, criteria):
    """A member's own sheet while the evaluation runs and it is not submitted."""
    if isinstance(bound, forms.SheetForm):
        return bound
    if tender.state != TenderState.EVALUATION or not bids or state.me is None:
        return None
    if state.my_sheet is not None and state.my_sheet.submitted_at is not None:
        return None
    return forms.SheetForm(
        user=user,
        tender=tender,
        prefix="sheet",
        bids=bids,
        criteria=criteria,
        initial_scores={key: (s.score, s.note) for key, s in state.my_scores.items()},
    )


def _all_scores(state) -> dict:
    scores = {key: list(rows) for key, rows in state.others.items()}
    for key, score in state.my_scores.items():
        scores.setdefault(key, []).append(score)
    return scores


def _consolidation_form(bound, tender, user, state, bids, criteria, consolidated):
    """The chair's, once every member has submitted; it starts from the consolidated
    scores so far, else from the members' average."""
    if isinstance(bound, forms.ConsolidationForm):
        return bound
    if tender.state != TenderState.EVALUATION or not bids:
        return None
    if state.me is None or not state.me.is_chair or not state.all_submitted:
        return None
    scores = _all_scores(state)
    initial = {key: (row.score, row.note) for key, row in consolidated.items()}
    for key, rows in scores.items():
        if key not in initial and rows:
            initial[key] = (round(sum(r.score for r in rows) / len(rows), 2), "")
    return forms.ConsolidationForm(
        user=user,
        tender=tender,
        prefix="consolidate",
        bids=bids,
        criteria=criteria,
        initial_scores=initial,
        others=scores,
    )


def _score_table(state, bids, criteria) -> list:
    """Per bid, per criterion: one's own score and the other members' (submitted)."""
    return [
        (
            bid,
            [
                (state.my_scores.get((bid.pk, c.pk)), state.others.get((bid.pk, c.pk), []))
                for c in criteria
            ],
        )
        for bid in bids
    ]


def _ranking_rows(ranking) -> dict:
    """A lot's ranking with the method's figures per criterion in the criteria's order."""
    names = [c.name for c in ranking.criteria]
    rows = []
    for row in ranking.rows:
        result = row.result
        per_criterion = (
            result.quality_points if ranking.method == "points" else result.earned_values
        )
        rows.append({"row": row, "cells": [per_criterion[name] for name in names]})
    return {"ranking": ranking, "rows": rows}


def _reasons_forms(bound, tender, user, state, rankings) -> list:
    chair = state.me is not None and state.me.is_chair
    if not chair or tender.state not in (TenderState.EVALUATION, TenderState.AWARD_DECISION):
        return []
    reasons = {r.lot_id: r for r in AwardReasons.objects.filter(lot__tender=tender)}
    result = []
    for ranking in rankings:
        lot = ranking.lot
        if not ranking.bid_count:
            continue
        if isinstance(bound, forms.ReasonsForm) and bound.lot.pk == lot.pk:
            result.append(bound)
            continue
        existing = reasons.get(lot.pk)
        result.append(
            forms.ReasonsForm(
                user=user,
                lot=lot,
                prefix=f"reasons{lot.pk}",
                initial={"text": existing.text} if existing else None,
            )
        )
    return result


@bidding_user_required
def letter_pdf(request, pk: int):
    bid = selectors.letters_visible_to(request.user).filter(pk=pk).first()
    if bid is None:
        raise Http404(_("No such letter."))
    context = selectors.letter_context(bid)
    if context["own"] is None:
        raise Http404(_("The ranking of this lot is not complete yet."))
    return pdf.pdf_response(
        request,
        template="bidding/letter_pdf.html",
        context=context,
        filename=pdf.letter_filename(bid),
    )

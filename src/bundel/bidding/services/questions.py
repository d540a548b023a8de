"""Supplier questions and the nota van inlichtingen.

A supplier asks while the tender is published, until `BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE`
days before its closing time. Staff answer while it is published; an answer publishes the
question (as worded for publication) in the nota with the next number. Who asked is
stored for staff and never shown in the nota.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Lot, Tender

from .. import clock
from ..constants import QuestionState
from ..models import Question
from .common import locked_tender, moment, require_staff, require_state, require_supplier

TEXT_MAX = 5000


def questions_close_at(tender: Tender) -> datetime:
    return tender.closing_at - timedelta(days=settings.BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE)


def _text(value: str, *, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation(_("Write the %(what)s."), code="empty", params={"what": what})
    if len(text) > TEXT_MAX:
        raise RuleViolation(
            _("The %(what)s has %(length)s characters; at most %(max)s are accepted."),
            code="too_long",
            params={"what": what, "length": len(text), "max": TEXT_MAX},
        )
    return text


def _check_lot(tender: Tender, lot: Lot | None) -> None:
    if lot is not None and lot.tender_id != tender.pk:
        raise RuleViolation(_("The lot is not one of this tender's."), code="lot")


@transaction.atomic
def question_ask(*, tender: Tender, text: str, by, lot: Lot | None = None) -> Question:
    require_supplier(by)
    text = _text(text, what=_("question"))
    current = locked_tender(tender)
    require_state(
        current,
        (TenderState.PUBLISHED,),
        _("The tender %(tender)r is %(state)s: questions are asked while it is published."),
    )
    _check_lot(current, lot)
    now, deadline = clock.now(), questions_close_at(current)
    if now >= deadline:
        raise RuleViolation(
            _("Questions closed at %(deadline)s (%(days)s days before bids close at %(closing)s)."),
            code="questions_closed",
            params={
                "deadline": moment(deadline),
                "days": settings.BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE,
                "closing": moment(current.closing_at),
            },
        )
    question = Question(tender=current, lot=lot, asked_by=by, text=text, asked_at=now)
    question.full_clean()
    question.save()
    audit_log(
        action="bidding.question.asked",
        obj=question,
        actor=by,
        data={"tender": current.pk, "lot": lot.number if lot else None},
    )
    return question


@transaction.atomic
def question_answer(
    *, question: Question, answer: str, by, published_text: str | None = None
) -> Question:
    """Answer a question and publish it in the nota with the next number. The question
    is published as asked unless staff word it anew (`published_text`)."""
    require_staff(by)
    answer = _text(answer, what=_("answer"))
    current = locked_tender(question.tender)
    require_state(
        current,
        (TenderState.PUBLISHED,),
        _("The tender %(tender)r is %(state)s: questions are answered while it is published."),
    )
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state == QuestionState.ANSWERED:
        raise StateConflict(
            _("This question is already answered in the nota as number %(number)s."),
            code="answered",
            params={"number": question.number},
        )
    published = _text(published_text or question.text, what=_("question as published"))
    last = Question.objects.filter(tender=current).aggregate(Max("number"))["number__max"]
    question.state = QuestionState.ANSWERED
    question.number = (last or 0) + 1
    question.published_text = published
    question.answer = answer
    question.answered_by = by
    question.answered_at = clock.now()
    question.full_clean()
    question.save()
    audit_log(
        action="bidding.question.answered",
        obj=question,
        actor=by,
        data={
            "tender": current.pk,
            "number": question.number,
            "reworded": published != question.text,
        },
    )
    return question

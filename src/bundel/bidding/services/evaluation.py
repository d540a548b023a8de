"""The evaluation: a committee of staff members (one chairs it) scores the quality
criteria of every current bid on its own; the chair then sets the consolidated score of
each bid and criterion with its reasons, and writes the reasons of the award decision
per lot. The ranking (`selectors.lot_ranking`) follows from the consolidated scores and
the prices with the tender's award method.

Independence: a member's scores are theirs alone until they submit their sheet; after
that they no longer change. The audit trail (which all staff read) records that scores
were saved or submitted and how many, never the scores themselves.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders.constants import AwardMethod, TenderState
from bundel.tenders.models import AwardCriterion, Lot, Tender

from .. import clock
from ..constants import COMMITTEE_STATES
from ..models import AwardReasons, Bid, CommitteeMember, ConsolidatedScore, Score, ScoreSheet
from .common import locked_tender, moment, name_of, require_staff, require_state

MIN_COMMITTEE = 2
NOTE_MAX = 5000


@dataclass(frozen=True)
class ScoreInput:
    bid: Bid
    criterion: AwardCriterion
    score: Decimal
    note: str = ""


# --- the committee ------------------------------------------------------------------


@transaction.atomic
def committee_set(*, tender: Tender, members: Sequence, chair, by) -> list[CommitteeMember]:
    """The committee of a tender: at least two staff members, one of whom chairs it.
    A member who has submitted scores stays; the chair no longer changes once scores
    are consolidated."""
    require_staff(by)
    current = locked_tender(tender)
    require_state(
        current,
        COMMITTEE_STATES,
        _("The tender %(tender)r is %(state)s: the committee no longer changes."),
    )
    members = list({member.pk: member for member in members}.values())
    for member in members:
        if not member.is_cooperative_staff:
            raise RuleViolation(
                _("%(name)s is not on the cooperative's staff; the committee is staff only."),
                code="not_staff",
                params={"name": name_of(member)},
            )
    if len(members) < MIN_COMMITTEE:
        raise RuleViolation(
            _(
                "An evaluation committee has at least %(min)s members, so that scores are "
                "given independently."
            ),
            code="committee_size",
            params={"min": MIN_COMMITTEE},
        )
    if chair is None or chair.pk not in {member.pk for member in members}:
        raise RuleViolation(_("The chair is one of the committee's members."), code="chair")
    existing = {m.user_id: m for m in CommitteeMember.objects.filter(tender=current)}
    old_chair = next((m.user_id for m in existing.values() if m.is_chair), None)
    leaving = [user_id for user_id in existing if user_id not in {m.pk for m in members}]
    scored = (
        ScoreSheet.objects.filter(tender=current, member_id__in=leaving, submitted_at__isnull=False)
        .select_related("member")
        .first()
    )
    if scored is not None:
        raise RuleViolation(
            _("%(name)s has submitted scores; they stay on the committee."),
            code="member_scored",
            params={"name": name_of(scored.member)},
        )
    if (
        old_chair is not None
        and old_chair != chair.pk
        and ConsolidatedScore.objects.filter(bid__tender=current).exists()
    ):
        raise StateConflict(
            _("The chair has consolidated scores; the chair no longer changes."),
            code="chair_consolidated",
        )
    ScoreSheet.objects.filter(tender=current, member_id__in=leaving).delete()
    CommitteeMember.objects.filter(tender=current, user_id__in=leaving).delete()
    CommitteeMember.objects.filter(tender=current).update(is_chair=False)
    for member in members:
        row = existing.get(member.pk) or CommitteeMember(tender=current, user=member)
        row.is_chair = member.pk == chair.pk
        row.full_clean(validate_constraints=False)
        row.save()
    before = sorted(name_of(m.user) for m in existing.values())
    after = sorted(name_of(member) for member in members)
    changes = {}
    if before != after:
        changes["members"] = [", ".join(before), ", ".join(after)]
    if old_chair != chair.pk:
        old = existing.get(old_chair)
        changes["chair"] = [name_of(old.user) if old else None, name_of(chair)]
    if changes:
        audit_log(
            action="bidding.committee.changed",
            obj=current,
            actor=by,
            changes=changes,
            data={"tender": current.pk},
        )
    return list(CommitteeMember.objects.filter(tender=current).select_related("user"))


def _membership(tender: Tender, user) -> CommitteeMember:
    member = CommitteeMember.objects.filter(tender=tender, user=user).first()
    if member is None or not getattr(user, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the tender's evaluation committee scores its bids."))
    return member


def _in_evaluation(tender: Tender) -> Tender:
    current = locked_tender(tender)
    require_state(
        current,
        (TenderState.EVALUATION,),
        _("The tender %(tender)r is %(state)s: bids are scored during the evaluation."),
    )
    return current


def current_bids(tender: Tender):
    """The bids that count: each supplier's latest for each lot."""
    return (
        Bid.objects.filter(tender=tender, superseded_at__isnull=True)
        .select_related("lot")
        .order_by("lot__number", "organisation", "pk")
    )


def scale_of(tender: Tender, criterion: AwardCriterion) -> tuple[Decimal, Decimal]:
    """Weighted points score from 0; award on value from the criterion's minimum."""
    low = criterion.scale_min if tender.award_method == AwardMethod.VALUE else Decimal(0)
    return low, criterion.scale_max


def _score(value) -> Decimal:
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            _("The score %(score)r is not a number."), code="score", params={"score": value}
        ) from None
    if not score.is_finite():
        raise RuleViolation(
            _("The score %(score)r is not a number."), code="score", params={"score": value}
        )
    return score


def _checked(tender: Tender, given: Sequence[ScoreInput], *, note_required: bool):
    bids = {bid.pk: bid for bid in current_bids(tender)}
    criteria = {c.pk: c for c in tender.criteria.all()}
    checked = []
    for item in given:
        bid, criterion = bids.get(item.bid.pk), criteria.get(item.criterion.pk)
        if bid is None:
            raise RuleViolation(_("Only the current bids of this tender are scored."), code="bid")
        if criterion is None:
            raise RuleViolation(
                _("%(criterion)r is not an award criterion of this tender."),
                code="criterion",
                params={"criterion": str(item.criterion)},
            )
        score = _score(item.score)
        low, high = scale_of(tender, criterion)
        if not low <= score <= high:
            raise RuleViolation(
                _(
                    "The score %(score)s of %(bidder)s (lot %(lot)s) for %(criterion)r is "
                    "outside its scale of %(low)s to %(high)s."
                ),
                code="score_outside_scale",
                params={
                    "score": score,
                    "bidder": bid.organisation,
                    "lot": bid.lot.number,
                    "criterion": criterion.name,
                    "low": low,
                    "high": high,
                },
            )
        note = (item.note or "").strip()
        if note_required and not note:
            raise RuleViolation(
                _("Give the reasons for the score of %(bidder)s (lot %(lot)s) for %(criterion)r."),
                code="note",
                params={
                    "bidder": bid.organisation,
                    "lot": bid.lot.number,
                    "criterion": criterion.name,
                },
            )
        if len(note) > NOTE_MAX:
            raise RuleViolation(
                _("A note has at most %(max)s characters."), code="note", params={"max": NOTE_MAX}
            )
        checked.append((bid, criterion, score, note))
    return bids, criteria, checked


def _first_missing(tender, bids, criteria, have: set[tuple[int, int]]):
    for bid in bids.values():
        for criterion in criteria.values():
            if (bid.pk, criterion.pk) not in have:
                return bid, criterion
    return None


# --- the members' scores --------------------------------------------------------------


@transaction.atomic
def scores_save(
    *, tender: Tender, by, scores: Sequence[ScoreInput], submit: bool = False
) -> ScoreSheet:
    """Save a member's own scores (all or some); `submit` hands the sheet in, which
    needs a score for every current bid on every criterion and fixes it."""
    current = _in_evaluation(tender)
    _membership(current, by)
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
        tender=current, member=by
    )
    if sheet.submitted_at is not None:
        raise StateConflict(
            _("Your scores were submitted at %(at)s; they no longer change."),
            code="sheet_submitted",
            params={"at": moment(sheet.submitted_at)},
        )
    bids, criteria, checked = _checked(current, scores, note_required=False)
    for bid, criterion, score, note in checked:
        Score.objects.update_or_create(
            sheet=sheet, bid=bid, criterion=criterion, defaults={"score": score, "note": note}
        )
    if checked:
        audit_log(
            action="bidding.scores.saved",
            obj=sheet,
            actor=by,
            data={"tender": current.pk, "scores": len(checked)},
        )
    if submit:
        have = set(sheet.scores.values_list("bid_id", "criterion_id"))
        missing = _first_missing(current, bids, criteria, have)
        if missing is not None:
            bid, criterion = missing
            raise RuleViolation(
                _(
                    "Score every bid on every criterion before submitting: %(bidder)s (lot "
                    "%(lot)s) has no score for %(criterion)r."
                ),
                code="missing_score",
                params={
                    "bidder": bid.organisation,
                    "lot": bid.lot.number,
                    "criterion": criterion.name,
                },
            )
        sheet.submitted_at = clock.now()
        sheet.save(update_fields=["submitted_at"])
        audit_log(
            action="bidding.scores.submitted",
            obj=sheet,
            actor=by,
            data={"tender": current.pk, "scores": len(have)},
        )
    return sheet


# --- the chair ------------------------------------------------------------------------


def _require_chair(tender: Tender, by) -> None:
    if not _membership(tender, by).is_chair:
        raise PermissionDenied(_("Only the chair of the committee consolidates the scores."))


@transaction.atomic
def scores_consolidate(*, tender: Tender, by, scores: Sequence[ScoreInput]) -> int:
    """The chair sets the committee's score of bids on criteria, each with its reasons,
    once every member has submitted their scores. Returns how many changed."""
    current = _in_evaluation(tender)
    _require_chair(current, by)
    members = CommitteeMember.objects.filter(tender=current).select_related("user")
    submitted = set(
        ScoreSheet.objects.filter(tender=current, submitted_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    waiting = [name_of(m.user) for m in members if m.user_id not in submitted]
    if waiting:
        raise RuleViolation(
            _("Not every member has submitted their scores yet: %(names)s."),
            code="scores_pending",
            params={"names": ", ".join(waiting)},
        )
    _bids, _criteria, checked = _checked(current, scores, note_required=True)
    existing = {
        (row.bid_id, row.criterion_id): row
        for row in ConsolidatedScore.objects.filter(bid__tender=current)
    }
    changes, now = {}, clock.now()
    for bid, criterion, score, note in checked:
        row = existing.get((bid.pk, criterion.pk))
        if row is not None and (row.score, row.note) == (score, note):
            continue
        key = f"{bid.lot.number} · {bid.organisation} · {criterion.name}"
        changes[key] = [str(row.score) if row else None, str(score)]
        row = row or ConsolidatedScore(bid=bid, criterion=criterion)
        row.score, row.note, row.set_by, row.set_at = score, note, by, now
        row.full_clean(validate_constraints=False)
        row.save()
    if changes:
        audit_log(
            action="bidding.scores.consolidated",
            obj=current,
            actor=by,
            changes=changes,
            data={"tender": current.pk},
        )
    return len(changes)


@transaction.atomic
def award_reasons_set(*, lot: Lot, text: str, by) -> AwardReasons:
    """The chair writes the reasons of the award decision for a lot (the letters give
    them), during the evaluation and while the decision is prepared."""
    current = locked_tender(lot.tender)
    require_state(
        current,
        (TenderState.EVALUATION, TenderState.AWARD_DECISION),
        _(
            "The tender %(tender)r is %(state)s: the reasons are written before the decision "
            "is sent."
        ),
    )
    _require_chair(current, by)
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("Write the reasons of the award decision."), code="reasons")
    if len(text) > NOTE_MAX:
        raise RuleViolation(
            _("The reasons have at most %(max)s characters."),
            code="reasons",
            params={"max": NOTE_MAX},
        )
    reasons = AwardReasons.objects.filter(lot=lot).first()
    before = reasons.text if reasons else None
    if reasons is not None and reasons.text == text:
        return reasons
    reasons = reasons or AwardReasons(lot=lot)
    reasons.text, reasons.set_by, reasons.set_at = text, by, clock.now()
    reasons.full_clean()
    reasons.save()
    audit_log(
        action="bidding.award_reasons.changed" if before else "bidding.award_reasons.added",
        obj=reasons,
        actor=by,
        changes={"text": [before, text]},
        data={"tender": current.pk, "lot": lot.number},
    )
    return reasons

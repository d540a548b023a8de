"""Who sees what of bidding, and the figures the pages show.

- Tenders: staff every tender; a supplier those published (state published or later, or
  cancelled after publication); anyone else none (board contacts join tenders through
  demand registration, not here).
- Documents: of the tenders one sees. Questions: staff all, with who asked; a supplier
  its own and the nota's (answered, numbered, never with who asked).
- Bids: the envelopes (who, lot, when, hash) to staff and to the supplier that submitted
  them. The contents only through `bid_contents`: the supplier its own at any time;
  staff from the closing time on (`SealedBid`, a 403, before then); nobody else.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.accounts.constants import Role
from bundel.audit.selectors import audit_entries_visible_to
from bundel.tenders.award import (
    Bid as AwardBid,
)
from bundel.tenders.award import (
    PointsCriterion,
    PointsResult,
    ValueCriterion,
    ValueResult,
    rank_points,
    rank_value,
)
from bundel.tenders.constants import PUBLIC_STATES, AwardMethod, TenderState
from bundel.tenders.models import AwardCriterion, Lot, Tender
from bundel.tenders.selectors import tenders_visible_to as tenders_shown_to
from bundel.tenders.services import standstill_ends

from . import clock
from .constants import LETTER_SENT_STATES, LETTER_STATES, QuestionState
from .models import (
    AwardReasons,
    Bid,
    BidAttachment,
    BidContent,
    CommitteeMember,
    ConsolidatedScore,
    Question,
    Score,
    ScoreSheet,
    TenderDocument,
)
from .services.common import moment
from .services.evaluation import current_bids


class SealedBid(PermissionDenied):
    """A bid's contents asked for before the closing time (HTTP 403)."""


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_cooperative_staff)


def is_supplier(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role == Role.SUPPLIER
    )


def is_sealed(tender: Tender) -> bool:
    return clock.now() < tender.closing_at


def sealed_message(tender: Tender) -> str:
    return _("Bids are sealed until the closing time, %(closing)s.") % {
        "closing": moment(tender.closing_at)
    }


# --- tenders and documents ----------------------------------------------------------


def bidding_tenders_visible_to(user) -> QuerySet[Tender]:
    if is_staff(user):
        return Tender.objects.all()
    if is_supplier(user):
        published = Q(state__in=PUBLIC_STATES) | Q(
            state=TenderState.CANCELLED, published_on__isnull=False
        )
        return tenders_shown_to(user).filter(published)
    return Tender.objects.none()


def _count(queryset, counted: str = "pk") -> Coalesce:
    """The number of rows (or of distinct `counted` values) per tender, as a subquery."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values("tender")
            .annotate(n=Count(counted, distinct=counted != "pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def tender_list(user) -> QuerySet[Tender]:
    """The tenders one sees with the counts the list shows: lots, documents (current
    versions), answered questions, and for staff the open questions and current bids,
    for a supplier its own current bids. One query."""
    tenders = bidding_tenders_visible_to(user).annotate(
        lot_count=_count(Lot.objects.filter(tender=OuterRef("pk"))),
        document_count=_count(TenderDocument.objects.filter(tender=OuterRef("pk")), "title"),
        answered_count=_count(
            Question.objects.filter(tender=OuterRef("pk"), state=QuestionState.ANSWERED)
        ),
    )
    bids = Bid.objects.filter(tender=OuterRef("pk"), superseded_at__isnull=True)
    if is_staff(user):
        tenders = tenders.annotate(
            open_count=_count(
                Question.objects.filter(tender=OuterRef("pk"), state=QuestionState.OPEN)
            ),
            bid_count=_count(bids),
        )
    else:
        tenders = tenders.annotate(bid_count=_count(bids.filter(supplier=user)))
    return tenders.order_by("closing_at", "pk")


def documents_visible_to(user) -> QuerySet[TenderDocument]:
    return TenderDocument.objects.filter(tender__in=bidding_tenders_visible_to(user))


def tender_documents(tender: Tender, user) -> list[TenderDocument]:
    """The current version of each document, each with its older versions
    (`older`), by title."""
    rows = documents_visible_to(user).filter(tender=tender).order_by("title", "-version")
    current: dict[str, TenderDocument] = {}
    for document in rows:
        if document.title in current:
            current[document.title].older.append(document)
        else:
            document.older = []
            current[document.title] = document
    return list(current.values())


# --- questions and the nota ---------------------------------------------------------


def questions_visible_to(user) -> QuerySet[Question]:
    base = Question.objects.select_related("lot")
    if is_staff(user):
        return base.select_related("asked_by", "answered_by")
    if is_supplier(user):
        return base.filter(tender__in=bidding_tenders_visible_to(user)).filter(
            Q(asked_by=user) | Q(state=QuestionState.ANSWERED)
        )
    return base.none()


def nota(tender: Tender, user) -> QuerySet[Question]:
    """The nota van inlichtingen: the answered questions by number, as published. Who
    asked is not even read."""
    return (
        questions_visible_to(user)
        .filter(tender=tender, state=QuestionState.ANSWERED)
        .select_related(None)
        .select_related("lot")
        .only(
            "pk",
            "tender_id",
            "number",
            "published_text",
            "answer",
            "answered_at",
            "lot__number",
            "lot__title",
        )
        .order_by("number")
    )


def own_questions(tender: Tender, user) -> QuerySet[Question]:
    if not is_supplier(user):
        return Question.objects.none()
    return questions_visible_to(user).filter(tender=tender, asked_by=user).order_by("-asked_at")


# --- bids -----------------------------------------------------------------------------


def bids_visible_to(user) -> QuerySet[Bid]:
    """The envelopes: never the contents."""
    base = Bid.objects.select_related("lot", "tender")
    if is_staff(user):
        return base
    if is_supplier(user):
        return base.filter(supplier=user)
    return base.none()


def with_supersedes(bids: QuerySet[Bid]) -> QuerySet[Bid]:
    """With `supersedes_pk`: the submission each one replaced, if any."""
    earlier = Bid.objects.filter(superseded_by=OuterRef("pk")).values("pk")[:1]
    return bids.annotate(supersedes_pk=Subquery(earlier))


def may_read_contents(bid: Bid, user) -> bool:
    """Whether `bid_contents` would hand over the contents (no query)."""
    if is_supplier(user) and bid.supplier_id == user.pk:
        return True
    return is_staff(user) and not is_sealed(bid.tender)


def bid_contents(*, bid: Bid, user) -> BidContent:
    """A bid's price, answers and attachments: the supplier's own at any time, staff
    from the closing time on; anyone else never."""
    if not bids_visible_to(user).filter(pk=bid.pk).exists():
        raise PermissionDenied(_("You may not see this bid."))
    if not may_read_contents(bid, user):
        raise SealedBid(sealed_message(bid.tender))
    return BidContent.objects.prefetch_related(
        Prefetch("attachments", queryset=BidAttachment.objects.order_by("position"))
    ).get(bid=bid)


def bid_attachment(*, bid: Bid, user, pk: int) -> BidAttachment:
    return bid_contents(bid=bid, user=user).attachments.get(pk=pk)


def tender_bids(tender: Tender, user) -> QuerySet[Bid]:
    return (
        bids_visible_to(user)
        .filter(tender=tender)
        .order_by("lot__number", "organisation", "sequence")
    )


# --- evaluation ---------------------------------------------------------------------


def committee(tender: Tender) -> list[CommitteeMember]:
    return list(CommitteeMember.objects.filter(tender=tender).select_related("user"))


@dataclass
class Evaluation:
    """What a staff member sees of a tender's evaluation."""

    members: list[CommitteeMember]
    me: CommitteeMember | None
    my_sheet: ScoreSheet | None
    submitted: set[int]  # the members (user ids) who submitted their scores
    my_scores: dict[tuple[int, int], Score] = field(default_factory=dict)
    others: dict[tuple[int, int], list[Score]] = field(default_factory=dict)
    others_visible: bool = False

    @property
    def all_submitted(self) -> bool:
        return bool(self.members) and all(m.user_id in self.submitted for m in self.members)


def evaluation_for(tender: Tender, user) -> Evaluation:
    """A member sees their own scores, and the others' only once their own are
    submitted; staff outside the committee see the scores once every member has
    submitted. Anyone but staff sees nothing."""
    if not is_staff(user):
        raise PermissionDenied(_("Only the cooperative's staff see the evaluation."))
    members = committee(tender)
    me = next((m for m in members if m.user_id == user.pk), None)
    sheets = {s.member_id: s for s in ScoreSheet.objects.filter(tender=tender)}
    submitted = {member_id for member_id, s in sheets.items() if s.submitted_at is not None}
    my_sheet = sheets.get(user.pk) if me else None
    evaluation = Evaluation(members=members, me=me, my_sheet=my_sheet, submitted=submitted)
    evaluation.others_visible = (
        me is not None and my_sheet is not None and my_sheet.submitted_at is not None
    ) or (me is None and evaluation.all_submitted)
    shown = Q(sheet__member=user) if me else Q(pk__in=[])
    if evaluation.others_visible:
        shown |= Q(sheet__submitted_at__isnull=False)
    scores = (
        Score.objects.filter(sheet__tender=tender).filter(shown).select_related("sheet__member")
    )
    for score in scores:
        key = (score.bid_id, score.criterion_id)
        if score.sheet.member_id == user.pk:
            evaluation.my_scores[key] = score
        else:
            evaluation.others.setdefault(key, []).append(score)
    return evaluation


def consolidated_scores(tender: Tender) -> dict[tuple[int, int], ConsolidatedScore]:
    rows = ConsolidatedScore.objects.filter(bid__tender=tender)
    return {(row.bid_id, row.criterion_id): row for row in rows}


@dataclass(frozen=True)
class RankedBid:
    bid: Bid
    price: object
    result: PointsResult | ValueResult
    scores: dict[str, ConsolidatedScore]  # by criterion name

    @property
    def rank(self) -> int:
        return self.result.rank


@dataclass
class LotRanking:
    lot: Lot
    method: str
    criteria: list[AwardCriterion]
    bid_count: int
    missing: int  # consolidated scores still to be set
    rows: list[RankedBid] = field(default_factory=list)  # best first

    @property
    def complete(self) -> bool:
        return self.bid_count > 0 and self.missing == 0

    @property
    def winners(self) -> list[RankedBid]:
        return [row for row in self.rows if row.rank == 1]


def lot_rankings(tender: Tender) -> list[LotRanking]:
    """The ranking of each lot by the tender's award method from the consolidated scores
    and the prices of the current bids. Callers decide who may see it; the contents are
    read only from the closing time on (`SealedBid` before)."""
    if is_sealed(tender):
        raise SealedBid(sealed_message(tender))
    criteria = list(tender.criteria.all())
    bids = list(current_bids(tender).select_related("contents"))
    consolidated = consolidated_scores(tender)
    rankings = []
    for lot in tender.lots.all():
        lot_bids = [bid for bid in bids if bid.lot_id == lot.pk]
        missing = sum((bid.pk, c.pk) not in consolidated for bid in lot_bids for c in criteria)
        ranking = LotRanking(
            lot=lot,
            method=tender.award_method,
            criteria=criteria,
            bid_count=len(lot_bids),
            missing=missing,
        )
        if ranking.complete:
            ranking.rows = _ranked(tender, criteria, lot_bids, consolidated)
        rankings.append(ranking)
    return rankings


def _ranked(tender, criteria, bids, consolidated) -> list[RankedBid]:
    offers = [
        AwardBid(
            bidder=str(bid.pk),
            price=bid.contents.price,
            scores={c.name: consolidated[(bid.pk, c.pk)].score for c in criteria},
        )
        for bid in bids
    ]
    if tender.award_method == AwardMethod.POINTS:
        results = rank_points(
            price_weight=tender.price_weight,
            criteria=[PointsCriterion(c.name, c.weight, c.scale_max) for c in criteria],
            bids=offers,
        )
    else:
        results = rank_value(
            criteria=[
                ValueCriterion(c.name, c.max_value, c.scale_min, c.scale_max) for c in criteria
            ],
            bids=offers,
        )
    by_pk = {str(bid.pk): bid for bid in bids}
    return [
        RankedBid(
            bid=by_pk[result.bidder],
            price=by_pk[result.bidder].contents.price,
            result=result,
            scores={c.name: consolidated[(int(result.bidder), c.pk)] for c in criteria},
        )
        for result in results
    ]


def rankings_visible_to(user, tender: Tender) -> list[LotRanking]:
    if not is_staff(user):
        raise PermissionDenied(_("Only the cooperative's staff see the ranking."))
    return lot_rankings(tender)


# --- the award decision letters -------------------------------------------------------


def letters_visible_to(user) -> QuerySet[Bid]:
    """The current bids whose award decision letter one may read: staff from the award
    decision on; a supplier its own once the decision is sent (standstill)."""
    bids = bids_visible_to(user).filter(superseded_at__isnull=True)
    if is_staff(user):
        return bids.filter(tender__state__in=LETTER_STATES)
    if is_supplier(user):
        return bids.filter(tender__state__in=LETTER_SENT_STATES)
    return bids.none()


def standstill_end(tender: Tender) -> date:
    """The last day of the standstill period: from the day the decision was sent, or,
    for a letter still to be sent, as if it is sent today."""
    if tender.award_decision_on is None:
        tender = copy.copy(tender)
        tender.award_decision_on = timezone.localdate()
    return standstill_ends(tender)


def _money(value) -> str:
    return f"€ {floatformat(value, '2g')}"


def _score_lines(method: str, criteria, own: RankedBid, winner: RankedBid) -> list[dict]:
    lines = []
    for c in criteria:
        low = c.scale_min if method == AwardMethod.VALUE else 0
        lines.append(
            {
                "name": c.name,
                "scale": f"{floatformat(low, '-2')} - {floatformat(c.scale_max, '-2')}",
                "own": floatformat(own.scores[c.name].score, "-2"),
                "winner": floatformat(winner.scores[c.name].score, "-2"),
                "own_note": own.scores[c.name].note,
                "winner_note": winner.scores[c.name].note,
            }
        )
    return lines


def _figure_lines(method: str, own: RankedBid, winner: RankedBid) -> list[dict]:
    """The method's figures of the bid and the winner's, as the ranking computed them."""
    a, b = own.result, winner.result
    lines = [
        {"name": _("Price (EUR, excluding VAT)"), "own": _money(a.price), "winner": _money(b.price)}
    ]
    if method == AwardMethod.POINTS:
        lines += [
            {"name": _("Price points"), "own": a.price_points, "winner": b.price_points},
            {"name": _("Quality points"), "own": a.quality_total, "winner": b.quality_total},
            {"name": _("Total points"), "own": a.total, "winner": b.total, "total": True},
        ]
    else:
        lines += [
            {
                "name": _("Value of the quality (EUR)"),
                "own": _money(a.total_value),
                "winner": _money(b.total_value),
            },
            {
                "name": _("Fictitious price (EUR)"),
                "own": _money(a.fictitious_price),
                "winner": _money(b.fictitious_price),
                "total": True,
            },
        ]
    return lines


def letter_context(bid: Bid) -> dict:
    """What the award decision letter to a bidder for a lot says: its own scores and
    rank, the winner's, the reasons and the end of the standstill period. `own` is None
    while the lot's ranking is incomplete."""
    tender = bid.tender
    ranking = next(r for r in lot_rankings(tender) if r.lot.pk == bid.lot_id)
    own = next((row for row in ranking.rows if row.bid.pk == bid.pk), None)
    reasons = AwardReasons.objects.filter(lot_id=bid.lot_id).first()
    winner = ranking.winners[0] if ranking.winners else None
    lines = {}
    if own is not None:
        lines = {
            "score_lines": _score_lines(tender.award_method, ranking.criteria, own, winner),
            "figure_lines": _figure_lines(tender.award_method, own, winner),
        }
    return {
        **lines,
        "tender": tender,
        "lot": ranking.lot,
        "bid": bid,
        "ranking": ranking,
        "own": own,
        "winners": ranking.winners,
        "is_winner": own is not None and own.rank == 1,
        "reasons": reasons,
        "standstill_end": standstill_end(tender),
        "sent": tender.state in LETTER_SENT_STATES,
        "today": timezone.localdate(),
    }


def bidding_audit(tender: Tender, user):
    """The bidding changes of a tender (documents, questions, bids, committee, scores):
    staff only, newest first."""
    return (
        audit_entries_visible_to(user)
        .filter(action__startswith="bidding.", data__tender=tender.pk)
        .order_by("-created_at", "-pk")
    )


def lots_with_own_bids(tender: Tender, user) -> list[Lot]:
    """The tender's lots, each with the supplier's current bid (`current`) or None."""
    lots = list(tender.lots.all())
    mine = {}
    if is_supplier(user):
        for bid in bids_visible_to(user).filter(tender=tender, superseded_at__isnull=True):
            mine[bid.lot_id] = bid
    for lot in lots:
        lot.current = mine.get(lot.pk)
    return lots


def group_by_lot(bids) -> dict[int, list[Bid]]:
    grouped = defaultdict(list)
    for bid in bids:
        grouped[bid.lot_id].append(bid)
    return grouped

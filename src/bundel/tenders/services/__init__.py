"""Preparing and running a tender: every write goes through here, from the staff pages,
the admin and the demo data alike. The demand registration of member boards is in
`demand.py` (its functions are importable from here too).

Each function is staff only, runs in one transaction, validates with `full_clean()` and
writes one audit entry (`tenders.tender.<verb>`). The law (`law.py`: the EU threshold of
the notice date, the minimum time limits) is checked on create, on update and again on
publication (with the real notice date); the award method and its criteria (`award.py`:
weights adding up to 100, sane scales) whenever they are saved. A tender's details, lots
and criteria change only before publication; from then on it only moves through its states.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bundel.audit.services import audit_log, diff, field_values
from bundel.catalogue.models import ProductGroup
from bundel.core.errors import RuleViolation, StateConflict

from .. import law
from ..award import PointsCriterion, ValueCriterion, check_points_criteria, check_value_criteria
from ..constants import EDITABLE_STATES, FINAL_STATES, AwardMethod, TenderState
from ..models import AwardCriterion, DemandLine, Lot, Tender
from .demand import DemandLineInput as DemandLineInput
from .demand import check_may_register as check_may_register
from .demand import check_registration_open as check_registration_open
from .demand import line_key as line_key
from .demand import participation_register as participation_register

TENDER_FIELDS = (
    "title",
    "description",
    "procedure",
    "estimated_value",
    "notice_date",
    "demand_deadline",
    "requests_deadline",
    "invitation_date",
    "closing_at",
    "electronic",
    "documents_online",
    "award_method",
    "price_weight",
)


@dataclass(frozen=True)
class LotInput:
    number: int
    title: str
    description: str = ""


@dataclass(frozen=True)
class CriterionInput:
    name: str
    scale_max: Decimal
    weight: Decimal | None = None  # weighted points
    scale_min: Decimal = Decimal(0)  # award on value (points scales start at 0)
    max_value: Decimal | None = None  # award on value


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff prepare and run tenders."))


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(TENDER_FIELDS)
    if unknown:
        raise ValueError(f"Not a tender field: {', '.join(sorted(unknown))}")


def _check_groups(groups: Sequence[ProductGroup]) -> None:
    if not groups:
        raise RuleViolation(
            _("A tender is for at least one product group."), code="no_product_groups"
        )


def _check_lots(lots: Sequence[LotInput]) -> None:
    numbers = [lot.number for lot in lots]
    for lot in lots:
        if lot.number < 1 or numbers.count(lot.number) > 1:
            raise RuleViolation(
                _("Lot numbers are 1 or more and each is used once (lot %(number)s)."),
                code="lot_number",
                params={"number": lot.number},
            )
        if not lot.title.strip():
            raise RuleViolation(
                _("Lot %(number)s needs a title."), code="lot_title", params={"number": lot.number}
            )


def _check_demand_deadline(tender: Tender) -> None:
    """The demand is bundled before the notice goes out."""
    if tender.demand_deadline and tender.demand_deadline > tender.notice_date:
        raise RuleViolation(
            _(
                "Demand registration (until %(deadline)s) ends on or before the notice date "
                "(%(notice)s): the demand is bundled before the tender is published."
            ),
            code="demand_deadline",
            params={"deadline": tender.demand_deadline, "notice": tender.notice_date},
        )


def _check_demand_kept(tender: Tender, groups: Sequence[ProductGroup], lots: Sequence[LotInput]):
    """A lot or product group that boards registered demand for stays in the tender."""
    lines = DemandLine.objects.filter(participation__tender=tender)
    numbers = {lot.number for lot in lots}
    removed = lines.exclude(lot__number__in=numbers).order_by("lot__number")
    number = removed.values_list("lot__number", flat=True).first()
    if number is not None:
        raise RuleViolation(
            _("Boards have registered demand in lot %(number)s: it cannot be removed."),
            code="lot_in_use",
            params={"number": number},
        )
    used = (
        lines.exclude(product__group__in=groups)
        .values_list("product__group__code", flat=True)
        .first()
    )
    if used is not None:
        raise RuleViolation(
            _(
                "Boards have registered demand for products of the group %(group)s: it stays "
                "a product group of this tender."
            ),
            code="group_in_use",
            params={"group": used},
        )


def _check_award(tender: Tender, criteria: Sequence[CriterionInput]) -> None:
    """The method, the price weight and the criteria as `award.py` ranks them."""
    if tender.award_method == AwardMethod.POINTS:
        if tender.price_weight is None:
            raise RuleViolation(
                _("The weighted points method needs a price weight."), code="price_weight"
            )
        for c in criteria:
            if c.weight is None:
                raise RuleViolation(
                    _("The weighted points method needs the weight of %(criterion)r."),
                    code="criterion_weight",
                    params={"criterion": c.name},
                )
        check_points_criteria(
            tender.price_weight, [PointsCriterion(c.name, c.weight, c.scale_max) for c in criteria]
        )
    else:
        for c in criteria:
            if c.max_value is None:
                raise RuleViolation(
                    _("Award on value needs the maximum value of %(criterion)r."),
                    code="max_value",
                    params={"criterion": c.name},
                )
        check_value_criteria(
            [ValueCriterion(c.name, c.max_value, c.scale_min, c.scale_max) for c in criteria]
        )


def normalised(tender: Tender, criteria: Iterable[CriterionInput]) -> list[CriterionInput]:
    """Only the figures the tender's method uses are kept."""
    if tender.award_method == AwardMethod.POINTS:
        return [CriterionInput(c.name.strip(), c.scale_max, weight=c.weight) for c in criteria]
    return [
        CriterionInput(c.name.strip(), c.scale_max, scale_min=c.scale_min, max_value=c.max_value)
        for c in criteria
    ]


def tender_validate(
    tender: Tender,
    groups: Sequence[ProductGroup],
    lots: Sequence[LotInput],
    criteria: Sequence[CriterionInput],
) -> None:
    """Every rule a saved tender keeps; raises the first one broken. Forms that want to
    show the refusal before saving (the admin's) call it too."""
    if tender.award_method == AwardMethod.VALUE:
        tender.price_weight = None
    tender.full_clean()
    _check_groups(groups)
    _check_lots(lots)
    _check_demand_deadline(tender)
    law.check_tender(estimated_value=tender.estimated_value, timeline=tender.timeline)
    _check_award(tender, criteria)


def _stripped(lots: Iterable[LotInput]) -> list[LotInput]:
    return [LotInput(lot.number, lot.title.strip(), lot.description.strip()) for lot in lots]


def lots_of(tender: Tender) -> list[LotInput]:
    return [LotInput(lot.number, lot.title, lot.description) for lot in tender.lots.all()]


def criteria_of(tender: Tender) -> list[CriterionInput]:
    return [
        CriterionInput(c.name, c.scale_max, c.weight, c.scale_min, c.max_value)
        for c in tender.criteria.all()
    ]


def _plain(value: Any) -> Any:
    """One text per value, however it came in (a form's Decimal("40") is the stored
    Decimal("40.00"); an aware datetime in any zone is its UTC moment)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _snapshot(tender: Tender, groups, lots, criteria) -> dict[str, Any]:
    """What the audit trail records of a tender: its fields, groups, lots and criteria."""
    return {
        **{name: _plain(value) for name, value in field_values(tender, TENDER_FIELDS).items()},
        "product_groups": sorted(group.code for group in groups),
        "lots": [asdict(lot) for lot in lots],
        "criteria": [{k: _plain(v) for k, v in asdict(c).items()} for c in criteria],
    }


def _save_parts(tender: Tender, lots: Sequence[LotInput], criteria: Sequence[CriterionInput]):
    """Lots are kept by their number (later records will point at them); criteria are
    written afresh, in the order given."""
    existing = {lot.number: lot for lot in tender.lots.all()}
    for given in lots:
        lot = existing.pop(given.number, None) or Lot(tender=tender, number=given.number)
        lot.title, lot.description = given.title, given.description
        lot.full_clean()
        lot.save()
    Lot.objects.filter(pk__in=[lot.pk for lot in existing.values()]).delete()
    tender.criteria.all().delete()
    for position, given in enumerate(criteria, start=1):
        criterion = AwardCriterion(tender=tender, position=position, **asdict(given))
        criterion.full_clean()
        criterion.save()


@transaction.atomic
def tender_create(
    *,
    by,
    product_groups: Sequence[ProductGroup],
    lots: Sequence[LotInput] = (),
    criteria: Sequence[CriterionInput] = (),
    **values: Any,
) -> Tender:
    """A new tender in draft. Lots and criteria may follow later, before publication."""
    _require_staff(by)
    _check_fields(values)
    tender = Tender(**values)
    groups, lots = list(product_groups), _stripped(lots)
    criteria = normalised(tender, criteria)
    tender_validate(tender, groups, lots, criteria)
    tender.save()
    tender.product_groups.set(groups)
    _save_parts(tender, lots, criteria)
    audit_log(
        action="tenders.tender.created",
        obj=tender,
        actor=by,
        data=_snapshot(tender, groups, lots, criteria),
    )
    return tender


@transaction.atomic
def tender_update(
    *,
    tender: Tender,
    by,
    product_groups: Sequence[ProductGroup] | None = None,
    lots: Sequence[LotInput] | None = None,
    criteria: Sequence[CriterionInput] | None = None,
    **values: Any,
) -> Tender:
    """Change a tender before publication; `None` keeps the groups, lots or criteria."""
    _require_staff(by)
    _check_fields(values)
    current = Tender.objects.select_for_update().get(pk=tender.pk)
    if current.state not in EDITABLE_STATES:
        raise StateConflict(
            _("The tender %(tender)r is %(state)s: what was published can no longer change."),
            code="not_editable",
            params={"tender": current.title, "state": current.get_state_display().lower()},
        )
    old_groups = list(current.product_groups.all())
    old_lots, old_criteria = lots_of(current), criteria_of(current)
    before = _snapshot(current, old_groups, old_lots, old_criteria)
    for name, value in values.items():
        setattr(current, name, value)
    groups = old_groups if product_groups is None else list(product_groups)
    lots = old_lots if lots is None else _stripped(lots)
    criteria = normalised(current, old_criteria if criteria is None else criteria)
    tender_validate(current, groups, lots, criteria)
    _check_demand_kept(current, groups, lots)
    changes = diff(before, _snapshot(current, groups, lots, criteria))
    if changes:
        current.save()
        current.product_groups.set(groups)
        _save_parts(current, lots, criteria)
        audit_log(action="tenders.tender.updated", obj=current, actor=by, changes=changes)
    return current


# --- the states ---------------------------------------------------------------------

ALLOWED_FROM = {
    TenderState.DEMAND_REGISTRATION: (TenderState.DRAFT,),
    TenderState.PUBLISHED: (TenderState.DEMAND_REGISTRATION,),
    TenderState.CLOSED: (TenderState.PUBLISHED,),
    TenderState.EVALUATION: (TenderState.CLOSED,),
    TenderState.AWARD_DECISION: (TenderState.EVALUATION,),
    TenderState.STANDSTILL: (TenderState.AWARD_DECISION,),
    TenderState.CONTRACTED: (TenderState.STANDSTILL,),
    TenderState.CANCELLED: tuple(s for s in TenderState if s not in FINAL_STATES),
}


def next_states(tender: Tender) -> list[TenderState]:
    """The states the tender may move to now (the rules of each move still apply)."""
    return [to for to, allowed in ALLOWED_FROM.items() if tender.state in allowed]


def _locked(tender: Tender, to: TenderState) -> Tender:
    current = Tender.objects.select_for_update().get(pk=tender.pk)
    if current.state not in ALLOWED_FROM[to]:
        raise StateConflict(
            _("The tender %(tender)r is %(state)s; it cannot move to %(to)s."),
            code="state",
            params={
                "tender": current.title,
                "state": current.get_state_display().lower(),
                "to": to.label.lower(),
            },
        )
    return current


def _move(tender: Tender, *, to: TenderState, by, verb: str, **fields: Any) -> Tender:
    before = field_values(tender, ("state", *fields))
    tender.state = to
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.full_clean()
    tender.save(update_fields=["state", *fields])
    changes = diff(before, field_values(tender, ("state", *fields)))
    audit_log(action=f"tenders.tender.{verb}", obj=tender, actor=by, changes=changes)
    return tender


@transaction.atomic
def tender_open_demand(*, tender: Tender, by) -> Tender:
    """Members may register their demand (the demand registration itself is to come)."""
    _require_staff(by)
    current = _locked(tender, TenderState.DEMAND_REGISTRATION)
    return _move(current, to=TenderState.DEMAND_REGISTRATION, by=by, verb="demand_opened")


@transaction.atomic
def tender_publish(*, tender: Tender, by, on: date | None = None) -> Tender:
    """Send the notice: the notice date becomes the day of publication, so the law is
    checked again against the real date (threshold and time limits)."""
    _require_staff(by)
    on = on or timezone.localdate()
    current = _locked(tender, TenderState.PUBLISHED)
    if not current.lots.exists():
        raise RuleViolation(_("A tender is published with at least one lot."), code="no_lots")
    timeline = replace(current.timeline, notice_date=on)
    law.check_tender(estimated_value=current.estimated_value, timeline=timeline)
    _check_award(current, criteria_of(current))
    return _move(
        current,
        to=TenderState.PUBLISHED,
        by=by,
        verb="published",
        notice_date=on,
        published_on=on,
    )


@transaction.atomic
def tender_close(*, tender: Tender, by, now: datetime | None = None) -> Tender:
    """Close for bids, by the server clock: not before the closing time."""
    _require_staff(by)
    now = now or timezone.now()
    current = _locked(tender, TenderState.CLOSED)
    if now < current.closing_at:
        raise RuleViolation(
            _("Bids close at %(closing)s; the tender cannot be closed before then."),
            code="not_closing_time",
            params={"closing": timezone.localtime(current.closing_at).strftime("%Y-%m-%d %H:%M")},
        )
    return _move(current, to=TenderState.CLOSED, by=by, verb="closed")


@transaction.atomic
def tender_start_evaluation(*, tender: Tender, by) -> Tender:
    _require_staff(by)
    current = _locked(tender, TenderState.EVALUATION)
    return _move(current, to=TenderState.EVALUATION, by=by, verb="evaluation_started")


@transaction.atomic
def tender_decide_award(*, tender: Tender, by) -> Tender:
    """The evaluation is done: the award decision is being prepared. Refused while a lot's
    ranking is incomplete: every current bid is scored on every award criterion by the
    committee first. A lot without bids has nothing to rank (nothing is awarded there)."""
    _require_staff(by)
    current = _locked(tender, TenderState.AWARD_DECISION)
    missing = _scores_missing(current)
    if missing:
        raise RuleViolation(
            _(
                "The evaluation is not complete: %(missing)s. Every bid is scored on every "
                "criterion before the award is decided."
            ),
            code="scores_missing",
            params={
                "missing": "; ".join(
                    ngettext(
                        "lot %(lot)s: %(n)s consolidated score to set",
                        "lot %(lot)s: %(n)s consolidated scores to set",
                        n,
                    )
                    % {"lot": lot, "n": n}
                    for lot, n in sorted(missing.items())
                )
            },
        )
    return _move(current, to=TenderState.AWARD_DECISION, by=by, verb="award_decided")


def _scores_missing(tender: Tender) -> dict[int, int]:
    """Per lot number, the consolidated scores its current bids still lack."""
    # The bidding app builds on the tenders (their states and standstill): read here.
    from bundel.bidding.models import ConsolidatedScore
    from bundel.bidding.services.evaluation import current_bids

    criteria = list(tender.criteria.values_list("pk", flat=True))
    have = set(
        ConsolidatedScore.objects.filter(bid__tender=tender).values_list("bid_id", "criterion_id")
    )
    missing: dict[int, int] = {}
    for bid in current_bids(tender):
        lacking = sum((bid.pk, criterion) not in have for criterion in criteria)
        if lacking:
            missing[bid.lot.number] = missing.get(bid.lot.number, 0) + lacking
    return missing


@transaction.atomic
def tender_start_standstill(*, tender: Tender, by, on: date | None = None) -> Tender:
    """The award decision is sent on `on`: the standstill period runs from the day after."""
    _require_staff(by)
    current = _locked(tender, TenderState.STANDSTILL)
    return _move(
        current,
        to=TenderState.STANDSTILL,
        by=by,
        verb="standstill_started",
        award_decision_on=on or timezone.localdate(),
    )


def standstill_ends(tender: Tender) -> date | None:
    """The last day of the standstill period (the contract may be signed the day after)."""
    if tender.award_decision_on is None:
        return None
    return tender.award_decision_on + timedelta(days=settings.TENDER_STANDSTILL_DAYS)


@transaction.atomic
def tender_contract(*, tender: Tender, by, on: date | None = None) -> Tender:
    """The contract is signed on `on`: not before the standstill period has ended."""
    _require_staff(by)
    on = on or timezone.localdate()
    current = _locked(tender, TenderState.CONTRACTED)
    last_day = standstill_ends(current)
    if on <= last_day:
        raise RuleViolation(
            _(
                "Standstill period: %(days)s days after the award decision of %(decision)s, "
                "until %(last_day)s; the contract can be signed from %(earliest)s, not on "
                "%(on)s."
            ),
            code="standstill",
            params={
                "days": settings.TENDER_STANDSTILL_DAYS,
                "decision": current.award_decision_on,
                "last_day": last_day,
                "earliest": last_day + timedelta(days=1),
                "on": on,
            },
        )
    return _move(current, to=TenderState.CONTRACTED, by=by, verb="contracted")


@transaction.atomic
def tender_cancel(*, tender: Tender, by, reason: str) -> Tender:
    _require_staff(by)
    if not reason or not reason.strip():
        raise RuleViolation(_("Give the reason for cancelling the tender."), code="reason")
    current = _locked(tender, TenderState.CANCELLED)
    return _move(
        current, to=TenderState.CANCELLED, by=by, verb="cancelled", cancel_reason=reason.strip()
    )

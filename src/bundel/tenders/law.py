"""Dutch procurement law as data (Aanbestedingswet 2012): the EU threshold that applies on a
date and the minimum time limits of a tender's timeline.

Every figure is a setting (src/bundel/conf/base.py, block "Tenders"); the functions here
are pure and raise `RuleViolation` with a message naming the rule and, for a time limit,
the earliest allowed date. The tender services call them on every path (create, update,
publish); the award simulation does not need them.

- `TENDER_EU_THRESHOLDS` `{"2026-01-01": "216000.00"}`: the threshold of a date is the one
  with the latest start on or before it. An estimated value *equal to or above* it requires
  a European procedure.
- Time limits count whole days from the day after the notice (or the invitation), so
  the earliest allowed closing date is that date plus the minimum number of days.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from bundel.core.errors import RuleViolation

from .constants import EUROPEAN_PROCEDURES, WITH_REQUESTS_TO_PARTICIPATE, Procedure


@dataclass(frozen=True)
class Timeline:
    procedure: str
    notice_date: date
    closing_date: date  # for bids
    requests_deadline: date | None = None  # for requests to participate
    invitation_date: date | None = None  # invitation to tender (restricted)
    electronic: bool = True  # bids are submitted electronically
    documents_online: bool = True  # the documents are freely available online


@dataclass(frozen=True)
class TimeLimit:
    """A minimum time limit applied to a timeline: `days` after `start`."""

    code: str
    rule: str
    start: date
    start_label: str
    days: int
    basis: str  # how `days` came about, when the base number was adjusted

    @property
    def earliest(self) -> date:
        return self.start + timedelta(days=self.days)


def eu_thresholds() -> list[tuple[date, Decimal]]:
    """The dated thresholds of the settings, oldest first."""
    return sorted(
        (date.fromisoformat(start), Decimal(str(amount)))
        for start, amount in settings.TENDER_EU_THRESHOLDS.items()
    )


def eu_threshold(on: date) -> Decimal:
    applicable = [amount for start, amount in eu_thresholds() if start <= on]
    if not applicable:
        raise RuleViolation(
            _("No EU threshold is set for %(date)s; add it to TENDER_EU_THRESHOLDS."),
            code="no_eu_threshold",
            params={"date": on},
        )
    return applicable[-1]


def requires_european_procedure(*, estimated_value: Decimal, on: date) -> bool:
    return estimated_value >= eu_threshold(on)


def check_procedure(*, procedure: str, estimated_value: Decimal, on: date) -> None:
    """A value equal to or above the EU threshold of `on` requires a European procedure."""
    if estimated_value < 0:
        raise RuleViolation(
            _("The estimated value cannot be negative (EUR %(value)s)."),
            code="negative_value",
            params={"value": estimated_value},
        )
    threshold = eu_threshold(on)
    if estimated_value >= threshold and procedure not in EUROPEAN_PROCEDURES:
        raise RuleViolation(
            _(
                "EU threshold: an estimated value of EUR %(value)s is at or above the "
                "threshold of EUR %(threshold)s that applies on %(date)s, so a European "
                "procedure is required, not the %(procedure)s."
            ),
            code="eu_threshold",
            params={
                "value": estimated_value,
                "threshold": threshold,
                "date": on,
                "procedure": Procedure(procedure).label.lower(),
            },
        )


def requests_time_limit(timeline: Timeline) -> TimeLimit | None:
    if timeline.procedure not in WITH_REQUESTS_TO_PARTICIPATE:
        return None
    return TimeLimit(
        code="requests_time_limit",
        rule=_("Minimum time limit for requests to participate (%(procedure)s)")
        % {"procedure": Procedure(timeline.procedure).label.lower()},
        start=timeline.notice_date,
        start_label=_("the notice"),
        days=settings.TENDER_REQUESTS_DAYS,
        basis="",
    )


def bids_time_limit(timeline: Timeline) -> TimeLimit | None:
    """Open: from the notice; restricted: from the invitation to tender (None until its
    date is known). The other procedures have no minimum for bids here (docs/tenders.md)."""
    if timeline.procedure == Procedure.OPEN:
        days, start, start_label = settings.TENDER_OPEN_BIDS_DAYS, timeline.notice_date, None
    elif timeline.procedure == Procedure.RESTRICTED and timeline.invitation_date:
        days, start = settings.TENDER_RESTRICTED_BIDS_DAYS, timeline.invitation_date
        start_label = _("the invitation to tender")
    else:
        return None
    basis = []
    total = days
    if timeline.electronic:
        total -= settings.TENDER_ELECTRONIC_REDUCTION_DAYS
        basis.append(
            _("minus %(days)s for electronic submission")
            % {"days": settings.TENDER_ELECTRONIC_REDUCTION_DAYS}
        )
    if timeline.procedure == Procedure.OPEN and not timeline.documents_online:
        total += settings.TENDER_OFFLINE_DOCUMENTS_EXTRA_DAYS
        basis.append(
            _("plus %(days)s because the documents are not freely available online")
            % {"days": settings.TENDER_OFFLINE_DOCUMENTS_EXTRA_DAYS}
        )
    return TimeLimit(
        code="bids_time_limit",
        rule=_("Minimum time limit for bids (%(procedure)s)")
        % {"procedure": Procedure(timeline.procedure).label.lower()},
        start=start,
        start_label=start_label or _("the notice"),
        days=total,
        basis=", ".join([_("%(days)s days") % {"days": days}, *basis]) if basis else "",
    )


def _too_early(limit: TimeLimit, closing: date, what: str) -> RuleViolation:
    return RuleViolation(
        _(
            "%(rule)s: %(what)s may close no earlier than %(period)s after "
            "%(start_label)s of %(start)s; %(closing)s is too early, the earliest allowed "
            "date is %(earliest)s."
        ),
        code=limit.code,
        params={
            "rule": limit.rule,
            "what": what,
            "days": limit.days,
            "period": _("%(days)s days (%(basis)s)") % {"days": limit.days, "basis": limit.basis}
            if limit.basis
            else _("%(days)s days") % {"days": limit.days},
            "start_label": limit.start_label,
            "start": limit.start,
            "closing": closing,
            "earliest": limit.earliest,
        },
    )


def _missing_dates(timeline: Timeline) -> RuleViolation | None:
    procedure = Procedure(timeline.procedure).label.lower()
    if timeline.procedure in WITH_REQUESTS_TO_PARTICIPATE and timeline.requests_deadline is None:
        return RuleViolation(
            _("The %(procedure)s needs a closing date for requests to participate."),
            code="requests_deadline_required",
            params={"procedure": procedure},
        )
    if timeline.procedure == Procedure.RESTRICTED:
        if timeline.invitation_date is None:
            return RuleViolation(
                _("The %(procedure)s needs the date of the invitation to tender."),
                code="invitation_date_required",
                params={"procedure": procedure},
            )
        if timeline.invitation_date < timeline.requests_deadline:
            return RuleViolation(
                _(
                    "The invitation to tender (%(invitation)s) cannot go out before requests "
                    "to participate close (%(deadline)s)."
                ),
                code="invitation_before_requests",
                params={
                    "invitation": timeline.invitation_date,
                    "deadline": timeline.requests_deadline,
                },
            )
    return None


def timeline_violations(timeline: Timeline) -> list[RuleViolation]:
    """Every rule the timeline breaks, in the order of the timeline; empty if none."""
    missing = _missing_dates(timeline)
    if missing is not None:
        return [missing]
    violations = []
    requests = requests_time_limit(timeline)
    if requests is not None and timeline.requests_deadline < requests.earliest:
        violations.append(
            _too_early(requests, timeline.requests_deadline, _("requests to participate"))
        )
    bids = bids_time_limit(timeline)
    if bids is not None and timeline.closing_date < bids.earliest:
        violations.append(_too_early(bids, timeline.closing_date, _("bids")))
    start = timeline.requests_deadline or timeline.notice_date
    if bids is None and timeline.closing_date <= start:
        violations.append(
            RuleViolation(
                _("Bids must close after %(start_label)s (%(start)s), not on %(closing)s."),
                code="closing_before_start",
                params={
                    "start_label": _("requests to participate close")
                    if timeline.requests_deadline
                    else _("the procedure starts"),
                    "start": start,
                    "closing": timeline.closing_date,
                },
            )
        )
    return violations


def check_timeline(timeline: Timeline) -> None:
    """Raise the first rule the timeline breaks."""
    violations = timeline_violations(timeline)
    if violations:
        raise violations[0]


def check_tender(*, estimated_value: Decimal, timeline: Timeline) -> None:
    """The threshold (on the notice date) and the time limits: what every path checks."""
    check_procedure(
        procedure=timeline.procedure, estimated_value=estimated_value, on=timeline.notice_date
    )
    check_timeline(timeline)

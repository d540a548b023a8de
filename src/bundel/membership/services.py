"""Membership transitions. Each one checks who acts and on which date, applies its rule,
saves, audits and e-mails the board's contacts, in one transaction.

Staff may date a transition in the past (history entered after the fact); anyone else
acts on today's date. No transition is dated in the future.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bundel.audit.services import audit_log, diff, field_values
from bundel.core import mail
from bundel.core.errors import RuleViolation, StateConflict
from bundel.registry.models import Board

from . import selectors
from .constants import AgreementKind, Kind, NoticeBy, State
from .dates import add_months
from .models import Agreement, AgreementVersion, Membership, Settlement

TRACKED = (
    "state",
    "interested_on",
    "applied_on",
    "admitted_on",
    "rejected_on",
    "rejection_reason",
    "is_founding",
    "founding_since",
    "notice_on",
    "notice_by",
    "notice_reason",
    "ends_on",
    "ended_on",
)


def _today() -> date:
    return timezone.localdate()


def _require_staff(by) -> None:
    if by is None or not by.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def _require_acts_for(by, board: Board) -> None:
    if by is None or not (by.is_cooperative_staff or by.acts_for(board)):
        raise PermissionDenied(_("You do not act for board %(n)s.") % {"n": board.duo_number})


def _effective_date(by, on: date | None) -> date:
    today = _today()
    if on is None:
        return today
    if on > today:
        raise RuleViolation(_("A transition cannot be dated in the future (%(d)s).") % {"d": on})
    if on != today and not by.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may date a transition in the past."))
    return on


def _require_state(membership: Membership, *states: str, action: str) -> None:
    if membership.state not in states:
        allowed = ", ".join(str(State(s).label).lower() for s in states)
        raise StateConflict(
            _("Cannot %(action)s: the membership of %(board)s is %(state)s (must be %(allowed)s).")
            % {
                "action": action,
                "board": membership.board,
                "state": membership.get_state_display().lower(),
                "allowed": allowed,
            }
        )


def _not_before(on: date, earlier: date | None, what: str) -> None:
    if earlier and on < earlier:
        raise RuleViolation(
            _("The date %(d)s is before %(what)s (%(e)s).") % {"d": on, "what": what, "e": earlier}
        )


def _started_on(membership: Membership) -> date | None:
    """The date the membership began: the declaration of interest or the application."""
    return min((d for d in (membership.interested_on, membership.applied_on) if d), default=None)


def _save(membership: Membership, *, by, action: str, before: dict, data: dict | None = None):
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise StateConflict(_("This board already has an open membership.")) from None
    audit_log(
        action=f"membership.{action}",
        obj=membership,
        actor=by,
        changes=diff(before, field_values(membership, TRACKED)),
        data=data,
    )
    _notify(membership, action)
    return membership


SUBJECTS = {
    "interest_declared": gettext_lazy("Bundel: interest recorded"),
    "applied": gettext_lazy("Bundel: application received"),
    "admitted": gettext_lazy("Bundel: welcome as a member"),
    "rejected": gettext_lazy("Bundel: application not accepted"),
    "founding_marked": gettext_lazy("Bundel: recorded as a founding member"),
    "notice_given": gettext_lazy("Bundel: notice recorded"),
    "notice_withdrawn": gettext_lazy("Bundel: notice withdrawn"),
    "ended": gettext_lazy("Bundel: membership ended"),
}


def _notification(membership: Membership, action: str) -> tuple[str, str]:
    body = _("The membership of %(board)s is now: %(state)s.\n\nSee %(url)s for the details.") % {
        "board": membership.board,
        "state": membership.get_state_display(),
        "url": settings.SITE_URL.rstrip("/") + membership.get_absolute_url(),
    }
    return str(SUBJECTS[action]), body


def _notify(membership: Membership, action: str) -> None:
    recipients = list(
        membership.board.contacts.filter(is_active=True).values_list("email", flat=True)
    )
    if not recipients or action not in SUBJECTS:
        return
    with translation.override(settings.LANGUAGE_CODE):  # boards read Dutch, whoever acts
        subject, body = _notification(membership, action)
    # Sent after commit from the outbox (tried again while the mail server refuses).
    mail.queue([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])


def _require_eligible(board: Board) -> None:
    """Only publicly funded boards of po and vo schools: boards with po or vo locations in
    the DUO registry (checked again at each step: a later DUO import may change it)."""
    if not selectors.is_eligible(board):
        raise RuleViolation(
            _(
                "Board %(n)s cannot join: it has no po or vo locations in the DUO registry, "
                "and only boards of publicly funded po and vo schools may become members."
            )
            % {"n": board.duo_number}
        )


def check_eligible(board: Board) -> None:
    _require_eligible(board)
    open_membership = selectors.open_membership(board)
    if open_membership:
        raise StateConflict(
            _("Board %(n)s already has an open membership (%(state)s).")
            % {"n": board.duo_number, "state": open_membership.get_state_display().lower()}
        )


@transaction.atomic
def membership_start(*, board: Board, kind: str, by, on: date | None = None) -> Membership:
    """A board declares interest (joins the coalition of the willing) or applies."""
    _require_acts_for(by, board)
    on = _effective_date(by, on)
    Board.objects.select_for_update().get(pk=board.pk)
    check_eligible(board)
    membership = Membership(board=board)
    before = field_values(membership, TRACKED)
    if kind == Kind.INTEREST:
        membership.state, membership.interested_on = State.INTERESTED, on
        action = "interest_declared"
    elif kind == Kind.APPLICATION:
        membership.state, membership.applied_on = State.APPLIED, on
        action = "applied"
    else:
        raise RuleViolation(_("Unknown kind %(k)r: interest or application.") % {"k": kind})
    return _save(membership, by=by, action=action, before=before)


def _locked(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("board").get(pk=membership.pk)


@transaction.atomic
def membership_apply(*, membership: Membership, by, on: date | None = None) -> Membership:
    """An interested board applies for membership."""
    membership = _locked(membership)
    _require_acts_for(by, membership.board)
    on = _effective_date(by, on)
    _require_state(membership, State.INTERESTED, action=_("apply"))
    _require_eligible(membership.board)
    _not_before(on, membership.interested_on, _("the declaration of interest"))
    before = field_values(membership, TRACKED)
    membership.state, membership.applied_on = State.APPLIED, on
    return _save(membership, by=by, action="applied", before=before)


@transaction.atomic
def agreement_sign(
    *, membership: Membership, kind: str, version: str, signed_on: date | None, signer: str, by
) -> Agreement:
    """Record a signed membership or service agreement."""
    membership = _locked(membership)
    _require_acts_for(by, membership.board)
    signed_on = _effective_date(by, signed_on)
    _require_state(
        membership, State.APPLIED, State.MEMBER, State.NOTICE_GIVEN, action=_("sign an agreement")
    )
    _not_before(signed_on, _started_on(membership), _("the start of the membership"))
    if kind not in AgreementKind.values:
        raise RuleViolation(_("Unknown agreement kind %(k)r.") % {"k": kind})
    try:
        agreement_version = AgreementVersion.objects.get(kind=kind, version=version)
    except AgreementVersion.DoesNotExist:
        known = ", ".join(
            AgreementVersion.objects.filter(kind=kind).values_list("version", flat=True)
        )
        raise RuleViolation(
            _("There is no version %(v)s of the %(kind)s (versions: %(known)s).")
            % {"v": version, "kind": AgreementKind(kind).label, "known": known or "-"}
        ) from None
    if signed_on < agreement_version.valid_from:
        raise RuleViolation(
            _("Version %(v)s is valid from %(from)s, after the signing date %(d)s.")
            % {"v": version, "from": agreement_version.valid_from, "d": signed_on}
        )
    if not signer.strip():
        raise RuleViolation(_("Name who signed the agreement."))
    if membership.agreements.filter(version=agreement_version).exists():
        raise StateConflict(
            _("%(board)s already signed %(version)s.")
            % {"board": membership.board, "version": agreement_version}
        )
    agreement = Agreement(
        membership=membership,
        version=agreement_version,
        signed_on=signed_on,
        signer=signer.strip(),
        recorded_by=by,
    )
    agreement.full_clean()
    agreement.save()
    audit_log(
        action="membership.agreement_signed",
        obj=membership,
        actor=by,
        data={"kind": kind, "version": version, "signed_on": signed_on, "signer": agreement.signer},
    )
    return agreement


@transaction.atomic
def membership_admit(*, membership: Membership, by, on: date | None = None) -> Membership:
    """Staff admit an applicant that signed the membership agreement."""
    membership = _locked(membership)
    _require_staff(by)
    on = _effective_date(by, on)
    _require_state(membership, State.APPLIED, action=_("admit"))
    _require_eligible(membership.board)
    _not_before(on, membership.applied_on, _("the application"))
    if not membership.agreements.filter(
        version__kind=AgreementKind.MEMBERSHIP, signed_on__lte=on
    ).exists():
        raise RuleViolation(
            _("%(board)s cannot be admitted on %(d)s: no membership agreement signed by then.")
            % {"board": membership.board, "d": on}
        )
    before = field_values(membership, TRACKED)
    membership.state, membership.admitted_on = State.MEMBER, on
    return _save(membership, by=by, action="admitted", before=before)


@transaction.atomic
def membership_reject(*, membership: Membership, by, reason: str, on: date | None = None):
    membership = _locked(membership)
    _require_staff(by)
    on = _effective_date(by, on)
    _require_state(membership, State.INTERESTED, State.APPLIED, action=_("reject"))
    _not_before(on, _started_on(membership), _("the start of the membership"))
    if not reason.strip():
        raise RuleViolation(_("Give the reason for the rejection."))
    before = field_values(membership, TRACKED)
    membership.state, membership.rejected_on = State.REJECTED, on
    membership.rejection_reason = reason.strip()
    return _save(membership, by=by, action="rejected", before=before)


@transaction.atomic
def membership_mark_founding(*, membership: Membership, by, on: date | None = None):
    """Staff record that the board belongs to the start group (founding members)."""
    membership = _locked(membership)
    _require_staff(by)
    on = _effective_date(by, on)
    _require_state(
        membership,
        State.INTERESTED,
        State.APPLIED,
        State.MEMBER,
        State.NOTICE_GIVEN,
        action=_("mark as founding member"),
    )
    _not_before(on, _started_on(membership), _("the start of the membership"))
    if membership.is_founding:
        raise StateConflict(
            _("%(board)s is already a founding member (since %(d)s).")
            % {"board": membership.board, "d": membership.founding_since}
        )
    before = field_values(membership, TRACKED)
    membership.is_founding, membership.founding_since = True, on
    return _save(membership, by=by, action="founding_marked", before=before)


@dataclass(frozen=True)
class NoticeTerms:
    months: int
    needs_reason: bool


def notice_terms(by_whom: str) -> NoticeTerms:
    if by_whom == NoticeBy.MEMBER:
        return NoticeTerms(settings.NOTICE_MONTHS_BY_MEMBER, needs_reason=False)
    return NoticeTerms(settings.NOTICE_MONTHS_BY_COOPERATIVE, needs_reason=True)


@transaction.atomic
def membership_give_notice(
    *, membership: Membership, by, notice_by: str, reason: str = "", on: date | None = None
) -> Membership:
    """The member gives notice (1 year), or the cooperative does (6 months, only with a
    reason: the member no longer meets the conditions)."""
    membership = _locked(membership)
    if notice_by == NoticeBy.COOPERATIVE:
        _require_staff(by)
    elif notice_by == NoticeBy.MEMBER:
        _require_acts_for(by, membership.board)
    else:
        raise RuleViolation(_("Notice is given by the member or by the cooperative."))
    on = _effective_date(by, on)
    _require_state(membership, State.MEMBER, action=_("give notice"))
    _not_before(on, membership.admitted_on, _("the admission"))
    terms = notice_terms(notice_by)
    if terms.needs_reason and not reason.strip():
        raise RuleViolation(
            _(
                "The cooperative gives notice only with a reason: the member no longer meets "
                "the conditions."
            )
        )
    before = field_values(membership, TRACKED)
    membership.state = State.NOTICE_GIVEN
    membership.notice_on, membership.notice_by = on, notice_by
    membership.notice_reason = reason.strip()
    membership.ends_on = add_months(on, terms.months)
    return _save(membership, by=by, action="notice_given", before=before)


@transaction.atomic
def membership_withdraw_notice(*, membership: Membership, by, on: date | None = None):
    membership = _locked(membership)
    if membership.notice_by == NoticeBy.COOPERATIVE:
        _require_staff(by)
    else:
        _require_acts_for(by, membership.board)
    on = _effective_date(by, on)
    _require_state(membership, State.NOTICE_GIVEN, action=_("withdraw the notice"))
    _not_before(on, membership.notice_on, _("the notice"))
    if on >= membership.ends_on:
        raise StateConflict(
            _("The notice can be withdrawn only before the end date %(d)s.")
            % {"d": membership.ends_on}
        )
    before = field_values(membership, TRACKED)
    membership.state = State.MEMBER
    membership.notice_on, membership.notice_by, membership.notice_reason = None, "", ""
    membership.ends_on = None
    return _save(membership, by=by, action="notice_withdrawn", before=before, data={"on": on})


def memberships_end_due(*, today: date | None = None) -> list[Membership]:
    """End every membership whose notice period has passed (idempotent)."""
    if today is not None and today > _today():
        raise RuleViolation(_("Memberships cannot be ended ahead of time (%(d)s).") % {"d": today})
    today = today or _today()
    ended = []
    for pk in selectors.memberships_due_to_end(today).values_list("pk", flat=True):
        with transaction.atomic():
            membership = Membership.objects.select_for_update().get(pk=pk)
            if membership.state != State.NOTICE_GIVEN or membership.ends_on > today:
                continue
            before = field_values(membership, TRACKED)
            membership.state, membership.ended_on = State.ENDED, membership.ends_on
            ended.append(_save(membership, by=None, action="ended", before=before))
    return ended


@transaction.atomic
def settlement_record(
    *,
    membership: Membership,
    by,
    amount: Decimal | None = None,
    basis: str = "",
    decided_on: date,
    adjustment_reason: str = "",
) -> Settlement:
    """Staff record the financial settlement of a leaving member: by default the amount
    computed from its open commitments; another amount needs a reason."""
    from bundel.subscriptions.selectors import settlement_total  # the catalogue's side

    membership = _locked(membership)
    _require_staff(by)
    _require_state(membership, State.NOTICE_GIVEN, State.ENDED, action=_("record a settlement"))
    _not_before(decided_on, membership.notice_on, _("the notice"))
    if decided_on > _today():
        raise RuleViolation(
            _("A settlement cannot be decided in the future (%(d)s).") % {"d": decided_on}
        )
    computed = settlement_total(membership).quantize(Decimal("0.01"))
    amount = computed if amount is None else amount
    if amount != computed and not adjustment_reason.strip():
        raise RuleViolation(
            _(
                "The open commitments come to EUR %(c)s; give the reason for recording "
                "EUR %(a)s instead."
            )
            % {"c": computed, "a": amount}
        )
    settlement = Settlement.objects.filter(membership=membership).first() or Settlement(
        membership=membership
    )
    fields = ("amount", "computed_amount", "adjustment_reason", "basis", "decided_on")
    before = field_values(settlement, fields)
    settlement.amount, settlement.computed_amount = amount, computed
    settlement.adjustment_reason = adjustment_reason.strip() if amount != computed else ""
    settlement.basis = basis.strip() or _("Open commitments of the service agreements.")
    settlement.decided_on = decided_on
    settlement.full_clean()
    settlement.save()
    audit_log(
        action="membership.settlement_recorded",
        obj=membership,
        actor=by,
        changes=diff(before, field_values(settlement, fields)),
    )
    return settlement

"""Forms of the membership pages. They only collect input: every rule, the audit and the
e-mail are the services' (`services.py`), whose error messages the forms show."""

from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bundel.core.forms import DateInput, ServiceActionForm

from . import services
from .constants import AgreementKind, Kind, NoticeBy, State
from .models import AgreementVersion


class MembershipFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("DUO number or name"), "type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )

    def filters(self) -> dict:
        """The filters to apply; a field with an invalid value is left out (and shown)."""
        self.is_valid()
        return {
            "search": self.cleaned_data.get("q", "").strip(),
            "state": self.cleaned_data.get("state", ""),
        }


class ActionForm(ServiceActionForm):
    """One transition of a membership: `run()` calls its service with the input.

    Staff get an optional date field (history entered after the fact); everyone else
    acts on today's date, as the services require.
    """

    dated = True
    needs_membership = True

    def __init__(self, data=None, *, user, membership=None, board=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.membership, self.board = user, membership, board
        if self.dated and user.is_cooperative_staff:
            self.fields["on"] = forms.DateField(
                label=_("Date"),
                required=False,
                widget=DateInput(),
                help_text=_("Leave empty for today; staff may enter a date in the past."),
            )

    def clean(self):
        if self.needs_membership and self.membership is None:
            raise ValidationError(_("Your board has no membership yet."))
        return super().clean()

    @property
    def on(self):
        return self.cleaned_data.get("on")


class StartForm(ActionForm):
    title = _("Join the cooperative")
    description = _(
        "Declare interest to join the coalition of the willing without obligations, "
        "or apply for membership straight away."
    )
    submit_label = _("Send")
    needs_membership = False
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (Kind.INTEREST, _("Declare interest (coalition of the willing)")),
            (Kind.APPLICATION, _("Apply for membership")),
        ],
        initial=Kind.INTEREST,
        widget=forms.RadioSelect,
    )

    def run(self):
        return services.membership_start(
            board=self.board, kind=self.cleaned_data["kind"], by=self.user, on=self.on
        )

    def message(self, result) -> str:
        if result.state == State.INTERESTED:
            return str(_("Your interest is recorded. Thank you!"))
        return str(_("Your application is received. Sign the membership agreement next."))


class ApplyForm(ActionForm):
    title = _("Apply for membership")
    description = _(
        "Your board has declared interest. Apply to become a member; the cooperative's "
        "staff admit you once the membership agreement is signed."
    )
    submit_label = _("Apply")
    done = _("Your application is received. Sign the membership agreement next.")

    def run(self):
        return services.membership_apply(membership=self.membership, by=self.user, on=self.on)


SIGN_TITLES = {
    AgreementKind.MEMBERSHIP: _("Sign the membership agreement"),
    AgreementKind.SERVICE: _("Sign the service agreement (SLA)"),
}


class SignForm(ActionForm):
    """Record that the board signed a version of one kind of agreement."""

    submit_label = _("Record signature")
    done = _("The signed agreement is recorded.")
    version = forms.ChoiceField(label=_("Version"))
    signer = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        required=False,
        help_text=_("Name and position of who signed for the board."),
    )

    def __init__(self, data=None, *, kind: str, **kwargs):
        super().__init__(data, **kwargs)
        self.kind = kind
        self.title = SIGN_TITLES[kind]
        today = timezone.localdate()
        self.versions = list(AgreementVersion.objects.filter(kind=kind))
        self.fields["version"].choices = [
            (
                v.version,
                _("%(version)s (valid from %(date)s)")
                % {"version": v.version, "date": v.valid_from.strftime("%d-%m-%Y")},
            )
            for v in self.versions
        ]
        current = next((v for v in self.versions if v.valid_from <= today), None)
        if current:
            self.fields["version"].initial = current.version
        if "on" in self.fields:
            self.fields["on"].label = _("Signed on")

    @property
    def available(self) -> bool:
        return bool(self.versions)

    def run(self):
        return services.agreement_sign(
            membership=self.membership,
            kind=self.kind,
            version=self.cleaned_data["version"],
            signed_on=self.on,
            signer=self.cleaned_data["signer"],
            by=self.user,
        )


def notice_message(membership) -> str:
    return str(
        _("The notice is recorded; the membership ends on %(date)s.")
        % {"date": membership.ends_on.strftime("%d-%m-%Y")}
    )


class MemberNoticeForm(ActionForm):
    title = _("Give notice")
    submit_label = _("Give notice")
    danger = True
    confirm = forms.BooleanField(label=_("Yes, the board gives notice of its membership."))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        months = services.notice_terms(NoticeBy.MEMBER).months
        self.description = _(
            "A member gives %(months)s months' notice; the membership ends at the end of "
            "that period. You can withdraw the notice until then."
        ) % {"months": months}

    def run(self):
        return services.membership_give_notice(
            membership=self.membership, by=self.user, notice_by=NoticeBy.MEMBER, on=self.on
        )

    def message(self, result) -> str:
        return notice_message(result)


class WithdrawNoticeForm(ActionForm):
    title = _("Withdraw the notice")
    description = _("The membership continues as if no notice was given.")
    submit_label = _("Withdraw the notice")
    done = _("The notice is withdrawn; the membership continues.")

    def run(self):
        return services.membership_withdraw_notice(
            membership=self.membership, by=self.user, on=self.on
        )


class AdmitForm(ActionForm):
    title = _("Admit")
    submit_label = _("Admit as member")
    done = _("The board is admitted as a member.")

    def run(self):
        return services.membership_admit(membership=self.membership, by=self.user, on=self.on)


class RejectForm(ActionForm):
    title = _("Reject")
    submit_label = _("Reject")
    done = _("The application is rejected.")
    danger = True
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def run(self):
        return services.membership_reject(
            membership=self.membership,
            by=self.user,
            reason=self.cleaned_data["reason"],
            on=self.on,
        )


class FoundingForm(ActionForm):
    title = _("Mark as founding member")
    description = _("The board belongs to the start group.")
    submit_label = _("Mark as founding member")
    done = _("The board is recorded as a founding member.")

    def run(self):
        return services.membership_mark_founding(
            membership=self.membership, by=self.user, on=self.on
        )


class CooperativeNoticeForm(ActionForm):
    title = _("Notice by the cooperative")
    submit_label = _("Give notice")
    danger = True
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Which condition of membership the member no longer meets."),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        months = services.notice_terms(NoticeBy.COOPERATIVE).months
        self.description = _(
            "The cooperative gives %(months)s months' notice, only when the member no longer "
            "meets the conditions of membership."
        ) % {"months": months}

    def run(self):
        return services.membership_give_notice(
            membership=self.membership,
            by=self.user,
            notice_by=NoticeBy.COOPERATIVE,
            reason=self.cleaned_data["reason"],
            on=self.on,
        )

    def message(self, result) -> str:
        return notice_message(result)


class SettlementForm(ActionForm):
    title = _("Financial settlement")
    description = _(
        "What the leaving member owes for its open commitments: computed from the services "
        "whose minimum term runs past the end of the membership (see the lines above)."
    )
    submit_label = _("Record settlement")
    done = _("The settlement is recorded.")
    dated = False  # the decision has its own date
    amount = forms.DecimalField(
        label=_("Amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to record the computed amount."),
    )
    adjustment_reason = forms.CharField(
        label=_("Reason for another amount"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    basis = forms.CharField(
        label=_("Basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        settlement = getattr(self.membership, "settlement", None) if self.membership else None
        if settlement is not None and not self.is_bound:
            self.initial.update(
                amount=settlement.amount,
                adjustment_reason=settlement.adjustment_reason,
                basis=settlement.basis,
                decided_on=settlement.decided_on,
            )

    def run(self):
        return services.settlement_record(
            membership=self.membership,
            by=self.user,
            amount=self.cleaned_data["amount"],
            adjustment_reason=self.cleaned_data["adjustment_reason"],
            basis=self.cleaned_data["basis"],
            decided_on=self.cleaned_data["decided_on"] or timezone.localdate(),
        )


# Every action a membership page can post, by the name in its `action` field.
ACTIONS = {
    "start": StartForm,
    "apply": ApplyForm,
    "sign_membership": partial(SignForm, kind=AgreementKind.MEMBERSHIP),
    "sign_service": partial(SignForm, kind=AgreementKind.SERVICE),
    "notice": MemberNoticeForm,
    "withdraw_notice": WithdrawNoticeForm,
    "admit": AdmitForm,
    "reject": RejectForm,
    "founding": FoundingForm,
    "coop_notice": CooperativeNoticeForm,
    "settlement": SettlementForm,
}

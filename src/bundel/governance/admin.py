"""Governance in the admin. Seats, meetings and proposals are added and changed through the
services (the same rules and audit as the staff pages, whose refusals show on the form);
elections, candidates, proxies and vote receipts are read-only here. Ballots are not in
the admin at all: browsing them next to the receipts would invite matching the two.
Nothing of governance is deleted: history is kept."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bundel.core.admin import AuditedModelAdmin

from .constants import Outcome
from .models import (
    Appointment,
    Candidate,
    Election,
    ElectionChamber,
    Meeting,
    MeetingDocument,
    Proposal,
    ProposalVote,
    Proxy,
    VoteReceipt,
)
from .services import bodies as body_services
from .services import meetings as meeting_services


def _adopt(obj, stored) -> None:
    """The admin goes on with `obj` (its log entry, inlines): make it the stored row."""
    obj.pk, obj._state.adding, obj._state.db = stored.pk, False, stored._state.db


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# -- seats ----------------------------------------------------------------------------------

APPOINTMENT_VALUES = [
    "body",
    "name",
    "email",
    "user",
    "board",
    "chamber",
    "role",
    "seat_kind",
    "employer",
    "employer_board",
    "starts_on",
    "ends_on",
]


class AppointmentAddForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = APPOINTMENT_VALUES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _("Empty: the full term.")

    def clean(self):
        data = super().clean()
        if not self.errors:
            values = {name: data.get(name) for name in APPOINTMENT_VALUES}
            try:
                body_services.appointment_check(**values)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data


class AppointmentEndForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["ended_on", "end_reason"]

    def clean(self):
        data = super().clean()
        on, reason = data.get("ended_on"), data.get("end_reason", "")
        if on is None and not reason:
            return data
        if on is None:
            raise ValidationError({"ended_on": _("Give the day the seat ends.")})
        original = Appointment.objects.get(pk=self.instance.pk)
        try:
            body_services.appointment_end_check(appointment=original, on=on, reason=reason)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data


@admin.register(Appointment)
class AppointmentAdmin(NoDeleteMixin, AuditedModelAdmin):
    audit_prefix = "governance.appointment"  # the services write the entries
    list_display = [
        "name",
        "body",
        "chamber",
        "seat_kind",
        "role",
        "board",
        "starts_on",
        "ends_on",
        "ended_on",
    ]
    list_filter = ["body", "chamber", "seat_kind", "role"]
    list_select_related = ["board"]
    search_fields = ["name", "email", "board__name", "board__duo_number", "employer"]
    raw_id_fields = ["user", "board", "employer_board"]
    date_hierarchy = "starts_on"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AppointmentEndForm if obj is not None else AppointmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return APPOINTMENT_VALUES
        return ["staff_page", *APPOINTMENT_VALUES, "election", "ended_on", "end_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["staff_page", *APPOINTMENT_VALUES, "election"]
        return [*fixed, "ended_on", "end_reason"] if obj.ended_on else fixed

    @admin.display(description=_("Page"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("governance:appointment", args=[obj.pk]),
            _("This seat on the staff pages"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            if "ended_on" in form.changed_data or "end_reason" in form.changed_data:
                body_services.appointment_end(
                    appointment=obj, on=obj.ended_on, reason=obj.end_reason, by=request.user
                )
            return
        values = {name: form.cleaned_data[name] for name in APPOINTMENT_VALUES}
        _adopt(obj, body_services.appointment_create(by=request.user, **values))


# -- meetings -------------------------------------------------------------------------------


class DocumentInline(ReadOnlyInline):
    model = MeetingDocument
    fields = ["title", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = [
        "title",
        "outcome",
        "votes_for",
        "votes_against",
        "abstentions",
        "quorum",
        "electorate",
    ]
    readonly_fields = fields
    show_change_link = True


MEETING_VALUES = ["kind", "title", "starts_at", "place", "agenda"]


@admin.register(Meeting)
class MeetingAdmin(NoDeleteMixin, AuditedModelAdmin):
    audit_prefix = "governance.meeting"  # the services write the entries
    list_display = ["title", "kind", "starts_at", "place", "minutes_published_at"]
    list_filter = ["kind"]
    search_fields = ["title", "agenda", "place"]
    date_hierarchy = "starts_at"
    inlines = [DocumentInline, ProposalInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return MEETING_VALUES
        return ["staff_page", *MEETING_VALUES, "minutes", "minutes_published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["staff_page", "minutes", "minutes_published_at"]
        if obj.proposals.exclude(outcome=Outcome.OPEN).exists():
            fixed += ["kind", "starts_at"]  # they fixed who may vote
        return fixed

    @admin.display(description=_("Page"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("Documents, proposals, votes and minutes on the meeting's page"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            values = {name: form.cleaned_data[name] for name in MEETING_VALUES}
            _adopt(obj, meeting_services.meeting_create(by=request.user, **values))
            return
        original = Meeting.objects.get(pk=obj.pk)
        values = {name: getattr(obj, name) for name in MEETING_VALUES}
        meeting_services.meeting_update(meeting=original, by=request.user, **values)


class VoteInline(ReadOnlyInline):
    model = ProposalVote
    fields = ["appointment", "board", "choice", "cast_by", "cast_at"]
    readonly_fields = fields


class ProposalAddForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["meeting", "title", "text", "document"]

    def clean(self):
        data = super().clean()
        document, meeting = data.get("document"), data.get("meeting")
        if document is not None and meeting is not None and document.meeting_id != meeting.pk:
            raise ValidationError({"document": _("The document belongs to another meeting.")})
        return data


@admin.register(Proposal)
class ProposalAdmin(NoDeleteMixin, AuditedModelAdmin):
    audit_prefix = "governance.proposal"  # the services write the entries
    form = ProposalAddForm
    list_display = [
        "title",
        "meeting",
        "outcome",
        "votes_for",
        "votes_against",
        "abstentions",
        "quorum",
        "electorate",
    ]
    list_filter = ["outcome", "meeting__kind"]
    list_select_related = ["meeting"]
    search_fields = ["title", "text", "meeting__title"]
    raw_id_fields = ["meeting", "document"]
    inlines = [VoteInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "title", "text", "document"]
        return [
            "meeting",
            "title",
            "text",
            "document",
            "outcome",
            "voting_opened_at",
            "closed_at",
            "electorate",
            "quorum",
            "votes_for",
            "votes_against",
            "abstentions",
        ]

    def has_change_permission(self, request, obj=None):
        # A proposal changes state on its meeting's page (open, vote, close).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        stored = meeting_services.proposal_add(
            meeting=data["meeting"],
            title=data["title"],
            text=data["text"],
            document=data["document"],
            by=request.user,
        )
        _adopt(obj, stored)


# -- elections (read-only) ------------------------------------------------------------------


class ElectionChamberInline(ReadOnlyInline):
    model = ElectionChamber
    fields = ["chamber", "seats"]
    readonly_fields = fields


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    list_display = ["title", "nomination_opens_at", "voting_opens_at", "voting_closes_at"]
    list_display += ["counted_at"]
    search_fields = ["title"]
    date_hierarchy = "voting_closes_at"
    inlines = [ElectionChamberInline]
    # The seed stays hidden until the count (only its hash is shown), here as on the pages.
    fields = [
        "title",
        "nomination_opens_at",
        "nomination_closes_at",
        "voting_opens_at",
        "voting_closes_at",
        "term_starts_on",
        "seed_sha256",
        "published_seed",
        "counted_at",
        "created_by",
    ]
    readonly_fields = fields


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["name", "election", "chamber", "board", "nominated_at"]
    list_filter = ["chamber", "election"]
    list_select_related = ["election", "board"]
    search_fields = ["name", "email", "board__name", "board__duo_number"]


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ["election", "grantor", "holder", "granted_at"]
    list_filter = ["election"]
    list_select_related = ["election", "grantor", "holder"]


@admin.register(VoteReceipt)
class VoteReceiptAdmin(ReadOnlyAdmin):
    """That a board voted and through whom; never for whom (ballots are not here)."""

    list_display = ["election", "board", "chamber", "cast_by", "via_proxy", "cast_at"]
    list_filter = ["election", "chamber", "via_proxy"]
    list_select_related = ["election", "board", "cast_by"]
    search_fields = ["board__name", "board__duo_number"]

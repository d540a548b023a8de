"""Memberships are read-only here: they change only through the service-backed staff
pages (rules, audit, e-mail). Staff keep the agreement versions and the historical
support figures here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bundel.core.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import (
    Agreement,
    AgreementVersion,
    Membership,
    NationalTotal,
    Settlement,
    SupportSnapshot,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementInline(ReadOnlyInline):
    model = Agreement
    fields = ["version", "signed_on", "signer", "recorded_by"]


class SettlementInline(ReadOnlyInline):
    model = Settlement
    fields = ["amount", "decided_on", "basis"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = [
        "board",
        "duo_number",
        "state",
        "is_founding",
        "interested_on",
        "applied_on",
        "admitted_on",
        "ends_on",
    ]
    list_filter = ["state", "is_founding", "notice_by"]
    search_fields = ["board__duo_number", "board__name"]
    list_select_related = ["board"]
    date_hierarchy = "created_at"
    inlines = [AgreementInline, SettlementInline]
    fieldsets = [
        (None, {"fields": ["staff_page", "board", "state", "is_founding", "founding_since"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "interested_on",
                    "applied_on",
                    "admitted_on",
                    "rejected_on",
                    "rejection_reason",
                    "notice_on",
                    "notice_by",
                    "notice_reason",
                    "ends_on",
                    "ended_on",
                    "created_at",
                ]
            },
        ),
    ]
    readonly_fields = ["staff_page", "created_at"]

    @admin.display(description=_("DUO number"), ordering="board__duo_number")
    def duo_number(self, obj):
        return obj.board.duo_number

    @admin.display(description=_("Changes"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("membership:detail", args=[obj.pk]),
            _("Change this membership on its page (the rules, audit and e-mails apply there)"),
        )


@admin.register(AgreementVersion)
class AgreementVersionAdmin(AuditedModelAdmin):
    audit_prefix = "membership.agreement_version"
    list_display = ["kind", "version", "valid_from", "document"]
    list_filter = ["kind"]
    search_fields = ["version", "summary"]

    def get_readonly_fields(self, request, obj=None):
        # A version someone signed is history: its identity and date stay as signed.
        if obj is not None and Agreement.objects.filter(version=obj).exists():
            return ["kind", "version", "valid_from"]
        return []


@admin.register(SupportSnapshot)
class SupportSnapshotAdmin(AuditedModelAdmin):
    audit_prefix = "support.snapshot"
    list_display = [
        "date",
        "national_pupils",
        "start_group_boards",
        "start_group_pupils",
        "coalition_boards",
        "coalition_pupils",
        "members_boards",
        "members_pupils",
        "note",
    ]
    date_hierarchy = "date"


@admin.register(NationalTotal)
class NationalTotalAdmin(AuditedModelAdmin):
    audit_prefix = "support.national_total"
    list_display = ["valid_from", "pupils", "source"]

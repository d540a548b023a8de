"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bundel.audit.services import audit_log, diff, field_values

from . import mail
from .models import OutgoingEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records only the services write (audit entries, bids, DUO data, the outbox):
    staff read them in the admin, and nobody adds, changes or deletes them there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """For reference data staff keep by hand in the admin (no domain rules beyond the
    model's own validation): every add, change and delete is written to the audit trail."""

    audit_prefix = ""

    def _fields(self, obj) -> list[str]:
        return [f.name for f in obj._meta.concrete_fields if not f.primary_key]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = field_values(type(obj).objects.get(pk=obj.pk), self._fields(obj)) if change else {}
        super().save_model(request, obj, form, change)
        audit_log(
            action=f"{self.audit_prefix}.{'changed' if change else 'added'}",
            obj=obj,
            actor=request.user,
            changes=diff(before, field_values(obj, self._fields(obj))),
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_log(
            action=f"{self.audit_prefix}.deleted",
            obj=obj,
            actor=request.user,
            data=field_values(obj, self._fields(obj)),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("sent", _("sent")),
            ("waiting", _("waiting for a try")),
            ("given_up", _("given up (tries used up)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "waiting":
            return mail.waiting(queryset)
        if self.value() == "given_up":
            return mail.given_up(queryset)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox (bundel.core.mail): read-only; unsent messages can be tried again."""

    list_display = ["created_at", "subject", "recipients", "sent_at", "attempts", "last_error"]
    fields = readonly_fields = [
        "subject",
        "recipients",
        "from_email",
        "body",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = [DeliveryFilter]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.display(description=_("to"))
    def recipients(self, obj) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Try the selected unsent e-mails again now"))
    def send_again(self, request, queryset):
        count = mail.send_again(queryset, by=request.user)
        self.message_user(request, _("%(n)s e-mail(s) will be tried again.") % {"n": count})

"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.db import transaction

from bundel.audit.services import audit_log, diff, field_values


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

"""Staff keep the catalogue here. Every add, change and delete, of the groups and products
and of a product's capacities and rules edited inline, is written to the audit trail."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bundel.audit.services import audit_log, diff, field_values
from bundel.core.admin import AuditedModelAdmin

from .models import CapacityOption, Product, ProductGroup, ProductRule


class CapacityOptionInline(admin.TabularInline):
    model = CapacityOption
    fields = ["code", "label", "monthly_price", "position"]
    extra = 0


class ProductRuleInline(admin.TabularInline):
    model = ProductRule
    fk_name = "product"
    fields = ["kind", "required"]
    extra = 0
    verbose_name = _("rule")
    verbose_name_plural = _("rules: taking this product at a location requires")


INLINE_AUDIT_PREFIXES = {CapacityOption: "catalogue.capacity", ProductRule: "catalogue.rule"}


@admin.register(ProductGroup)
class ProductGroupAdmin(AuditedModelAdmin):
    audit_prefix = "catalogue.group"
    list_display = ["code", "name_nl", "name_en", "status", "position"]
    list_editable = ["position"]
    list_filter = ["status"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    audit_prefix = "catalogue.product"
    list_display = [
        "code",
        "name_nl",
        "group",
        "lifecycle",
        "min_term_months",
        "purchasing_surcharge",
        "service_surcharge",
        "is_optional",
    ]
    list_filter = ["lifecycle", "group", "is_optional"]
    list_select_related = ["group"]
    search_fields = ["code", "name_nl", "name_en"]
    inlines = [CapacityOptionInline, ProductRuleInline]
    fieldsets = [
        (None, {"fields": ["group", "code", "lifecycle", "position"]}),
        (
            _("Names and descriptions"),
            {
                "fields": [
                    "name_nl",
                    "name_en",
                    "description_nl",
                    "description_en",
                    "includes_nl",
                    "includes_en",
                ]
            },
        ),
        (
            _("Terms"),
            {
                "fields": [
                    "min_term_months",
                    "purchasing_surcharge",
                    "service_surcharge",
                    "is_optional",
                    "demand_threshold",
                ]
            },
        ),
    ]

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        """Save the inline rows and audit each one added, changed or deleted."""
        prefix = INLINE_AUDIT_PREFIXES[formset.model]
        fields = [f.name for f in formset.model._meta.concrete_fields if not f.primary_key]
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                audit_log(
                    action=f"{prefix}.deleted",
                    obj=deleted.instance,
                    actor=request.user,
                    data=field_values(deleted.instance, fields),
                )
        changed = [
            (f.instance, diff(f.initial, {n: f.cleaned_data.get(n) for n in f.changed_data}))
            for f in formset.initial_forms
            if f.has_changed() and f not in formset.deleted_forms
        ]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_log(
                action=f"{prefix}.added",
                obj=obj,
                actor=request.user,
                data=field_values(obj, fields),
            )
        for obj, changes in changed:
            audit_log(action=f"{prefix}.changed", obj=obj, actor=request.user, changes=changes)

"""Staff keep the catalogue here and on the staff pages (`views.py`). Products, their
capacity options and rules (edited inline) are saved through `services.py`, so both paths
keep the same rules and write the same audit entries. Product groups are reference data:
the shared audited admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bundel.core.admin import AuditedModelAdmin

from . import services
from .models import CapacityOption, Product, ProductGroup, ProductRule


class CapacityOptionInline(admin.TabularInline):
    """The admin itself refuses deleting an option a subscription uses (the foreign keys
    protect it), before `services.capacity_delete` would."""

    model = CapacityOption
    fields = list(services.CAPACITY_FIELDS)
    extra = 0


class ProductRuleInline(admin.TabularInline):
    """A rule row's form runs `ProductRule.clean()`: a product requiring itself or a
    rule closing a circle is refused on the form, as `services.rule_add` refuses it."""

    model = ProductRule
    fk_name = "product"
    fields = ["kind", "required"]
    extra = 0
    verbose_name = _("rule")
    verbose_name_plural = _("rules: taking this product at a location requires")


@admin.register(ProductGroup)
class ProductGroupAdmin(AuditedModelAdmin):
    audit_prefix = "catalogue.group"
    list_display = ["code", "name_nl", "name_en", "status", "position"]
    list_editable = ["position"]
    list_filter = ["status"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    audit_prefix = "catalogue.product"  # for deletes; saves go through the services
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

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # orders and the API name products by their code

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.PRODUCT_EDITABLE}
        if change:
            services.product_update(product=obj, by=request.user, **values)
            return
        created = services.product_create(by=request.user, code=form.cleaned_data["code"], **values)
        # The admin goes on with `obj` (the inlines hang from it): make it the stored row.
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def save_formset(self, request, form, formset, change):
        """Save the inline rows through the services: deletes first (so a code may be
        reused), then changes, then additions. The admin's change message reads
        `new_objects`, `changed_objects` and `deleted_objects`, as `formset.save()`
        would have set them."""
        product, by = form.instance, request.user
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.deleted_forms:
            if row.instance.pk:
                self._delete_row(row.instance, by=by)
                formset.deleted_objects.append(row.instance)
        for row in formset.initial_forms:
            if row.has_changed() and row not in formset.deleted_forms:
                obj = self._save_row(formset.model, row, product=product, by=by)
                formset.changed_objects.append((obj, row.changed_data))
        for row in formset.extra_forms:
            if row.has_changed() and row not in formset.deleted_forms:
                obj = self._save_row(formset.model, row, product=product, by=by, new=True)
                formset.new_objects.append(obj)

    def _delete_row(self, obj, *, by):
        if isinstance(obj, CapacityOption):
            services.capacity_delete(capacity=obj, by=by)
        else:
            services.rule_remove(rule=obj, by=by)

    def _save_row(self, model, row, *, product, by, new=False):
        data = row.cleaned_data
        if model is CapacityOption:
            values = {name: data[name] for name in services.CAPACITY_FIELDS}
            capacity = None if new else row.instance
            return services.capacity_save(product=product, capacity=capacity, by=by, **values)
        if not new:  # a rule changed in place is the old one removed and a new one added
            services.rule_remove(rule=row.instance, by=by)
        return services.rule_add(
            product=product, required=data["required"], kind=data["kind"], by=by
        )

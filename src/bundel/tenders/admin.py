"""Tenders in the admin: saved through `services.py`, so the law, the weights and the
audit trail are the staff pages' too. Lots and criteria are shown here and changed on the
tender's staff page (one form with the weights that must add up to 100); the state moves
there too. A tender is never deleted: it is cancelled, with a reason."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bundel.core.admin import ReadOnlyAdmin

from . import services
from .constants import EDITABLE_STATES
from .models import AwardCriterion, DemandLine, Lot, Participation, Tender


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LotInline(ReadOnlyInline):
    model = Lot
    fields = ["number", "title", "description"]
    readonly_fields = fields


class CriterionInline(ReadOnlyInline):
    model = AwardCriterion
    fields = ["position", "name", "weight", "scale_min", "scale_max", "max_value"]
    readonly_fields = fields


class TenderAdminForm(forms.ModelForm):
    class Meta:
        model = Tender
        fields = [*services.TENDER_FIELDS, "product_groups"]

    def clean(self):
        """The services' rules on the form, so a refusal shows here instead of failing."""
        data = super().clean()
        if self.errors:
            return data
        candidate = Tender(**{name: data.get(name) for name in services.TENDER_FIELDS})
        existing = self.instance if self.instance.pk else None
        lots = services.lots_of(existing) if existing else []
        criteria = services.criteria_of(existing) if existing else []
        try:
            services.tender_validate(
                candidate,
                list(data.get("product_groups") or []),
                lots,
                services.normalised(candidate, criteria),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                raise
        return data


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    form = TenderAdminForm
    list_display = ["title", "procedure", "state", "estimated_value", "notice_date", "closing_at"]
    list_filter = ["state", "procedure", "award_method"]
    search_fields = ["title"]
    filter_horizontal = ["product_groups"]
    inlines = [LotInline, CriterionInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "product_groups", "state", "cancel_reason"]}),
        (
            _("Procedure and timeline"),
            {
                "fields": [
                    "procedure",
                    "estimated_value",
                    "notice_date",
                    "published_on",
                    "demand_deadline",
                    "requests_deadline",
                    "invitation_date",
                    "closing_at",
                    "electronic",
                    "documents_online",
                    "award_decision_on",
                ]
            },
        ),
        (_("Award"), {"fields": ["award_method", "price_weight"]}),
    ]

    readonly_fields = ["state", "published_on", "award_decision_on", "cancel_reason"]

    def has_change_permission(self, request, obj=None):
        """What was published can no longer change: the admin shows it read-only."""
        if obj is not None and obj.state not in EDITABLE_STATES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.TENDER_FIELDS}
        groups = list(form.cleaned_data["product_groups"])
        if change:
            services.tender_update(tender=obj, by=request.user, product_groups=groups, **values)
            return
        created = services.tender_create(by=request.user, product_groups=groups, **values)
        # The admin goes on with `obj`: make it the stored row.
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def save_related(self, request, form, formsets, change):
        """The service has set the product groups; the inlines are read-only (the admin's
        change message still reads what they saved: nothing)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class DemandLineInline(ReadOnlyInline):
    model = DemandLine
    fields = ["lot", "location", "product", "capacity", "start"]
    readonly_fields = fields


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    """A board's demand, to read: it changes on the board's demand page or through the
    API, where the rules, the deadline and the audit trail apply."""

    list_display = ["tender", "board", "changed_at", "changed_by"]
    list_filter = ["tender"]
    search_fields = ["board__duo_number", "board__name", "tender__title"]
    list_select_related = ["tender", "board", "changed_by"]
    fields = ["tender", "board", "created_at", "changed_at", "changed_by"]
    readonly_fields = fields
    inlines = [DemandLineInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("lines__lot", "lines__location", "lines__product", "lines__capacity")
        )

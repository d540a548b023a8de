"""Framework contracts in the admin: made and changed through `services.py`, so the award,
the term, the maximum and the audit trail are the staff pages' too. Rates are kept in an
inline (each saved by `services.rate_set`); boards taking part and call-offs are shown
read-only (they come from the boards, through the pages and the API). Nothing is deleted."""

from django import forms
from django.contrib import admin

from bundel.core.admin import ReadOnlyAdmin

from . import services
from .constants import AWARDED_STATES, QUANTITY_KINDS
from .models import CallOff, ContractParticipant, ContractRate, FrameworkContract

FIELDS = ["lot", *services.UPDATABLE_FIELDS]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = ContractParticipant
    fields = ["board", "joined_on", "joined_later", "joined_by"]
    readonly_fields = fields


class CallOffInline(ReadOnlyInline):
    model = CallOff
    fields = [
        "board",
        "product",
        "capacity",
        "quantity",
        "monthly_rate",
        "yearly_value",
        "starts_on",
    ]
    readonly_fields = fields


class RateForm(forms.ModelForm):
    class Meta:
        model = ContractRate
        fields = ["capacity", "monthly_rate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # another capacity is another rate
            self.fields["capacity"].disabled = True

    def clean(self):
        data = super().clean()
        capacity = data.get("capacity")
        if capacity is not None:
            self.instance.product = capacity.product  # the model's clean checks its group
        return data


class RateInline(admin.TabularInline):
    model = ContractRate
    form = RateForm
    extra = 3
    can_delete = False
    fields = ["capacity", "monthly_rate"]


class ContractAdminForm(forms.ModelForm):
    class Meta:
        model = FrameworkContract
        fields = FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lot" in self.fields:
            self.fields["lot"].queryset = (
                self.fields["lot"]
                .queryset.filter(tender__state__in=AWARDED_STATES, contract__isnull=True)
                .select_related("tender")
            )

    def clean(self):
        """The services' rules on the form, so a refusal shows here."""
        data = super().clean()
        if self.errors:
            return data
        if data.get("maximum_kind") in QUANTITY_KINDS:
            data["maximum_value"] = None
        else:
            data["maximum_quantity"] = None
        services.check_term(starts_on=data["starts_on"], ends_on=data["ends_on"])
        services.check_maximum(
            kind=data["maximum_kind"],
            value=data["maximum_value"],
            quantity=data["maximum_quantity"],
        )
        if self.instance.pk:
            candidate = FrameworkContract(
                pk=self.instance.pk,
                reference=self.instance.reference,
                maximum_kind=data["maximum_kind"],
                maximum_value=data["maximum_value"],
                maximum_quantity=data["maximum_quantity"],
            )
            services.check_maximum_covers_used(candidate)
        else:
            services.check_award(tender=data["lot"].tender, signed_on=data["signed_on"])
        return data


@admin.register(FrameworkContract)
class FrameworkContractAdmin(admin.ModelAdmin):
    form = ContractAdminForm
    list_display = [
        "reference",
        "supplier_name",
        "lot",
        "starts_on",
        "ends_on",
        "maximum_kind",
        "maximum_value",
        "maximum_quantity",
    ]
    list_filter = ["maximum_kind"]
    search_fields = ["reference", "supplier_name", "lot__tender__title"]
    list_select_related = ["lot__tender"]
    inlines = [RateInline, ParticipantInline, CallOffInline]

    def get_readonly_fields(self, request, obj=None):
        return ["reference", "lot"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["reference", *FIELDS] if obj is not None else FIELDS

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in services.UPDATABLE_FIELDS}
        if change:
            services.contract_update(contract=obj, by=request.user, **values)
            return
        created = services.contract_create(lot=data["lot"], by=request.user, **values)
        # The admin goes on with `obj`: make it the stored row.
        obj.pk, obj.reference = created.pk, created.reference
        obj._state.adding, obj._state.db = False, created._state.db

    def save_formset(self, request, form, formset, change):
        """Rates through `services.rate_set`; the other inlines are read-only."""
        if formset.model is ContractRate:
            for row in formset.forms:
                if row.has_changed() and row.cleaned_data.get("capacity"):
                    services.rate_set(
                        contract=form.instance,
                        capacity=row.cleaned_data["capacity"],
                        monthly_rate=row.cleaned_data["monthly_rate"],
                        by=request.user,
                    )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(CallOff)
class CallOffAdmin(ReadOnlyAdmin):
    """Call-offs to look up; they are placed by boards (pages, API, ordering)."""

    list_display = ["contract", "board", "product", "capacity", "quantity", "yearly_value"]
    list_filter = ["contract"]
    search_fields = ["board__duo_number", "contract__reference"]
    list_select_related = ["contract", "board", "product", "capacity"]

"""Events in the admin: added and changed through `services.py` (the same rules and audit
entries as the staff pages), cancelled by setting the state to cancelled with a reason
(`services.event_cancel`, which e-mails everyone registered). Events are never deleted
(registrations are their record); registrations and calendar feeds are read-only here
(people register themselves; staff cancel a registration on the event's page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import services
from .constants import EventState
from .models import Event, Registration


class EventAdminForm(forms.ModelForm):
    link = forms.URLField(
        label=capfirst(Event._meta.get_field("link").verbose_name),
        required=False,
        assume_scheme="https",
        help_text=Event._meta.get_field("link").help_text,
    )

    class Meta:
        model = Event
        fields = [*services.EVENT_FIELDS, "state", "cancel_reason"]

    def clean(self):
        data = super().clean()
        stored = Event.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        state = data.get("state", EventState.SCHEDULED)
        if stored is None:
            if state != EventState.SCHEDULED:
                raise ValidationError({"state": _("A new event is scheduled.")})
            return data
        if stored.state == EventState.CANCELLED:
            raise ValidationError(_("A cancelled event cannot be changed."))
        if state == EventState.CANCELLED and not (data.get("cancel_reason") or "").strip():
            reason = _("Give the reason for cancelling; it goes to everyone registered.")
            raise ValidationError({"cancel_reason": reason})
        values = {name: data[name] for name in services.EVENT_FIELDS if name in data}
        try:  # the service's rules, shown on the form (the service checks them again)
            services.check_event_change(event=stored, values=values)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["user", "board", "state", "registered_at", "confirmed_at", "cancelled_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["state", "registered_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["title", "kind", "starts_at", "place", "capacity", "audience", "state"]
    list_filter = ["kind", "audience", "state", "starts_at"]
    search_fields = ["title", "place", "programme"]
    date_hierarchy = "starts_at"
    readonly_fields = ["staff_page", "sequence", "created_by", "created_at", "updated_at"]
    inlines = [RegistrationInline]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Events page"))
    def staff_page(self, obj) -> str:
        if not obj.pk:
            return "-"
        url = reverse("events:manage", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Registrations, exports and badges"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in services.EVENT_FIELDS}
        if not change:
            created = services.event_create(by=request.user, **values)
            obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
            return
        services.event_update(event=obj, by=request.user, **values)
        if data["state"] == EventState.CANCELLED:
            services.event_cancel(event=obj, by=request.user, reason=data["cancel_reason"])


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "board", "state", "registered_at", "confirmed_at"]
    list_filter = ["state", "event__kind"]
    search_fields = ["user__username", "user__last_name", "user__email", "event__title"]
    list_select_related = ["user", "event", "board"]
    date_hierarchy = "registered_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

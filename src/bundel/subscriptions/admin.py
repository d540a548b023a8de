"""Subscriptions, orders and migration waves are read-only here: they change only through
the services (ordering with the catalogue's rules, terminating, capacity changes, waves),
on the services pages and the API, so the rules and the audit trail hold."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import CapacityChange, MigrationWave, Order, Subscription


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class CapacityChangeInline(ReadOnlyInline):
    model = CapacityChange
    fields = ["date", "old_capacity", "new_capacity", "old_price", "new_price"]


class SubscriptionInline(ReadOnlyInline):
    model = Subscription
    fields = ["location", "product", "capacity", "state", "monthly_price", "wished_start"]
    show_change_link = True


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "board",
        "location",
        "product",
        "capacity",
        "state",
        "monthly_price",
        "wished_start",
        "active_on",
        "ends_on",
    ]
    list_filter = ["state", "product__group", "product", "wished_start", "active_on"]
    search_fields = ["board__duo_number", "board__name", "location__code", "location__name"]
    list_select_related = ["board", "location", "product", "capacity"]
    date_hierarchy = "wished_start"
    inlines = [CapacityChangeInline]
    readonly_fields = ["staff_page"]

    @admin.display(description=_("Services page"))
    def staff_page(self, obj) -> str:
        url = reverse("subscriptions:detail", args=[obj.board.duo_number, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Change on the services page"))


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "board", "placed_by", "placed_at"]
    search_fields = ["board__duo_number", "board__name"]
    list_select_related = ["board", "placed_by"]
    date_hierarchy = "placed_at"
    inlines = [SubscriptionInline]


@admin.register(MigrationWave)
class MigrationWaveAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["board", "name", "date", "state"]
    list_filter = ["state", "date"]
    search_fields = ["board__duo_number", "board__name", "name"]
    list_select_related = ["board"]
    date_hierarchy = "date"

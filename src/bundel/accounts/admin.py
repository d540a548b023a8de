from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import User
from .selectors import backup_codes_left, confirmed_totp_device


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "get_full_name", "role", "board", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "email", "first_name", "last_name", "board__duo_number"]
    list_select_related = ["board"]
    raw_id_fields = ["board"]
    readonly_fields = ["two_factor"]
    actions = ["reset_two_factor"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role in Bundel"), {"fields": ["role", "board", "organisation"]}),
        (_("Two-factor authentication"), {"fields": ["two_factor"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role in Bundel"), {"fields": ["email", "role", "board", "organisation"]}),
    ]

    @admin.display(description=_("Authenticator app"))
    def two_factor(self, obj) -> str:
        if obj.pk is None:
            return "-"
        state = _("set up") if confirmed_totp_device(obj) else _("not set up")
        left = backup_codes_left(obj)
        codes = ngettext("%(count)d unused backup code", "%(count)d unused backup codes", left) % {
            "count": left
        }
        url = reverse("two_factor_reset", args=[obj.pk])
        return format_html('{} · {} · <a href="{}">{}</a>', state, codes, url, _("reset"))

    @admin.action(description=_("Reset the authenticator app (lost phone)"))
    def reset_two_factor(self, request, queryset) -> None:
        removed = sum(
            1 for user in queryset if services.totp_device_reset(user=user, by=request.user)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d authenticator app removed.",
                "%(count)d authenticator apps removed.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "get_full_name", "role", "board", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "email", "first_name", "last_name", "board__duo_number"]
    list_select_related = ["board"]
    raw_id_fields = ["board"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role in Bundel"), {"fields": ["role", "board", "organisation"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role in Bundel"), {"fields": ["email", "role", "board", "organisation"]}),
    ]

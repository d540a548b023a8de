"""The admin asks for the verified second factor too (not only the middleware), so it
holds if the middleware were left out of a deployment."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        from .selectors import second_factor_missing  # models: not at app loading

        return super().has_permission(request) and not second_factor_missing(request)


class AdminConfig(DjangoAdminConfig):
    default_site = "bundel.accounts.admin_site.AdminSite"

from django.urls import include, path

from . import views

urlpatterns = [
    path("two-factor/", views.manage, name="two_factor"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
    path("two-factor/backup-codes/", views.backup_codes, name="two_factor_backup_codes"),
    path("users/<int:pk>/two-factor/", views.reset, name="two_factor_reset"),
    path("", include("django.contrib.auth.urls")),
]

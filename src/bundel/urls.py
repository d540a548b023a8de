from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("bundel.api.urls")),
    path("accounts/", include("bundel.accounts.urls")),
    path("registry/", include("bundel.registry.urls")),
    path("membership/", include("bundel.membership.urls")),
    path("support/", include("bundel.support.urls")),
    path("proposals/", include("bundel.proposals.urls")),
    path("governance/", include("bundel.governance.urls")),
    path("catalogue/", include("bundel.catalogue.urls")),
    path("services/", include("bundel.subscriptions.urls")),
    path("tenders/", include("bundel.tenders.urls")),
    path("bidding/", include("bundel.bidding.urls")),
    path("contracts/", include("bundel.contracts.urls")),
    path("knowledge/", include("bundel.knowledge.urls")),
    path("groups/", include("bundel.groups.urls")),
    path("events/", include("bundel.events.urls")),
    path("", include("bundel.core.urls")),
]
# Uploaded and generated files (MEDIA_ROOT) are never served as such: views check who
# may download them (e.g. the proposals ZIP for staff).

# A path no URL matches: JSON under /api/ (bundel.api.exceptions.not_found), else the page.
handler404 = "bundel.api.exceptions.not_found"

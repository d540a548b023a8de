from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from bundel.accounts.api import ObtainTokenView
from bundel.catalogue import api as catalogue
from bundel.governance.api import SeatAllocationView
from bundel.membership.api import MembershipViewSet
from bundel.registry import api as registry
from bundel.subscriptions import api as subscriptions
from bundel.support import api as support

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")
router.register("subscriptions", subscriptions.SubscriptionViewSet, basename="subscription")
router.register("waves", subscriptions.WaveViewSet, basename="wave")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The Swagger UI loads its start script as a file (?script=) and its styles from a
    # stylesheet, so the site's strict Content-Security-Policy holds here too.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("boards/", registry.BoardList.as_view(), name="board-list"),
    path("boards/<str:duo_number>/", registry.BoardDetail.as_view(), name="board-detail"),
    path("locations/<str:code>/", registry.LocationDetail.as_view(), name="location-detail"),
    path("registry/totals/", registry.RegistryTotals.as_view(), name="registry-totals"),
    path("support/", support.SupportView.as_view(), name="support"),
    path("support/snapshots/", support.SnapshotList.as_view(), name="support-snapshots"),
    path("products/", catalogue.ProductList.as_view(), name="product-list"),
    path(
        "boards/<str:duo_number>/orders/",
        subscriptions.BoardOrders.as_view(),
        name="board-orders",
    ),
    path(
        "boards/<str:duo_number>/subscriptions/",
        subscriptions.BoardSubscriptions.as_view(),
        name="board-subscriptions",
    ),
    path("boards/<str:duo_number>/costs/", subscriptions.BoardCosts.as_view(), name="board-costs"),
    path("boards/<str:duo_number>/waves/", subscriptions.BoardWaves.as_view(), name="board-waves"),
    path("seat-allocations/", SeatAllocationView.as_view(), name="seat-allocations"),
    path("", include("bundel.governance.api_urls")),
    path("", include("bundel.tenders.api_urls")),
    path("", include("bundel.bidding.api_urls")),
    path("", include("bundel.contracts.api_urls")),
    path("", include("bundel.knowledge.api_urls")),
    path("", include("bundel.groups.api_urls")),
    path("", include("bundel.events.api_urls")),
    *router.urls,
]

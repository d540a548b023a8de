from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from bundel.membership.api import MembershipViewSet
from bundel.registry import api as registry
from bundel.support import api as support

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("boards/", registry.BoardList.as_view(), name="board-list"),
    path("boards/<str:duo_number>/", registry.BoardDetail.as_view(), name="board-detail"),
    path("locations/<str:code>/", registry.LocationDetail.as_view(), name="location-detail"),
    path("registry/totals/", registry.RegistryTotals.as_view(), name="registry-totals"),
    path("support/", support.SupportView.as_view(), name="support"),
    path("support/snapshots/", support.SnapshotList.as_view(), name="support-snapshots"),
    *router.urls,
]

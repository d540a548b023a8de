"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("contracts", api.ContractViewSet, basename="contract")

urlpatterns = [*router.urls]

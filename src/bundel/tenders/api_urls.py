"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("tenders", api.TenderViewSet, basename="tender")

urlpatterns = [
    path("award-simulations/", api.AwardSimulationView.as_view(), name="award-simulations"),
    *router.urls,
]

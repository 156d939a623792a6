"""Charging API routes under /api/v1/charging/."""

from mutualis.charging.api import views
from mutualis.core.api import Router

router = Router()
router.register("charging/stations", views.StationViewSet, basename="charging-station")
router.register("charging/charge-points", views.ChargePointViewSet, basename="charging-charge-point")
router.register("charging/sessions", views.SessionViewSet, basename="charging-session")
router.register("charging/id-tags", views.IdTagViewSet, basename="charging-id-tag")
router.register("charging/commands", views.CommandViewSet, basename="charging-command")

urlpatterns = router.urls

"""Fibre API routes: /api/v1/fibre/plans/, /api/v1/fibre/pm-zones/, /api/v1/fibre/progress/."""

from mutualis.core.api import Router
from mutualis.fibre.api import views

router = Router()
router.register("fibre/plans", views.PlanViewSet, basename="fibre-plan")
router.register("fibre/pm-zones", views.PMZoneViewSet, basename="fibre-pm-zone")
router.register("fibre/progress", views.CommuneProgressViewSet, basename="fibre-progress")

urlpatterns = router.urls

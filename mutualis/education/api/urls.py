"""Education API routes: /api/v1/establishments/."""

from mutualis.core.api import Router
from mutualis.education.api import views

router = Router()
router.register("establishments", views.EstablishmentViewSet, basename="establishment")

urlpatterns = router.urls

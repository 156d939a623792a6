"""Territory API routes: /api/v1/departements/, /api/v1/communes/, /api/v1/intercommunalities/."""

from mutualis.core.api import Router
from mutualis.territory.api import views

router = Router()
router.register("departements", views.DepartementViewSet, basename="departement")
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("intercommunalities", views.IntercommunalityViewSet, basename="intercommunality")

urlpatterns = router.urls

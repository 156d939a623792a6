"""Assets API routes: /api/v1/assets/ (with /transition/ and /events/)."""

from mutualis.assets.api import views
from mutualis.core.api import Router

router = Router()
router.register("assets", views.AssetViewSet, basename="asset")

urlpatterns = router.urls

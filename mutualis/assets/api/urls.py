"""Assets API routes: /api/v1/assets/ (with /transition/ and /events/)."""

from rest_framework.routers import SimpleRouter

from mutualis.assets.api import views

router = SimpleRouter()
router.register("assets", views.AssetViewSet, basename="asset")

urlpatterns = router.urls

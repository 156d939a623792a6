"""Members API routes: /api/v1/members/ (with /transition/ and /competences/), /api/v1/sites/."""

from rest_framework.routers import SimpleRouter

from mutualis.members.api import views

router = SimpleRouter()
router.register("members", views.MemberViewSet, basename="member")
router.register("sites", views.SiteViewSet, basename="site")

urlpatterns = router.urls

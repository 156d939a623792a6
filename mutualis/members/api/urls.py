"""Members API routes: /api/v1/members/ (with /transition/ and /competences/), /api/v1/sites/."""

from mutualis.core.api import Router
from mutualis.members.api import views

router = Router()
router.register("members", views.MemberViewSet, basename="member")
router.register("sites", views.SiteViewSet, basename="site")

urlpatterns = router.urls

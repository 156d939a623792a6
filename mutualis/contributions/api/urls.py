from rest_framework.routers import SimpleRouter

from mutualis.contributions.api.views import ContributionCallViewSet, ContributionRateViewSet

router = SimpleRouter()
router.register("contribution-rates", ContributionRateViewSet, basename="contribution-rate")
router.register("contribution-calls", ContributionCallViewSet, basename="contribution-call")

urlpatterns = router.urls

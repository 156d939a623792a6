from mutualis.contributions.api.views import ContributionCallViewSet, ContributionRateViewSet
from mutualis.core.api import Router

router = Router()
router.register("contribution-rates", ContributionRateViewSet, basename="contribution-rate")
router.register("contribution-calls", ContributionCallViewSet, basename="contribution-call")

urlpatterns = router.urls

from mutualis.contributions.models.call import ContributionCall, ContributionCallLine
from mutualis.contributions.models.rate import ContributionRate

__all__ = ["ContributionCall", "ContributionCallLine", "ContributionRate"]

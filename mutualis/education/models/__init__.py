from mutualis.education.models.establishments import Establishment
from mutualis.education.models.loans import CampaignBeneficiary, CrisisCampaign, InclusionProgramme, Loan
from mutualis.education.models.resources import Assignment, Resource, Subscription

__all__ = [
    "Assignment",
    "CampaignBeneficiary",
    "CrisisCampaign",
    "Establishment",
    "InclusionProgramme",
    "Loan",
    "Resource",
    "Subscription",
]

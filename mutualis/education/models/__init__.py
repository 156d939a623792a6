from mutualis.education.models.establishments import Establishment
from mutualis.education.models.loans import CampaignBeneficiary, CrisisCampaign, InclusionProgramme, Loan
from mutualis.education.models.projects import Application, ProjectCall
from mutualis.education.models.resources import Assignment, Resource, Subscription

__all__ = [
    "Application",
    "ProjectCall",
    "Assignment",
    "CampaignBeneficiary",
    "CrisisCampaign",
    "Establishment",
    "InclusionProgramme",
    "Loan",
    "Resource",
    "Subscription",
]

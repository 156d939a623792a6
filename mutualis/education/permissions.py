"""Abilities on the education objects: one dict per object drives the buttons shown and the API permissions.

Education officers (and administrators, who hold every staff role) keep the établissements, the resources and
the projects; other operator staff read everything. A member's users read their members' établissements (a
département its collèges, a commune its écoles). An établissement's referents read it and assign its licences.
"""

from typing import Any

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.types import User, Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.education.choices import ApplicationStatus, CampaignStatus, LoanStatus
from mutualis.education.models import (
    Application,
    Assignment,
    CrisisCampaign,
    Establishment,
    InclusionProgramme,
    Loan,
    ProjectCall,
    Resource,
    Subscription,
)


def can_manage_education(user: Viewer) -> bool:
    """Education officers and administrators keep the établissements, resources, loans and projects."""
    return isinstance(user, User) and is_operator_staff(user) and user.has_staff_role(StaffRole.EDUCATION_OFFICER)


def is_referent(user: Viewer, establishment: Establishment) -> bool:
    """True if the user is one of the établissement's referents."""
    return isinstance(user, User) and user.is_active and establishment.referents.filter(pk=user.pk).exists()


def _establishment_abilities(user: Viewer, establishment: Establishment) -> dict[str, Any]:
    from mutualis.education.selectors.establishments import establishment_list

    manage = can_manage_education(user)
    referent = is_referent(user, establishment)
    return {
        "view": manage or establishment_list(user=user).filter(pk=establishment.pk).exists(),
        "update": manage,
        "delete": False,
        "manage_referents": manage,
        "assign": manage or referent,
    }


def _subscription_abilities(user: Viewer, subscription: Subscription) -> dict[str, Any]:
    from mutualis.education.selectors.resources import subscription_list

    manage = can_manage_education(user)
    return {
        "view": manage or subscription_list(user=user).filter(pk=subscription.pk).exists(),
        "update": manage,
        "delete": False,
        "assign": manage or is_referent(user, subscription.establishment),
    }


def get_abilities(user: Viewer, obj: Any) -> dict[str, Any]:
    """What the user may do with an education object (every key present, False when denied)."""
    if isinstance(obj, Establishment):
        return _establishment_abilities(user, obj)
    if isinstance(obj, Subscription):
        return _subscription_abilities(user, obj)
    if isinstance(obj, Assignment):
        assign = _subscription_abilities(user, obj.subscription)["assign"]
        return {"view": assign, "update": False, "delete": assign}
    if isinstance(obj, Loan):
        from mutualis.education.selectors.loans import loan_list

        manage = can_manage_education(user)
        return {
            "view": manage or loan_list(user=user).filter(pk=obj.pk).exists(),
            "update": False,
            "delete": False,
            "return": manage and obj.status == LoanStatus.ONGOING,
        }
    if isinstance(obj, CrisisCampaign):
        manage = can_manage_education(user) and obj.status == CampaignStatus.OPEN
        return {"view": True, "update": manage, "delete": False, "allocate": manage, "deliver": manage}
    if isinstance(obj, InclusionProgramme):
        return {"view": True, "update": can_manage_education(user), "delete": False}
    if isinstance(obj, ProjectCall):
        from mutualis.education.selectors.projects import applicable_establishments

        manage = can_manage_education(user)
        can_apply = applicable_establishments(user=user, call=obj, manage=manage).exists()
        return {"view": True, "update": manage, "delete": False, "apply": can_apply}
    if isinstance(obj, Application):
        from mutualis.education.selectors.projects import application_list

        manage = can_manage_education(user)
        selected = obj.status == ApplicationStatus.SELECTED
        return {
            "view": manage or application_list(user=user).filter(pk=obj.pk).exists(),
            "update": False,
            "delete": False,
            "decide": manage,
            "lend_kit": manage and selected,
            "outcome": selected and (manage or is_referent(user, obj.establishment)),
        }
    if isinstance(obj, Resource):
        manage = can_manage_education(user)
        return {"view": True, "update": manage, "delete": False, "subscribe": manage}
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")

"""Abilities on the fibre objects: one dict per object drives the buttons shown and the API permissions.

The deployment is territorial, mostly public data: everyone reads plans and progress. Network officers (and
administrators, who hold every staff role) keep the plan, the PM zones and import the operator's files; other
operator staff read everything; a member's users read the PM zones of their communes.
"""

from typing import Any

from mutualis.accounts.types import User, Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.fibre.choices import PM_ZONE_TRANSITIONS
from mutualis.fibre.models import DeploymentPlan, FibreImport, PMZone

PLAN_ABILITIES = ("view", "update", "delete", "set_target", "add_pm_zone")
PM_ZONE_ABILITIES = ("view", "update", "delete", "transition")


def can_manage_fibre(user: Viewer) -> bool:
    """Network officers and administrators keep the plan and import the operator's files."""
    return isinstance(user, User) and is_operator_staff(user) and user.has_staff_role("network_officer")


def _plan_abilities(user: Viewer, plan: DeploymentPlan) -> dict[str, Any]:
    manage = can_manage_fibre(user)
    return {"view": True, "update": manage, "delete": False, "set_target": manage, "add_pm_zone": manage}


def _pm_zone_abilities(user: Viewer, zone: PMZone) -> dict[str, Any]:
    from mutualis.fibre.selectors.plans import pm_zone_list

    manage = can_manage_fibre(user)
    allowed = sorted(PM_ZONE_TRANSITIONS.get(zone.state, set())) if manage else []
    return {
        "view": is_operator_staff(user) or pm_zone_list(user=user).filter(pk=zone.pk).exists(),
        "update": manage,
        "delete": False,
        "transition": bool(allowed),
        "transitions": allowed,
    }


def get_abilities(user: Viewer, obj: Any) -> dict[str, Any]:
    """What the user may do with a fibre object (every key present, False when denied)."""
    if isinstance(obj, DeploymentPlan):
        return _plan_abilities(user, obj)
    if isinstance(obj, PMZone):
        return _pm_zone_abilities(user, obj)
    if isinstance(obj, FibreImport):
        return {"view": is_operator_staff(user), "update": False, "delete": False}
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")

"""Abilities on the charging objects: one dict per object drives the buttons shown and the API permissions.

Network officers (« chargés des réseaux », and administrators, who hold every staff role) keep the registry of
stations, charge points and badges and send commands to the charge points; other operator staff read everything;
a member's users read their own stations, sessions and badges (through the selectors' scoping). The public sees
published stations and their live availability only, through the public selectors.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mutualis.accounts.types import User, Viewer
from mutualis.charging.models import ChargePoint, ChargingSession, Command, IdTag, Station
from mutualis.core.permissions import is_operator_staff


def can_manage_charging(user: Viewer | None) -> bool:
    """Network officers and administrators keep the charging registry and command the charge points."""
    return isinstance(user, User) and is_operator_staff(user) and user.has_staff_role("network_officer")


def require_charging_manager(user: User | None) -> None:
    """Refuse (PermissionDenied, in French) anyone but a network officer or an administrator; None is the system
    itself (the gateway, a task)."""
    if user is not None and not can_manage_charging(user):
        raise PermissionDenied(_("Seuls les chargés des réseaux de l'opérateur gèrent les bornes de recharge."))


def get_abilities(user: Viewer, obj: Any) -> dict[str, Any]:
    """What the user may do with a charging object (every key present, False when denied); `view` assumes the
    object came from a selector scoped by the same user."""
    manage = can_manage_charging(user)
    if isinstance(obj, Station):
        return {"view": True, "update": manage, "delete": False, "add_charge_point": manage, "set_power_cap": manage}
    if isinstance(obj, ChargePoint):
        return {
            "view": True,
            "update": manage,
            "delete": False,
            "command": manage and obj.is_active,
            "set_password": manage,
        }
    if isinstance(obj, IdTag):
        return {"view": True, "update": manage, "delete": False}
    if isinstance(obj, ChargingSession):
        return {"view": True, "update": False, "delete": False, "stop": manage and obj.status == "active"}
    if isinstance(obj, Command):
        return {"view": True, "update": False, "delete": False}
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")

"""Abilities on assets: readers and all staff view; members' agents and managers, purchasing officers and
administrators change status and site."""

from typing import Any

from mutualis.accounts.types import Viewer
from mutualis.assets.choices import ASSET_TRANSITIONS
from mutualis.assets.models import Asset
from mutualis.members.choices import MemberRole
from mutualis.members.selectors import member_role

ASSET_ABILITIES = ("view", "update", "transition", "move", "retire")


def _staff_manager(user: Viewer) -> bool:
    return bool(getattr(user, "is_operator_staff", False) and user.has_staff_role("purchasing_officer"))


def get_abilities(user: Viewer, obj: Asset) -> dict[str, Any]:
    """What the user may do with the asset; `transitions` lists the statuses it may be moved to."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(ASSET_ABILITIES, False) | {"transitions": []}
    staff = bool(getattr(user, "is_operator_staff", False))
    role = None if staff else member_role(user=user, member=obj.member)
    manage = _staff_manager(user) or role in {MemberRole.AGENT, MemberRole.MANAGER}
    allowed = sorted(ASSET_TRANSITIONS.get(obj.status, set())) if manage else []
    return {
        "view": staff or role is not None,
        "update": False,
        "transition": bool(allowed),
        "move": manage and obj.status != "retired",
        "retire": "retired" in allowed,
        "transitions": allowed,
    }

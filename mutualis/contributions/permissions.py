"""Abilities on contributions: staff read everything, administrators set rates, issue and cancel calls."""

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.types import Viewer
from mutualis.contributions.choices import CALL_TRANSITIONS, CallStatus
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.core.permissions import is_operator_staff


def is_administrator(user: Viewer) -> bool:
    """Operator administrators own the rate table and the issuing of calls."""
    return is_operator_staff(user) and user.staff_role == StaffRole.ADMINISTRATOR


def get_abilities(user: Viewer, obj: ContributionCall | ContributionRate | None = None) -> dict[str, bool]:
    """What the user may do on a call, a rate, or (obj=None) the contributions back-office as a whole."""
    staff, admin = is_operator_staff(user), is_administrator(user)
    if isinstance(obj, ContributionCall):
        view = staff or ContributionCall.objects.visible_to(user).filter(pk=obj.pk).exists()
        can_cancel = admin and CallStatus.CANCELLED in CALL_TRANSITIONS[obj.status]
        return {"view": bool(view), "print": bool(view), "cancel": can_cancel, "update": False, "delete": False}
    if isinstance(obj, ContributionRate):
        return {"view": staff, "update": admin, "delete": False}
    return {"view_all": staff, "export": staff, "view_rates": staff, "set_rates": admin, "issue": admin}

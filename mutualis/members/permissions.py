"""Abilities on members, sites and memberships: one dict per object drives the buttons shown and the API.

Operator administrators manage everything; other staff roles see every member but change nothing here. In a
member, readers only read, agents also create and edit sites, managers also manage the member's users.
"""

from typing import Any

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.types import Viewer
from mutualis.members import selectors
from mutualis.members.choices import MEMBER_TRANSITIONS, OPEN_STATUSES, MemberRole, MemberStatus
from mutualis.members.models import Member, Membership, MembershipInvitation, MembershipRequest, Site

MEMBER_ABILITIES = (
    "view",
    "update",
    "transition",
    "manage_competences",
    "invite_users",
    "manage_users",
    "create_site",
    "view_audit",
)
SITE_ABILITIES = ("view", "update", "deactivate", "reactivate")
MEMBERSHIP_ABILITIES = ("view", "change_role", "remove")
INVITATION_ABILITIES = ("view", "answer", "cancel")
JOIN_REQUEST_ABILITIES = ("view", "decide")


def is_administrator(user: Viewer) -> bool:
    """An operator administrator (full rights on members)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "staff_role", "") == StaffRole.ADMINISTRATOR)


def can_create_member(user: Viewer) -> bool:
    """Only operator administrators record new members."""
    return is_administrator(user)


def _role(user: Viewer, member: Member) -> str | None:
    return selectors.member_role(user=user, member=member)


def _member_abilities(user: Viewer, member: Member) -> dict[str, bool]:
    staff = bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator_staff", False))
    admin = is_administrator(user)
    role = _role(user, member)
    is_open = member.status in OPEN_STATUSES
    return {
        "view": staff or role is not None,
        "update": admin,
        "transition": admin and bool(MEMBER_TRANSITIONS.get(member.status)),
        "manage_competences": admin,
        "invite_users": is_open and (admin or role == MemberRole.MANAGER),
        "manage_users": admin or role == MemberRole.MANAGER,
        "create_site": is_open and (admin or role in {MemberRole.AGENT, MemberRole.MANAGER}),
        "view_audit": staff,
    }


def _site_abilities(user: Viewer, site: Site) -> dict[str, bool]:
    member_abilities = _member_abilities(user, site.member)
    admin = is_administrator(user)
    role = _role(user, site.member)
    return {
        "view": member_abilities["view"],
        "update": admin or role in {MemberRole.AGENT, MemberRole.MANAGER},
        "deactivate": admin or role == MemberRole.MANAGER,
        "reactivate": site.member.status in OPEN_STATUSES and (admin or role == MemberRole.MANAGER),
    }


def _membership_abilities(user: Viewer, membership: Membership) -> dict[str, bool]:
    member_abilities = _member_abilities(user, membership.member)
    return {
        "view": member_abilities["view"],
        "change_role": member_abilities["manage_users"],
        "remove": member_abilities["manage_users"],
    }


def _invitation_abilities(user: Viewer, invitation: MembershipInvitation) -> dict[str, bool]:
    # Only the invited account answers; the member's managers (and administrators) may withdraw it.
    member_abilities = _member_abilities(user, invitation.member)
    invitee = bool(getattr(user, "is_authenticated", False)) and getattr(user, "pk", None) == invitation.user_id
    return {
        "view": invitee or member_abilities["view"],
        "answer": invitee,
        "cancel": member_abilities["manage_users"],
    }


def _join_request_abilities(user: Viewer, join_request: MembershipRequest) -> dict[str, bool]:
    # The member's managers (and administrators) decide; the requester sees no member data until then.
    member_abilities = _member_abilities(user, join_request.member)
    return {
        "view": member_abilities["manage_users"],
        "decide": member_abilities["manage_users"] and join_request.is_pending,
    }


def get_abilities(user: Viewer, obj: Any) -> dict[str, bool]:
    """What the user may do with a Member, Site, Membership, MembershipInvitation or MembershipRequest (every key present, False when
    denied)."""
    if isinstance(obj, Member):
        return _member_abilities(user, obj)
    if isinstance(obj, Site):
        return _site_abilities(user, obj)
    if isinstance(obj, Membership):
        return _membership_abilities(user, obj)
    if isinstance(obj, MembershipInvitation):
        return _invitation_abilities(user, obj)
    if isinstance(obj, MembershipRequest):
        return _join_request_abilities(user, obj)
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")


def allowed_transitions(user: Viewer, member: Member) -> list[str]:
    """Statuses the user may move the member to now (empty unless they hold the transition ability)."""
    if not get_abilities(user, member)["transition"]:
        return []
    targets = MEMBER_TRANSITIONS[member.status]
    return [status for status in MemberStatus.values if status in targets]

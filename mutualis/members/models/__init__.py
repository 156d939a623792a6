from mutualis.members.models.adhesion import AdhesionRequest
from mutualis.members.models.invitation import InvitationStatus, MembershipInvitation
from mutualis.members.models.join_request import JoinRequestStatus, MembershipRequest
from mutualis.members.models.member import CompetenceTransfer, Member, MemberStatusChange
from mutualis.members.models.membership import Membership
from mutualis.members.models.site import Site

__all__ = [
    "AdhesionRequest",
    "CompetenceTransfer",
    "InvitationStatus",
    "JoinRequestStatus",
    "Member",
    "MemberStatusChange",
    "Membership",
    "MembershipInvitation",
    "MembershipRequest",
    "Site",
]

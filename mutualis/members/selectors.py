"""Reads of member data, always scoped by the user: operator staff see every member, a member's user only theirs.

Another member's object is reported as missing (Http404), never as forbidden: its existence is not disclosed.
Member-owned rows are read through `Model.objects.visible_to(user)` (core.scoping), which calls `member_ids_for`.
"""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer, signed_in
from mutualis.core.collation import french
from mutualis.core.validation import parse_id
from mutualis.members.choices import OPEN_STATUSES, MemberRole, MemberStatus
from mutualis.members.models import (
    AdhesionRequest,
    CompetenceTransfer,
    InvitationStatus,
    JoinRequestStatus,
    Member,
    Membership,
    MembershipInvitation,
    MembershipRequest,
    MemberStatusChange,
    Site,
)


def _is_staff(user: Viewer) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator_staff", False))


def _visible_members(user: Viewer) -> QuerySet[Member]:
    account = signed_in(user)
    if account is None:
        return Member.objects.none()
    if account.is_operator_staff:
        return Member.objects.all()
    return Member.objects.filter(id__in=Membership.objects.filter(user=account).values("member_id"))


def member_ids_for(user: Viewer) -> QuerySet:
    """Ids of the members whose data the user may read (a subquery: use it with `member_id__in=`)."""
    return _visible_members(user).values("pk")


def member_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Member]:
    """Members the user may see, with their département and intercommunality; optionally filtered (MemberFilter)."""
    qs = _visible_members(user).select_related("departement", "intercommunality").prefetch_related("communes")
    if filters:
        from mutualis.members.filters import MemberFilter

        qs = MemberFilter(filters, queryset=qs).qs
    return qs.order_by(french("name"), "pk")


def member_for_siren(*, siren: str) -> Member | None:
    """The open member (requested, approved or active) with this SIREN, or None: how the platform recognises an
    agent's structure from the SIRET ProConnect gives, before the agent has any account or role."""
    if not siren:
        return None
    return Member.objects.filter(siren=siren, status__in=OPEN_STATUSES).order_by("pk").first()


def member_get(*, user: Viewer, pk: Any) -> Member:
    """One member the user may see, or Http404."""
    member = member_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if member is None:
        raise Http404
    return member


def user_member_list(*, user: Viewer) -> QuerySet[Member]:
    """The members the user belongs to (their member space), whatever their staff role."""
    account = signed_in(user)
    if account is None:
        return Member.objects.none()
    return Member.objects.filter(memberships__user=account).select_related("departement").order_by(french("name"), "pk")


def member_role(*, user: Viewer, member: Member) -> str | None:
    """The user's role in the member (reader, agent, manager), or None."""
    account = signed_in(user)
    if account is None:
        return None
    return Membership.objects.filter(user=account, member=member).values_list("role", flat=True).first()


def competence_list(*, user: Viewer, member: Member) -> QuerySet[CompetenceTransfer]:
    """The member's competence transfers, current and past (empty if the user may not see the member)."""
    return CompetenceTransfer.objects.visible_to(user).filter(member=member).order_by("competence", "start_date")


def competence_get(*, user: Viewer, pk: Any) -> CompetenceTransfer:
    """One competence transfer of a member the user may see, or Http404."""
    transfer = (
        CompetenceTransfer.objects.visible_to(user).filter(pk=pk).select_related("member").first()
        if parse_id(pk)
        else None
    )
    if transfer is None:
        raise Http404
    return transfer


def status_change_list(*, user: Viewer, member: Member) -> QuerySet[MemberStatusChange]:
    """The member's adhésion steps, oldest first."""
    return MemberStatusChange.objects.visible_to(user).filter(member=member).select_related("acting_user")


def adhesion_request_list(*, user: Viewer, member: Member) -> QuerySet[AdhesionRequest]:
    """The member's online adhésion requests, newest first (operator staff only: they hold the requester's contact)."""
    if not _is_staff(user):
        return AdhesionRequest.objects.none()
    return AdhesionRequest.objects.visible_to(user).filter(member=member).order_by("-created_at")


def site_list(*, user: Viewer, member: Member | None = None, filters: dict[str, Any] | None = None) -> QuerySet[Site]:
    """Sites of the members the user may see (of one member if given); optionally filtered (SiteFilter)."""
    qs = Site.objects.visible_to(user).select_related("member", "commune")
    if member is not None:
        qs = qs.filter(member=member)
    if filters:
        from mutualis.members.filters import SiteFilter

        qs = SiteFilter(filters, queryset=qs).qs
    return qs.order_by(french("member__name"), french("name"), "pk")


def site_get(*, user: Viewer, pk: Any) -> Site:
    """One site of a member the user may see, or Http404."""
    site = site_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if site is None:
        raise Http404
    return site


def membership_list(*, user: Viewer, member: Member) -> QuerySet[Membership]:
    """The users of a member with their roles (empty if the user may not see the member)."""
    return (
        Membership.objects.visible_to(user)
        .filter(member=member)
        .select_related("user", "member")
        .order_by(french("user__last_name"), french("user__first_name"), "user__email")
    )


def membership_get(*, user: Viewer, pk: Any) -> Membership:
    """One membership of a member the user may see, or Http404."""
    membership = (
        Membership.objects.visible_to(user).filter(pk=pk).select_related("user", "member").first()
        if parse_id(pk)
        else None
    )
    if membership is None:
        raise Http404
    return membership


def invitation_list(*, user: Viewer, member: Member) -> QuerySet[MembershipInvitation]:
    """The member's invitations still waiting for an answer (empty if the user may not see the member)."""
    return (
        MembershipInvitation.objects.visible_to(user)
        .filter(member=member, status=InvitationStatus.PENDING)
        .select_related("user", "invited_by", "member")
    )


def join_request_list(*, user: Viewer, member: Member) -> QuerySet[MembershipRequest]:
    """The member's requests to join still waiting for a manager (empty if the user may not see the member)."""
    return (
        MembershipRequest.objects.visible_to(user)
        .filter(member=member, status=JoinRequestStatus.PENDING)
        .select_related("user", "member")
    )


def join_request_get(*, user: Viewer, pk: Any) -> MembershipRequest:
    """One request to join a member the user may see, or Http404."""
    if not parse_id(pk):
        raise Http404
    join_request = MembershipRequest.objects.visible_to(user).filter(pk=pk).select_related("member", "user").first()
    if join_request is None:
        raise Http404
    return join_request


def join_requests_sent(*, user: Viewer) -> QuerySet[MembershipRequest]:
    """The account's own requests to join a member still waiting, newest first (none for an anonymous visitor)."""
    account = signed_in(user)
    if account is None:
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.filter(user=account, status=JoinRequestStatus.PENDING).select_related("member")


def invitations_received(*, user: Viewer) -> QuerySet[MembershipInvitation]:
    """The invitations waiting for this account's answer, newest first (none for an anonymous visitor)."""
    account = signed_in(user)
    if account is None:
        return MembershipInvitation.objects.none()
    return MembershipInvitation.objects.filter(user=account, status=InvitationStatus.PENDING).select_related(
        "member", "invited_by"
    )


def invitation_get(*, user: Viewer, pk: Any) -> MembershipInvitation:
    """One invitation the user may see (addressed to them, or of a member they may see), or Http404."""
    account = signed_in(user)
    if account is None or not parse_id(pk):
        raise Http404
    visible = MembershipInvitation.objects.visible_to(account) | MembershipInvitation.objects.filter(user=account)
    invitation = visible.filter(pk=pk).select_related("member", "user", "invited_by").first()
    if invitation is None:
        raise Http404
    return invitation


def commune_members(*, user: Viewer, commune: Any) -> list[dict[str, Any]]:
    """Members present in a commune, as the viewer may see them, each with the sites there the viewer may see.

    Public visitors see the active members linked to the commune or having a public site there (« Site visible du
    public », in service), with those public sites only; operator staff see every member linked to it or having a
    site there, with all those sites; a member's user sees what the public sees and, for their own members, all
    their sites in the commune.
    """
    staff = _is_staff(user)
    own_ids = set() if staff else set(Member.objects.visible_to(user).values_list("pk", flat=True))
    present = Member.objects.filter(Q(communes=commune) | Q(sites__commune=commune)).values("pk")
    members = Member.objects.filter(pk__in=present)
    if not staff:
        public_sites = Site.objects.filter(commune=commune, is_public=True, is_active=True).values("member_id")
        linked = Member.objects.filter(communes=commune).values("pk")
        public = Q(status=MemberStatus.ACTIVE) & (Q(pk__in=linked) | Q(pk__in=public_sites))
        members = members.filter(public | Q(pk__in=own_ids))
    sites = Site.objects.filter(commune=commune).order_by(french("name"), "pk")
    members = members.prefetch_related(Prefetch("sites", queryset=sites, to_attr="commune_sites"))
    members = members.order_by(french("name"), "pk")
    return [
        {
            "member": member,
            "own": staff or member.pk in own_ids,
            "sites": (
                member.commune_sites
                if staff or member.pk in own_ids
                else [site for site in member.commune_sites if site.is_public and site.is_active]
            ),
        }
        for member in members
    ]


def managers_count(*, member: Member) -> int:
    """How many managers the member has (the last one cannot leave)."""
    return Membership.objects.filter(member=member, role=MemberRole.MANAGER).count()

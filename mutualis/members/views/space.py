"""The member space ("Espace adhérent"): identity, competences, sites, users and services of one member."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.members import offers, selectors
from mutualis.members.choices import MemberRole
from mutualis.members.forms import InviteForm
from mutualis.members.models import Member
from mutualis.members.permissions import get_abilities


def member_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    """What the member space and the back-office detail both show about a member."""
    user = request.user
    sites = selectors.site_list(user=user, member=member)
    memberships = selectors.membership_list(user=user, member=member)
    role = selectors.member_role(user=user, member=member)
    return {
        "member": member,
        "abilities": get_abilities(user, member),
        "role": role,
        "role_label": MemberRole(role).label if role else "",
        "role_choices": MemberRole.choices,
        "communes": member.communes.order_by(french("name"), "pk"),
        "competences": selectors.competence_list(user=user, member=member),
        "sites": [(site, get_abilities(user, site)) for site in sites],
        "memberships": [(membership, get_abilities(user, membership)) for membership in memberships],
        "invitations": selectors.invitation_list(user=user, member=member),
        "join_requests": selectors.join_request_list(user=user, member=member),
        "services": offers.member_offered_services(member),
        "all_services": offers.SERVICES,
        "invite_form": InviteForm(),
    }


@login_required
def space_view(request: HttpRequest) -> HttpResponse:
    """/espace/: the user's member space, or a chooser when they belong to several members."""
    members = list(selectors.user_member_list(user=request.user))
    if len(members) == 1:
        context = member_context(request, members[0])
        return render(request, "members/space.html", context)
    if not members and is_operator_staff(request.user):
        return redirect("members:backoffice_member_list")
    return render(request, "members/space_chooser.html", {"members": members})


@login_required
def space_member_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """/espace/<id>/: the space of one of the user's members (another member's answers 404)."""
    member = selectors.member_get(user=request.user, pk=member_id)
    several = selectors.user_member_list(user=request.user).count() > 1
    context = member_context(request, member) | {"several": several}
    return render(request, "members/space.html", context)

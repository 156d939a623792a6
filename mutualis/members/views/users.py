"""Users of a member: a manager (or an administrator) invites, changes roles and removes them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.forms import apply_service_errors
from mutualis.members import selectors, services
from mutualis.members.forms import InviteForm, RoleForm
from mutualis.members.permissions import get_abilities
from mutualis.members.views._helpers import member_home_url, require


@login_required
def membership_invite_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """Invite someone by e-mail; the set-password link of a new account is shown once to the inviter."""
    member = selectors.member_get(user=request.user, pk=member_id)
    require(get_abilities(request.user, member), "invite_users")
    form = InviteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.membership_invite(member=member, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                context = {
                    "member": member,
                    "invitation": invitation,
                    "back_url": member_home_url(request.user, member),
                }
                return render(request, "members/membership_invited.html", context)
        status = 400
    return render(request, "members/membership_invite.html", {"form": form, "member": member}, status=status)


@login_required
@require_POST
def membership_change_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a user another role in the member (the last manager keeps theirs)."""
    membership = selectors.membership_get(user=request.user, pk=pk)
    require(get_abilities(request.user, membership), "change_role")
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], acting_user=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(user)s est désormais « %(role)s ».")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect(member_home_url(request.user, membership.member))
    context = {"form": form, "membership": membership, "member": membership.member}
    return render(request, "members/membership_role.html", context, status=400)


@login_required
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a user from the member, after a confirmation page (never the last manager)."""
    membership = selectors.membership_get(user=request.user, pk=pk)
    require(get_abilities(request.user, membership), "remove")
    error, status = "", 200
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, acting_user=request.user)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(
                request,
                _("%(user)s ne fait plus partie de %(member)s.")
                % {"user": membership.user, "member": membership.member},
            )
            if membership.user_id == request.user.pk:
                return redirect("members:space")
            return redirect(member_home_url(request.user, membership.member))
    context = {"membership": membership, "member": membership.member, "error": error}
    return render(request, "members/membership_remove.html", context, status=status)

"""Users of a member: a manager (or an administrator) invites, changes roles and removes them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_page, form_status, submit_form
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

    def invite() -> HttpResponse:
        invitation = services.membership_invite(member=member, acting_user=request.user, **form.cleaned_data)
        context = {"member": member, "invitation": invitation, "back_url": member_home_url(request.user, member)}
        return render(request, "members/membership_invited.html", context)

    return form_page(
        request, form, template="members/membership_invite.html", on_valid=invite, context={"member": member}
    )


@login_required
@require_POST
def membership_change_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a user another role in the member (the last manager keeps theirs)."""
    membership = selectors.membership_get(user=request.user, pk=pk)
    require(get_abilities(request.user, membership), "change_role")
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")

    def change() -> HttpResponse:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"], acting_user=request.user)
        messages.success(
            request,
            _("%(user)s est désormais « %(role)s ».")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
        return redirect(member_home_url(request.user, membership.member))

    return form_page(
        request,
        form,
        template="members/membership_role.html",
        on_valid=change,
        context={"membership": membership, "member": membership.member},
    )


@login_required
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a user from the member, after a confirmation page (never the last manager)."""
    membership = selectors.membership_get(user=request.user, pk=pk)
    require(get_abilities(request.user, membership), "remove")
    form = forms.Form(request.POST if request.method == "POST" else None)

    def remove() -> HttpResponse:
        services.membership_remove(membership=membership, acting_user=request.user)
        messages.success(
            request,
            _("%(user)s ne fait plus partie de %(member)s.") % {"user": membership.user, "member": membership.member},
        )
        if membership.user_id == request.user.pk:
            return redirect("members:space")
        return redirect(member_home_url(request.user, membership.member))

    if response := submit_form(request, form, remove):
        return response
    error = " ".join(form.non_field_errors())
    context = {"membership": membership, "member": membership.member, "error": error}
    return render(request, "members/membership_remove.html", context, status=form_status(request, form))

"""Users of a member: a manager (or an administrator) invites, changes roles and removes them; an account already in
use answers its invitations."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.members import selectors, services
from mutualis.members.forms import InviteForm, JoinRequestApproveForm, RoleForm
from mutualis.members.models import Member, MembershipInvitation
from mutualis.members.permissions import get_abilities
from mutualis.members.services import memberships
from mutualis.members.views._helpers import member_home_url, require, staff_required


def _invite(request: HttpRequest, member: Member, *, backoffice: bool) -> HttpResponse:
    """The invitation form and its outcome, in the member space or in the back-office (where errors stay)."""
    require(get_abilities(request.user, member), "invite_users")
    # A link may pre-fill the form (e.g. the requester of an online adhésion as its first manager).
    prefill = {name: request.GET[name] for name in InviteForm.base_fields if name in request.GET}
    form = InviteForm(request.POST if request.method == "POST" else None, initial=prefill)
    back_url = (
        reverse("members:backoffice_member_detail", args=[member.pk])
        if backoffice
        else member_home_url(request.user, member)
    )
    context = {"member": member, "backoffice": backoffice, "back_url": back_url}

    def invite() -> HttpResponse:
        invitation = services.membership_invite(member=member, acting_user=request.user, **form.cleaned_data)
        return render(request, "members/membership_invited.html", context | {"invitation": invitation})

    return form_page(request, form, template="members/membership_invite.html", on_valid=invite, context=context)


@login_required
def membership_invite_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """Invite someone by e-mail; the set-password link of a new account is shown once to the inviter."""
    member = selectors.member_get(user=request.user, pk=member_id)
    return _invite(request, member, backoffice=False)


@staff_required
def backoffice_membership_invite_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """The same invitation from the back-office member page: an invalid one comes back in the back-office."""
    member = selectors.member_get(user=request.user, pk=member_id)
    return _invite(request, member, backoffice=True)


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


# --- invitations of accounts already in use --------------------------------------------------------------------


def invitations_panel(user: Any, request: HttpRequest) -> str:
    """« Mon compte »: the invitations waiting for this account's answer, with Accepter / Refuser ("" when none).
    Registered in MembersConfig.ready (core.panels), so that accounts imports no members code."""
    invitations = list(selectors.invitations_received(user=user))
    if not invitations:
        return ""
    return render_to_string("members/membership_invitations.html", {"invitations": invitations}, request=request)


def _invitation_page(
    request: HttpRequest,
    pk: int,
    ability: str,
    action: Callable[[MembershipInvitation], HttpResponse] | None = None,
) -> HttpResponse:
    """An invitation's page; on POST, `action` (a service call) — its refusal is shown on the page, with 400."""
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    abilities = get_abilities(request.user, invitation)
    require(abilities, ability)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if action is not None and (response := submit_form(request, form, lambda: action(invitation))):
        return response
    context = {
        "invitation": invitation,
        "abilities": abilities,
        "error": " ".join(form.non_field_errors()),
        "back_url": member_home_url(request.user, invitation.member),
    }
    return render(request, "members/membership_invitation.html", context, status=form_status(request, form))


@login_required
def invitation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One invitation: the invited account answers it; the member's managers see it and may withdraw it."""
    return _invitation_page(request, pk, "view")


@login_required
@require_POST
def invitation_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited account accepts: it joins the member and lands on its space."""

    def accept(invitation: MembershipInvitation) -> HttpResponse:
        membership = memberships.invitation_accept(invitation=invitation, acting_user=request.user)
        messages.success(
            request,
            _("Vous avez rejoint %(member)s avec le rôle « %(role)s ».")
            % {"member": membership.member.name, "role": membership.get_role_display()},
        )
        return redirect("members:space_member", member_id=membership.member_id)

    return _invitation_page(request, pk, "answer", accept)


@login_required
@require_POST
def invitation_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited account declines: no role, and the inviter is told."""

    def decline(invitation: MembershipInvitation) -> HttpResponse:
        memberships.invitation_decline(invitation=invitation, acting_user=request.user)
        messages.success(request, _("Invitation à rejoindre %(member)s refusée.") % {"member": invitation.member.name})
        return redirect("accounts:profile")

    return _invitation_page(request, pk, "answer", decline)


@login_required
@require_POST
def invitation_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager (or an administrator) withdraws an invitation still waiting for its answer."""

    def cancel(invitation: MembershipInvitation) -> HttpResponse:
        memberships.invitation_cancel(invitation=invitation, acting_user=request.user)
        messages.success(request, _("Invitation de %(email)s annulée.") % {"email": invitation.user.email})
        return redirect(member_home_url(request.user, invitation.member))

    return _invitation_page(request, pk, "cancel", cancel)


# --- requests to join, decided by the member's managers ----------------------------------------------------------


def _join_request_decision(
    request: HttpRequest, pk: int, decide: Callable[[Any], HttpResponse], form: forms.Form
) -> HttpResponse:
    """Approve or refuse a request (POST from « Utilisateurs »); a refusal of the service comes back as a message."""
    join_request = selectors.join_request_get(user=request.user, pk=pk)
    require(get_abilities(request.user, join_request), "decide")
    back = redirect(member_home_url(request.user, join_request.member))
    if response := submit_form(request, form, lambda: decide(join_request)):
        return response
    for error in form.non_field_errors() + [e for errors in form.errors.values() for e in errors]:
        messages.error(request, error)
    return back


@login_required
@require_POST
def join_request_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager approves a request to join, with the role chosen (reader by default)."""
    form = JoinRequestApproveForm(request.POST, prefix=f"r{pk}")

    def approve(join_request: Any) -> HttpResponse:
        membership = memberships.membership_request_approve(
            join_request=join_request, role=form.cleaned_data["role"], acting_user=request.user
        )
        messages.success(
            request,
            _("%(user)s fait désormais partie de %(member)s (« %(role)s »).")
            % {"user": membership.user, "member": membership.member.name, "role": membership.get_role_display()},
        )
        return redirect(member_home_url(request.user, membership.member))

    return _join_request_decision(request, pk, approve, form)


@login_required
@require_POST
def join_request_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager refuses a request to join: the account gets no role."""
    form = forms.Form(request.POST)

    def refuse(join_request: Any) -> HttpResponse:
        memberships.membership_request_refuse(join_request=join_request, acting_user=request.user)
        messages.success(request, _("Demande de %(email)s refusée.") % {"email": join_request.user.email})
        return redirect(member_home_url(request.user, join_request.member))

    return _join_request_decision(request, pk, refuse, form)

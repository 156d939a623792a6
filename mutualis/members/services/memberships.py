"""Memberships: the users of a member and their role; invitations by e-mail, which an account already in use
answers (accept or decline) before it gets the role."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from mutualis.accounts.models import User
from mutualis.accounts.services import user_create, validate_user_names
from mutualis.core.services import audit_record, notification_emails_suppressed, notify
from mutualis.core.validation import Errors
from mutualis.members.choices import OPEN_STATUSES, MemberRole
from mutualis.members.models import (
    InvitationStatus,
    JoinRequestStatus,
    Member,
    Membership,
    MembershipInvitation,
    MembershipRequest,
)
from mutualis.members.names import of_member, with_article
from mutualis.members.services._common import authenticated_or_none


@dataclass(frozen=True)
class Invitation:
    """The outcome of an invitation: the membership given at once to an account that accepts by choosing its
    password, or the invitation waiting for the answer of an account already in use; the set-password link when
    this invitation created the account."""

    user: User
    role: str
    membership: Membership | None
    pending: MembershipInvitation | None
    user_created: bool
    set_password_url: str

    @property
    def role_label(self) -> str:
        """The role, in French."""
        return str(MemberRole(self.role).label)


def set_password_url(user: User) -> str:
    """Absolute link to choose a password (Django's reset token: it stops working once the password is set)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _absolute(reverse("accounts:set_password", args=[uidb64, token]))


def _absolute(path: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + path


def invitation_needs_answer(user: User) -> bool:
    """An account already in use (it has a password) accepts or declines an invitation before it gets a role, so
    that nobody is made a member's manager without knowing; an account the invitation creates, or one never
    activated, accepts by choosing its password (it cannot sign in before)."""
    return user.has_usable_password()


def _check_role(role: str, errors: Errors) -> None:
    if role not in MemberRole.values:
        errors.add("role", _("Rôle inconnu."))


def _check_joinable(member: Member, user: User, errors: Errors) -> None:
    """The account may become a user of the member: not an operator account, not already in it."""
    if user.is_operator_staff:
        errors.add("email", _("Un compte de l'opérateur ne peut pas être rattaché à un adhérent."))
    elif Membership.objects.filter(member=member, user=user).exists():
        errors.add("email", _("Cette personne fait déjà partie de %(member)s.") % {"member": member.name})


def _membership_create(
    *, member: Member, user: User, role: str, invited_by: User | None, acting_user: User | None
) -> Membership:
    errors = Errors()
    _check_role(role, errors)
    _check_joinable(member, user, errors)
    errors.raise_if_any()
    membership = Membership(member=member, user=user, role=role, invited_by=invited_by)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=acting_user,
        action="membership.add",
        obj=membership,
        member_id=member.pk,
        after={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_add(*, member: Member, user: User, role: str, acting_user: User | None) -> Membership:
    """Give an existing account a role in the member at once (scripts and the demo; people are invited:
    see membership_invite)."""
    invited_by = authenticated_or_none(acting_user)
    return _membership_create(member=member, user=user, role=role, invited_by=invited_by, acting_user=acting_user)


@transaction.atomic
def membership_invite(
    *, member: Member, email: str, role: str, acting_user: User, first_name: str = "", last_name: str = ""
) -> Invitation:
    """Invite someone by e-mail to the member with a role, creating the account (with the name given) if needed.

    A new account gets the role at once and accepts by choosing its password; an account already in use gets an
    invitation to accept or decline (invitation_needs_answer), and keeps its own name. The e-mail is sent inside
    the transaction, last: if the mail server refuses it, nothing is kept and the manager can simply try again.
    The set-password link is only issued for an account this invitation created, so that no manager can ever
    obtain a link to take over somebody else's account.
    """
    errors = Errors()
    email = User.objects.normalize_email((email or "").strip()).lower()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", _("Saisissez une adresse électronique valide."))
    if member.status not in OPEN_STATUSES:
        errors.add(None, _("On n'invite personne chez un adhérent retiré ou refusé."))
    _check_role(role, errors)
    errors.check(validate_user_names, first_name=first_name, last_name=last_name)
    errors.raise_if_any()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = user_create(email=email, first_name=first_name, last_name=last_name, acting_user=acting_user)
    membership, pending = None, None
    if invitation_needs_answer(user):
        pending = _invitation_create(member=member, user=user, role=role, acting_user=acting_user)
    else:
        invited_by = authenticated_or_none(acting_user)
        membership = _membership_create(
            member=member, user=user, role=role, invited_by=invited_by, acting_user=acting_user
        )
    link = "" if pending else set_password_url(user)
    context = {
        "member": member,
        "the_member": with_article(member.name),
        "of_member": of_member(member.name),
        "role": MemberRole(role).label,
        "inviter": acting_user,
        "link": link,
        "pending": pending is not None,
        "answer_url": _absolute(reverse("accounts:profile")) + "#invitations",
    }
    send_mail(
        subject=_("Invitation à rejoindre %(member)s sur Mutualis") % {"member": context["the_member"]},
        message=render_to_string("members/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    audit_record(
        actor=acting_user,
        action="membership.invite",
        obj=pending or membership,
        member_id=member.pk,
        after={"email": user.email, "role": role, "account_created": created, "awaits_answer": pending is not None},
    )
    return Invitation(
        user=user,
        role=role,
        membership=membership,
        pending=pending,
        user_created=created,
        set_password_url=link if created else "",
    )


def _invitation_create(*, member: Member, user: User, role: str, acting_user: User) -> MembershipInvitation:
    errors = Errors()
    _check_joinable(member, user, errors)
    if MembershipInvitation.objects.filter(member=member, user=user, status=InvitationStatus.PENDING).exists():
        errors.add("email", _("Une invitation attend déjà la réponse de %(email)s.") % {"email": user.email})
    errors.raise_if_any()
    invitation = MembershipInvitation(
        member=member, user=user, role=role, invited_by=authenticated_or_none(acting_user)
    )
    invitation.full_clean()
    invitation.save()
    # Shown on the platform too; not e-mailed a second time (the invitation itself is the e-mail).
    with notification_emails_suppressed():
        notify(
            recipients=[user],
            kind="membership.invitation",
            title=_("Invitation à rejoindre %(member)s") % {"member": with_article(member.name)},
            body=_("Acceptez-la ou refusez-la dans « Mon compte »."),
            url=reverse("accounts:profile") + "#invitations",
        )
    return invitation


def _locked(invitation: MembershipInvitation) -> MembershipInvitation:
    # Two answers at once (two tabs, accept and withdraw) must not both act on the invitation.
    return MembershipInvitation.objects.select_for_update().select_related("member", "user").get(pk=invitation.pk)


def _check_pending(invitation: MembershipInvitation) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("Cette invitation n'attend plus de réponse."))


def _check_answerable(invitation: MembershipInvitation, acting_user: User) -> None:
    """Only the invited account answers, and only an invitation still waiting."""
    if acting_user.pk != invitation.user_id:
        raise PermissionDenied(_("Seule la personne invitée peut répondre à cette invitation."))
    _check_pending(invitation)


def _close(invitation: MembershipInvitation, status: str, *, action: str, acting_user: User) -> None:
    """Record the answer (or the withdrawal) on the invitation and in the audit log."""
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=action,
        obj=invitation,
        member_id=invitation.member_id,
        before={"status": InvitationStatus.PENDING},
        after={"status": status, "user": invitation.user.email, "role": invitation.role},
    )


def _tell_inviter(invitation: MembershipInvitation, title: str) -> None:
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active:
        url = (
            reverse("members:backoffice_member_detail", args=[invitation.member_id])
            if inviter.is_operator_staff
            else reverse("members:space_member", args=[invitation.member_id])
        )
        notify(recipients=[inviter], kind="membership.invitation_answered", title=title, url=url)


@transaction.atomic
def invitation_accept(*, invitation: MembershipInvitation, acting_user: User) -> Membership:
    """The invited account accepts: it becomes a user of the member with the role offered."""
    invitation = _locked(invitation)
    _check_answerable(invitation, acting_user)
    if invitation.member.status not in OPEN_STATUSES:
        raise ValidationError(_("%(member)s n'accueille plus d'utilisateurs.") % {"member": invitation.member.name})
    membership = _membership_create(
        member=invitation.member,
        user=invitation.user,
        role=invitation.role,
        invited_by=invitation.invited_by,
        acting_user=acting_user,
    )
    _close(invitation, InvitationStatus.ACCEPTED, action="membership.invitation_accept", acting_user=acting_user)
    names = {"user": invitation.user, "member": invitation.member.name}
    _tell_inviter(invitation, _("%(user)s a accepté de rejoindre %(member)s.") % names)
    return membership


@transaction.atomic
def invitation_decline(*, invitation: MembershipInvitation, acting_user: User) -> MembershipInvitation:
    """The invited account declines: it gets no role, and whoever invited it is told."""
    invitation = _locked(invitation)
    _check_answerable(invitation, acting_user)
    _close(invitation, InvitationStatus.DECLINED, action="membership.invitation_decline", acting_user=acting_user)
    names = {"user": invitation.user, "member": invitation.member.name}
    _tell_inviter(invitation, _("%(user)s a refusé l'invitation à rejoindre %(member)s.") % names)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: MembershipInvitation, acting_user: User) -> MembershipInvitation:
    """A manager withdraws an invitation still waiting (sent with the wrong role, or to the wrong person)."""
    invitation = _locked(invitation)
    _check_pending(invitation)
    _close(invitation, InvitationStatus.CANCELLED, action="membership.invitation_cancel", acting_user=acting_user)
    return invitation


def _is_last_manager(membership: Membership) -> bool:
    # Lock the member's memberships: two managers demoting each other at once must not leave none.
    managers = Membership.objects.select_for_update().filter(member_id=membership.member_id, role=MemberRole.MANAGER)
    return membership.role == MemberRole.MANAGER and not managers.exclude(pk=membership.pk).exists()


def _last_manager_error() -> ValidationError:
    return ValidationError(_("Un adhérent garde au moins un gestionnaire : désignez-en un autre d'abord."))


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, acting_user: User) -> Membership:
    """Give a user another role in the member; the last manager cannot step down."""
    errors = Errors()
    _check_role(role, errors)
    errors.raise_if_any()
    if role == membership.role:
        return membership
    if role != MemberRole.MANAGER and _is_last_manager(membership):
        raise _last_manager_error()
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=acting_user,
        action="membership.change_role",
        obj=membership,
        member_id=membership.member_id,
        before={"user": membership.user.email, "role": before},
        after={"user": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user: User) -> None:
    """Remove a user from the member (the account stays, for their other members); never the last manager."""
    if _is_last_manager(membership):
        raise _last_manager_error()
    audit_record(
        actor=acting_user,
        action="membership.remove",
        obj=membership,
        member_id=membership.member_id,
        before={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


# --- requests to join (an agent ProConnect recognised from their SIRET), decided by the member's managers ---------


def _managers(member: Member) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(member=member, role=MemberRole.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]


@transaction.atomic
def membership_request_create(
    *, member: Member, user: User, origin: str, acting_user: User | None
) -> MembershipRequest:
    """An account asks to join the member: no role until a manager approves; the managers are notified."""
    errors = Errors()
    _check_joinable(member, user, errors)
    if member.status not in OPEN_STATUSES:
        errors.add(None, _("%(member)s n'accueille plus d'utilisateurs.") % {"member": member.name})
    if MembershipRequest.objects.filter(member=member, user=user, status=JoinRequestStatus.PENDING).exists():
        errors.add(None, _("Une demande de rattachement attend déjà l'approbation du gestionnaire."))
    errors.raise_if_any()
    join_request = MembershipRequest(member=member, user=user, origin=origin)
    join_request.full_clean()
    join_request.save()
    audit_record(
        actor=acting_user,
        action="membership.request",
        obj=join_request,
        member_id=member.pk,
        after={"user": user.email, "origin": origin},
    )
    notify(
        recipients=_managers(member),
        kind="membership.request",
        title=_("%(user)s demande à rejoindre %(member)s") % {"user": user, "member": with_article(member.name)},
        body=_("Approuvez ou refusez la demande dans « Utilisateurs »."),
        url=reverse("members:space_member", args=[member.pk]) + "#users-title",
    )
    return join_request


def _request_locked(join_request: MembershipRequest) -> MembershipRequest:
    # A manager approving while another refuses must not act twice on the request.
    locked = MembershipRequest.objects.select_for_update().select_related("member", "user").get(pk=join_request.pk)
    if not locked.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    return locked


def _request_close(join_request: MembershipRequest, status: str, *, action: str, acting_user: User) -> None:
    join_request.status = status
    join_request.decided_by = acting_user
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=action,
        obj=join_request,
        member_id=join_request.member_id,
        before={"status": JoinRequestStatus.PENDING},
        after={"status": status, "user": join_request.user.email},
    )


@transaction.atomic
def membership_request_approve(*, join_request: MembershipRequest, role: str, acting_user: User) -> Membership:
    """A manager approves: the account becomes a user of the member with the role chosen, and is told."""
    join_request = _request_locked(join_request)
    membership = _membership_create(
        member=join_request.member,
        user=join_request.user,
        role=role,
        invited_by=authenticated_or_none(acting_user),
        acting_user=acting_user,
    )
    _request_close(
        join_request, JoinRequestStatus.APPROVED, action="membership.request_approve", acting_user=acting_user
    )
    notify(
        recipients=[join_request.user],
        kind="membership.request_answered",
        title=_("Votre demande de rattachement à %(member)s est approuvée")
        % {"member": with_article(join_request.member.name)},
        url=reverse("members:space_member", args=[join_request.member_id]),
    )
    return membership


@transaction.atomic
def membership_request_refuse(*, join_request: MembershipRequest, acting_user: User) -> MembershipRequest:
    """A manager refuses: the account gets no role, and is told."""
    join_request = _request_locked(join_request)
    _request_close(join_request, JoinRequestStatus.REFUSED, action="membership.request_refuse", acting_user=acting_user)
    notify(
        recipients=[join_request.user],
        kind="membership.request_answered",
        title=_("Votre demande de rattachement à %(member)s est refusée")
        % {"member": with_article(join_request.member.name)},
        body=_("Rapprochez-vous du gestionnaire de votre structure sur Mutualis."),
    )
    return join_request

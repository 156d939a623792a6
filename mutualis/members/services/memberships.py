"""Memberships: the users of a member and their role; invitations by e-mail."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from mutualis.accounts.models import User
from mutualis.accounts.services import user_create
from mutualis.core.services import audit_record
from mutualis.core.validation import Errors
from mutualis.members.choices import OPEN_STATUSES, MemberRole
from mutualis.members.models import Member, Membership
from mutualis.members.names import with_article
from mutualis.members.services._common import authenticated_or_none


@dataclass(frozen=True)
class Invitation:
    """The outcome of an invitation: the new membership, and the set-password link when the account is new."""

    membership: Membership
    user_created: bool
    set_password_url: str


def set_password_url(user: User) -> str:
    """Absolute link to choose a password (Django's reset token: it stops working once the password is set)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_ROOT.rstrip("/") + reverse("accounts:set_password", args=[uidb64, token])


def _check_role(role: str, errors: Errors) -> None:
    if role not in MemberRole.values:
        errors.add("role", _("Rôle inconnu."))


@transaction.atomic
def membership_add(*, member: Member, user: User, role: str, acting_user: User) -> Membership:
    """Give an existing account a role in the member (no e-mail: see membership_invite)."""
    errors = Errors()
    _check_role(role, errors)
    if user.is_operator_staff:
        errors.add("email", _("Un compte de l'opérateur ne peut pas être rattaché à un adhérent."))
    elif Membership.objects.filter(member=member, user=user).exists():
        errors.add("email", _("Cette personne fait déjà partie de %(member)s.") % {"member": member.name})
    errors.raise_if_any()
    membership = Membership(member=member, user=user, role=role, invited_by=authenticated_or_none(acting_user))
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
def membership_invite(*, member: Member, email: str, role: str, acting_user: User) -> Invitation:
    """Invite someone by e-mail to the member with a role, creating the account if needed.

    The e-mail is sent inside the transaction, last: if the mail server refuses it, nothing is kept and the
    manager can simply try again. The set-password link is only issued for an account this invitation created,
    so that no manager can ever obtain a link to take over somebody else's account.
    """
    errors = Errors()
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", _("Saisissez une adresse électronique valide."))
    if member.status not in OPEN_STATUSES:
        errors.add(None, _("On n'invite personne chez un adhérent retiré ou refusé."))
    _check_role(role, errors)
    errors.raise_if_any()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = user_create(email=email, acting_user=acting_user)
    membership = membership_add(member=member, user=user, role=role, acting_user=acting_user)
    link = set_password_url(user) if not user.has_usable_password() else ""
    login_url = settings.SITE_ROOT.rstrip("/") + reverse("accounts:login")
    context = {
        "member": member,
        "the_member": with_article(member.name),
        "role": membership.get_role_display(),
        "inviter": acting_user,
        "link": link,
        "login_url": login_url,
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
        obj=membership,
        member_id=member.pk,
        after={"email": user.email, "role": role, "account_created": created},
    )
    return Invitation(membership=membership, user_created=created, set_password_url=link if created else "")


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

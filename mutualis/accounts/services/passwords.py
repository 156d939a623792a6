"""Passwords an account's owner changes: « Mot de passe oublié ? » (a one-use link by e-mail) and « Changer mon
mot de passe » in « Mon compte »."""

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.models import User
from mutualis.accounts.services.emails import security_email_send
from mutualis.accounts.services.sessions import user_sessions_close_all, user_sessions_close_others
from mutualis.core.services import audit_record


def _check_new_password(user: User, password: str, field: str) -> None:
    """The password validators of AUTH_PASSWORD_VALIDATORS (their messages are Django's French ones)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Someone typed an address in « Mot de passe oublié ? »: an active account with that address is e-mailed a
    one-use link. The caller answers the same whatever happens here, and the work is the same either way (one
    look-up, one audit entry, one queued e-mail task that sends nothing for an unknown address), so that neither the
    page nor its timing tells whether the address has an account."""
    address = User.objects.normalize_email((email or "").strip()).lower()
    user = User.objects.filter(email=address, is_active=True).first()
    audit_record(
        actor=None,
        action="user.password_reset_requested",
        obj=user,
        object_type="accounts.user",
        object_repr=address,
        after={"email": address, "account_found": user is not None},
    )
    security_email_send(user_id=user.pk if user else None, kind="password_reset")


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    """The owner of the link chose a new password (checked by the validators): every session of the account is
    closed, the change is audited and the owner told by e-mail. An account never activated is activated so."""
    _check_new_password(user, password, "new_password2")
    activation = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    closed = user_sessions_close_all(user=user)
    audit_record(
        actor=user,
        action="user.activate" if activation else "user.password_reset",
        obj=user,
        after={"email": user.email, "sessions_closed": closed},
    )
    security_email_send(user_id=user.pk, kind="password_reset_done")
    return user


@transaction.atomic
def password_change(
    *, user: User, current_password: str, new_password: str, keep_session_key: str | None, acting_user: User
) -> User:
    """The signed-in owner changes their password, giving the current one; the new one passes the validators.
    Their other sessions are closed (the one they act from, `keep_session_key`, is kept), the change audited and
    the owner told by e-mail. A wrong current password changes nothing."""
    if acting_user.pk != user.pk:
        raise PermissionDenied(_("Seul le titulaire du compte change son mot de passe."))
    if not user.check_password(current_password):
        raise ValidationError({"old_password": _("Votre mot de passe actuel est incorrect. Saisissez-le à nouveau.")})
    _check_new_password(user, new_password, "new_password2")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    closed = user_sessions_close_others(user=user, keep_session_key=keep_session_key, acting_user=acting_user)
    audit_record(actor=acting_user, action="user.password_changed", obj=user, after={"sessions_closed": closed})
    security_email_send(user_id=user.pk, kind="password_changed")
    return user

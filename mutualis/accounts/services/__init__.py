"""Writes owned by accounts: users, TOTP devices, API tokens; passwords, recovery codes and sessions in their own
modules (`services.passwords`, `services.recovery`, `services.sessions`)."""

import datetime
import time
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from mutualis.accounts.authentication import api_token_max_days, token_expires_at
from mutualis.accounts.choices import StaffRole
from mutualis.accounts.models import ApiTokenLimit, User
from mutualis.accounts.services.emails import security_email_send
from mutualis.accounts.services.recovery import recovery_codes_generate
from mutualis.core.services import audit_record


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    staff_role: str = "",
    password: str | None = None,
    acting_user: User | None = None,
) -> User:
    """Create an account (without a usable password unless one is given) and record it in the audit log."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        first_name=first_name,
        last_name=last_name,
        staff_role=staff_role,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=acting_user,
        action="user.create",
        obj=user,
        after={"email": user.email, "staff_role": user.staff_role},
    )
    return user


NAME_FIELDS = ("first_name", "last_name")


def validate_user_names(*, first_name: str, last_name: str) -> None:
    """A first and last name fit the account's fields (150 characters each): longer ones are refused, never cut."""
    others = [field.name for field in User._meta.fields if field.name not in NAME_FIELDS]
    User(first_name=first_name, last_name=last_name).clean_fields(exclude=others)


@transaction.atomic
def user_update_name(*, user: User, first_name: str, last_name: str, acting_user: User) -> User:
    """Change the account's first and last name (its owner does, in « Mon compte »); recorded in the audit log."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    validate_user_names(first_name=first_name, last_name=last_name)
    before = {"first_name": user.first_name, "last_name": user.last_name}
    after = {"first_name": first_name, "last_name": last_name}
    if before == after:
        return user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=list(NAME_FIELDS))
    audit_record(actor=acting_user, action="user.update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    """The account's owner chooses a password through its one-time link: the first one activates the account
    (an invited account accepts its invitation so); both are recorded in the audit log."""
    activation = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user,
        action="user.activate" if activation else "user.password_set",
        obj=user,
        after={"email": user.email},
    )
    return user


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for the user to scan (replaces any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if the code is right: the user's other devices are then removed, and ten new recovery
    codes returned, to be shown once. None when the code is wrong (nothing changes)."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=device.user, action="user.totp_enabled", obj=device.user)
    return recovery_codes_generate(user=device.user, acting_user=device.user)


class TotpCheck(StrEnum):
    """What a TOTP code turned out to be."""

    ACCEPTED = "accepted"
    REUSED = "reused"  # the right code of the current window, already used once: wait for the next one
    WRONG = "wrong"


def totp_code_check(*, device: TOTPDevice, token: str) -> TotpCheck:
    """Check a code of the user's authenticator; an accepted code is spent (django-otp records its time step in
    `last_t`), so that a second use in its window is told apart from a wrong code."""
    if not device.verify_is_allowed()[0]:
        return TotpCheck.WRONG
    if device.verify_token(token):
        return TotpCheck.ACCEPTED
    return TotpCheck.REUSED if _spent(device, token) else TotpCheck.WRONG


def _spent(device: TOTPDevice, token: str) -> bool:
    # The code matches a time step of the tolerance window that is not after the last accepted one: django-otp
    # refused it only because it was already used.
    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(token), device.tolerance) and totp.t() <= device.last_t


@transaction.atomic
def totp_device_reset(*, user: User, acting_user: User | None) -> None:
    """An administrator removes a user's second factor (lost phone): the authenticator and the recovery codes stop
    working, the user is e-mailed, and staff must enrol again at their next login (a session verified by the old
    device is no longer verified). Audited; refused to anyone but an operator administrator (None: the
    `reset_second_factor` command, run by whoever has the server, for the administrator who lost their own)."""
    if acting_user is not None and not acting_user.has_staff_role(StaffRole.ADMINISTRATOR):
        raise PermissionDenied(_("Seul un administrateur de l'opérateur réinitialise une double authentification."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=acting_user, action="user.totp_reset", obj=user)
    administrator = str(acting_user) if acting_user is not None else _("l'exploitant du serveur")
    values = {"administrator": administrator, "required": user.is_operator_staff}
    security_email_send(user_id=user.pk, kind="second_factor_reset", values=values)


@transaction.atomic
def api_token_regenerate(*, user: User, acting_user: User | None, days: int | None = None) -> Token:
    """Replace the user's API token with a new one (the old one stops working at once). It lives the account's
    maximum (API_TOKEN_TTL_DAYS, API_TOKEN_TTL_DAYS_STAFF for operator staff), or `days` when shorter: never more."""
    maximum = api_token_max_days(staff=user.is_operator_staff)
    if not user.is_active:
        raise ValidationError(_("Ce compte est désactivé : il ne peut pas recevoir de jeton d'API."))
    if days is not None and days < 1:
        raise ValidationError({"days": _("Un jeton d'API doit être valable au moins 1 jour.")})
    if days is not None and days > maximum:
        if user.is_operator_staff:
            message = _("Le jeton d'API d'un compte opérateur est valable au plus %(maximum)d jours.")
        else:
            message = _("Un jeton d'API est valable au plus %(maximum)d jours.")
        raise ValidationError({"days": message % {"maximum": maximum}})
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    if days is not None and days < maximum:
        ApiTokenLimit.objects.create(token=token, expires_at=token.created + datetime.timedelta(days=days))
    audit_record(
        actor=acting_user,
        action="user.api_token_regenerated",
        obj=user,
        after={"expires_at": token_expires_at(token).isoformat()},
    )
    return token


DEMO_EMAIL_DOMAIN = "demo.mutualis.fr"
# A fixed, published secret so that testers of the demo can add it to any authenticator (or use
# `manage.py totp_code`). Only accounts of the demo domain may carry it.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # base32: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ


@transaction.atomic
def totp_device_set_demo(*, user: User) -> TOTPDevice:
    """Give a demo account a confirmed TOTP device with the published demo secret (demo accounts only)."""
    if not user.email.endswith("@" + DEMO_EMAIL_DOMAIN):
        raise ValueError("Seuls les comptes de démonstration peuvent recevoir le secret TOTP publié.")
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Démonstration", key=DEMO_TOTP_KEY_HEX, confirmed=True)


def user_set_email_notifications(*, user: User, enabled: bool) -> User:
    """Whether the user also receives their notifications by e-mail (they always show on the platform)."""
    user.notify_by_email = bool(enabled)
    user.save(update_fields=["notify_by_email"])
    return user

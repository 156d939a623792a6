"""Recovery codes of the second factor: ten one-use codes (django-otp's static device) shown once when TOTP is set
up or the codes are renewed, accepted at the login's second step instead of the authenticator's code."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts.models import User
from mutualis.accounts.services.emails import security_email_send
from mutualis.core.services import audit_record

RECOVERY_CODES_COUNT = 10
RECOVERY_DEVICE_NAME = "Codes de secours"


def normalize_recovery_code(code: str) -> str:
    """A code as typed (spaces, dashes, capitals) in the form it is stored: eight lower-case base32 characters."""
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


@transaction.atomic
def recovery_codes_generate(*, user: User, acting_user: User) -> list[str]:
    """Ten new one-use recovery codes for an account with a second factor; the old ones stop working at once.
    The codes are returned to be shown once; audited without them."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Activez d'abord l'authentification à deux facteurs."))
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODES_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        actor=acting_user, action="user.recovery_codes_generated", obj=user, after={"recovery_codes": len(codes)}
    )
    return sorted(codes)


def recovery_codes_remaining(*, user: User) -> int:
    """How many recovery codes of the account are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class RecoveryUse:
    """A recovery code accepted: the device that verified the session, and how many codes are left."""

    device: StaticDevice
    remaining: int


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> RecoveryUse | None:
    """Accept one of the account's recovery codes at the login's second step: it is spent (never accepted again),
    the use audited with the codes left, and the owner e-mailed. None for a wrong or spent code."""
    token = normalize_recovery_code(code)
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not token or not device.verify_token(token):
        return None
    remaining = recovery_codes_remaining(user=user)
    audit_record(actor=user, action="user.recovery_code_used", obj=user, after={"recovery_codes_left": remaining})
    security_email_send(user_id=user.pk, kind="recovery_code_used", values={"remaining": remaining})
    return RecoveryUse(device=device, remaining=remaining)

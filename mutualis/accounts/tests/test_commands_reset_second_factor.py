"""`manage.py reset_second_factor EMAIL`: the way back in for an administrator who lost their own phone."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts.services import recovery
from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import totp_device_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_command_resets_the_second_factor_audited_and_e_mailed():
    """The account's authenticator and codes are removed, the reset audited as the command's, the owner e-mailed."""
    staff = StaffFactory(email="admin@operateur.fr")
    totp_device_for(staff)
    recovery.recovery_codes_generate(user=staff, acting_user=staff)
    out = io.StringIO()
    call_command("reset_second_factor", "Admin@Operateur.fr", stdout=out)
    assert "réinitialisée" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff).exists() and not StaticDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action="user.totp_reset")
    assert entry.actor is None and entry.user_agent == "manage.py reset_second_factor"
    [message] = mail.outbox
    assert message.to == [staff.email] and "l'exploitant du serveur" in message.body


def test_an_unknown_address_is_a_command_error():
    """An address without an account is refused in French; nothing is audited."""
    with pytest.raises(CommandError, match="Aucun compte avec l'adresse « personne@nulle-part.fr »"):
        call_command("reset_second_factor", "personne@nulle-part.fr")
    assert not AuditEntry.objects.filter(action="user.totp_reset").exists()

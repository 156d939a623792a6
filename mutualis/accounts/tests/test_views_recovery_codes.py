"""TOTP recovery: ten one-use codes shown once when the second factor is set up, renewable from « Mon compte »
(the old ones revoked); the login's second step accepts one (spent, audited, the owner e-mailed); an administrator
resets a lost second factor (audited, e-mailed, staff enrol again at their next login)."""

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts import services
from mutualis.accounts.models import User
from mutualis.accounts.services import recovery
from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import current_totp, login_as, totp_device_for
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db
CODES = "/compte/codes-de-secours/"


def _codes_of(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def _staff_with_codes():
    staff = StaffFactory()
    totp_device_for(staff)
    codes = recovery.recovery_codes_generate(user=staff, acting_user=staff)
    return staff, codes


def _password_step(client, user):
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_verify")


def test_setting_up_the_second_factor_shows_ten_codes_once(client):
    """Confirming the authenticator leads to the ten recovery codes, shown once: the page shows the count later."""
    staff = StaffFactory()
    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    client.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("accounts:totp_setup"), {"token": current_totp(device)})
    assert response["Location"] == CODES
    page = client.get(CODES)
    shown = page.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10 and set(shown) == _codes_of(staff)
    assert all(code in page.content.decode() for code in shown)
    later = client.get(CODES)
    assert later.context["codes"] is None and not any(code in later.content.decode() for code in shown)
    assert "Il vous reste 10 codes de secours inutilisés." in later.content.decode()
    assert AuditEntry.objects.filter(action="user.recovery_codes_generated", object_id=str(staff.pk)).exists()


def test_renewing_the_codes_revokes_the_old_ones(client):
    """« Générer de nouveaux codes » gives ten new codes, shown once, and the old ones stop working; audited."""
    staff, old = _staff_with_codes()
    login_as(client, staff)
    response = client.post(CODES)
    assert response["Location"] == CODES
    new = client.get(CODES).context["codes"]
    assert len(new) == 10 and not set(new) & set(old) and _codes_of(staff) == set(new)
    assert StaticDevice.objects.filter(user=staff).count() == 1
    assert AuditEntry.objects.filter(action="user.recovery_codes_generated").count() == 2


def test_the_codes_page_needs_a_verified_second_factor(client):
    """Without an authenticator the page sends to its set-up; a staff session that gave only its password cannot
    reach it (so nobody makes codes with a stolen password); nothing is generated."""
    user = UserFactory()
    login_as(client, user)
    assert client.post(CODES)["Location"] == reverse("accounts:totp_setup")
    staff, codes = _staff_with_codes()
    other = Client()
    other.force_login(staff)  # password only: not verified
    assert other.post(CODES)["Location"] == reverse("accounts:login_verify")
    assert _codes_of(staff) == set(codes) and not _codes_of(user)


def test_a_recovery_code_signs_in_once_and_is_spent(client, django_capture_on_commit_callbacks):
    """At the second step a recovery code (typed in capitals with a space) signs the staff member in, verified;
    it is spent, the use audited with the codes left, the owner e-mailed; the same code is refused next time."""
    staff, codes = _staff_with_codes()
    code = codes[0]
    _password_step(client, staff)
    typed = f"{code[:4].upper()} {code[4:].upper()}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:login_verify"), {"recovery_code": typed})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("core:audit_list")).status_code == 200  # verified: the back-office opens
    assert code not in _codes_of(staff) and len(_codes_of(staff)) == 9
    entry = AuditEntry.objects.get(action="user.recovery_code_used")
    assert entry.actor == staff and entry.after == {"recovery_codes_left": 9}
    assert AuditEntry.objects.filter(action="user.login", after__second_factor="recovery_code").exists()
    [message] = mail.outbox
    assert message.to == [staff.email] and "Il vous reste 9 codes de secours." in message.body

    client.post(reverse("accounts:logout"))
    _password_step(client, staff)
    response = client.post(reverse("accounts:login_verify"), {"recovery_code": code})
    assert response.status_code == 400
    assert "Code de secours incorrect ou déjà utilisé." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_recovery_code_counts_towards_throttling_and_spends_nothing(client, settings):
    """Wrong recovery codes are refused (400) and throttled like wrong TOTP codes; no code is spent."""
    settings.LOGIN_MAX_FAILURES = 2
    staff, codes = _staff_with_codes()
    _password_step(client, staff)
    for _ in range(2):
        assert client.post(reverse("accounts:login_verify"), {"recovery_code": "aaaaaaaa"}).status_code == 400
    response = client.post(reverse("accounts:login_verify"), {"recovery_code": codes[0]})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert _codes_of(staff) == set(codes)
    assert not AuditEntry.objects.filter(action="user.recovery_code_used").exists()


def test_an_administrator_resets_a_lost_second_factor(client, django_capture_on_commit_callbacks):
    """The admin action removes the authenticator and the recovery codes, is audited and e-mails the user; the
    staff member's verified session is no longer verified and their next login enrols TOTP again."""
    admin_user = StaffFactory(is_superuser=True)
    staff, codes = _staff_with_codes()
    staff_client = login_as(Client(), staff)
    login_as(client, admin_user)
    url, chosen = reverse("admin:accounts_user_changelist"), {"action": "reset_totp", "_selected_action": [staff.pk]}
    before = (rows(TOTPDevice.objects.all()), _codes_of(staff), AuditEntry.objects.count())
    confirmation = client.post(url, chosen)
    assert confirmation.status_code == 200 and "Confirmer la réinitialisation" in confirmation.content.decode()
    assert staff.email in confirmation.content.decode()
    assert (rows(TOTPDevice.objects.all()), _codes_of(staff), AuditEntry.objects.count()) == before
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**chosen, "confirm": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists() and not StaticDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action="user.totp_reset")
    assert entry.actor == admin_user and entry.object_id == str(staff.pk)
    [message] = mail.outbox
    assert message.to == [staff.email] and "a réinitialisé la double authentification" in message.body
    assert "À votre prochaine connexion" in message.body
    assert staff_client.get(reverse("core:audit_list"))["Location"] == reverse("accounts:totp_setup")
    fresh = Client()
    response = fresh.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:totp_setup")


def test_only_an_administrator_resets_a_second_factor():
    """Any other account is refused by the service, and the devices, codes and audit log stay."""
    staff, codes = _staff_with_codes()
    officer = StaffFactory(staff_role="purchasing_officer")
    before = (rows(TOTPDevice.objects.all()), _codes_of(staff), AuditEntry.objects.count())
    for acting in (officer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.totp_device_reset(user=staff, acting_user=acting)
    assert (rows(TOTPDevice.objects.all()), _codes_of(staff), AuditEntry.objects.count()) == before
    assert site.is_registered(User)


def test_codes_are_only_for_accounts_with_an_authenticator():
    """The service refuses to make codes for an account without a confirmed authenticator."""
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError, match="Activez d'abord"):
        recovery.recovery_codes_generate(user=user, acting_user=user)
    assert not StaticDevice.objects.exists()


def test_the_verify_page_offers_the_recovery_code(client):
    """The second step offers « Je n'ai plus accès à mon application d'authentification » with its own field."""
    staff, _ = _staff_with_codes()
    _password_step(client, staff)
    body = client.get(reverse("accounts:login_verify")).content.decode()
    assert "ai plus accès à mon application d" in body
    assert 'name="recovery_code"' in body


def test_my_account_counts_the_codes_left_and_warns_when_there_are_none(client):
    """« Mon compte » shows how many codes are left, and warns an account with an authenticator but no code."""
    staff, codes = _staff_with_codes()
    login_as(client, staff)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "10 restants" in body and f'href="{CODES}"' in body
    StaticDevice.objects.filter(user=staff).delete()
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "avez aucun code de secours" in body and "Générer des codes de secours" in body

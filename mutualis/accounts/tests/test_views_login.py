"""Login: password, throttling, TOTP second factor required for operator staff."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts import services
from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import current_totp, login_as, totp_device_for

pytestmark = pytest.mark.django_db


def test_member_user_logs_in_with_password(client):
    """A member's user without TOTP signs in with e-mail and password and reaches the dashboard."""
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(action="user.login", object_id=str(user.pk)).exists()


def test_wrong_password_is_refused_in_french(client):
    """A wrong password gets a French message, status 400, and no session."""
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": "nope"})
    assert response.status_code == 400
    assert "mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, settings):
    """After LOGIN_MAX_FAILURES failures even the right password is refused for a while."""
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"email": user.email, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_without_totp_must_enrol_before_anything_else(client):
    """A staff account signed in by password is sent to TOTP enrolment and cannot reach other pages."""
    staff = StaffFactory()
    response = client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:totp_setup")
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_setup")
    response = client.get("/api/v1/members/")
    assert response.status_code == 403


def test_staff_enrols_totp_and_is_then_verified(client):
    """Enrolment: a wrong code is refused; the right one confirms the device and opens the back-office."""
    staff = StaffFactory()
    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    client.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(
        reverse("accounts:totp_setup"), {"token": "000000" if current_totp(device) != "000000" else "111111"}
    )
    assert response.status_code == 400
    assert "Code incorrect" in response.content.decode()
    response = client.post(reverse("accounts:totp_setup"), {"token": current_totp(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_staff_with_totp_needs_the_code_to_sign_in(client):
    """With a confirmed device, the password alone does not sign in; a wrong code is refused; the right one does."""
    staff = StaffFactory()
    device = totp_device_for(staff)
    response = client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_verify")
    assert "_auth_user_id" not in client.session
    wrong = "123456" if current_totp(device) != "123456" else "654321"
    response = client.post(reverse("accounts:login_verify"), {"token": wrong})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login_verify"), {"token": current_totp(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_a_totp_code_used_twice_says_so(client):
    """A code already used to sign in is refused the second time in its window with « déjà utilisé », not
    « incorrect »; the session stays signed out."""
    staff = StaffFactory()
    device = totp_device_for(staff)
    code = current_totp(device)
    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    assert client.post(reverse("accounts:login_verify"), {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    response = client.post(reverse("accounts:login_verify"), {"token": code})
    assert response.status_code == 400
    assert "Ce code a déjà été utilisé : attendez le suivant." in response.content.decode()
    assert "Code incorrect" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_totp_code_check_tells_a_reused_code_from_a_wrong_one():
    """The service accepts a code once, then calls it reused; another code is wrong."""
    device = totp_device_for(StaffFactory())
    code = current_totp(device)
    wrong = "123456" if code != "123456" else "654321"
    assert services.totp_code_check(device=device, token=code) == services.TotpCheck.ACCEPTED
    assert services.totp_code_check(device=device, token=code) == services.TotpCheck.REUSED
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    assert services.totp_code_check(device=device, token=wrong) == services.TotpCheck.WRONG


def test_totp_failures_count_towards_throttling(client, settings):
    """Guessing the second factor is throttled like guessing the password."""
    settings.LOGIN_MAX_FAILURES = 2
    staff = StaffFactory()
    device = totp_device_for(staff)
    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    for _ in range(2):
        client.post(reverse("accounts:login_verify"), {"token": "999999"})
    response = client.post(reverse("accounts:login_verify"), {"token": current_totp(device)})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_requires_post(client):
    """Logout is POST-only so a third-party link cannot sign users out."""
    user = UserFactory()
    login_as(client, user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_token_authenticates_machine_clients(client):
    """A token created from the profile page authenticates API calls without a session."""
    from rest_framework.test import APIClient

    user = UserFactory()
    login_as(client, user)
    client.post(reverse("accounts:api_token"))
    key = client.get(reverse("accounts:profile")).context["new_token"]
    api = APIClient()
    assert api.get("/api/v1/members/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/members/").status_code == 200


def test_open_redirect_is_refused(client):
    """The ?next= parameter never sends a user to another site."""
    user = UserFactory()
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_csrf_is_enforced_on_login():
    """Forms refuse a POST without the CSRF token."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    user = UserFactory()
    response = strict.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 403


def test_api_tokens_expire_with_a_french_message(client, settings):
    """A member's token works for API_TOKEN_TTL_DAYS, a staff token for API_TOKEN_TTL_DAYS_STAFF; past that, refused
    (403, as every unauthenticated API call here) with the date and what to do; the profile page shows the expiry."""
    import datetime

    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from mutualis.accounts.tests.factories import StaffFactory

    settings.API_TOKEN_TTL_DAYS, settings.API_TOKEN_TTL_DAYS_STAFF = 365, 90
    member_user, staff = UserFactory(), StaffFactory()
    now = timezone.now()

    def status_with_token_aged(user, days):
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        Token.objects.filter(pk=token.pk).update(created=now - datetime.timedelta(days=days))
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api.get("/api/v1/members/")

    assert status_with_token_aged(member_user, 364).status_code == 200
    expired = status_with_token_aged(member_user, 366)
    assert expired.status_code == 403
    assert "Jeton d'API expiré le" in expired.json()["detail"] and "Mon compte" in expired.json()["detail"]
    assert status_with_token_aged(staff, 89).status_code == 200
    assert status_with_token_aged(staff, 91).status_code == 403

    login_as(client, member_user)
    Token.objects.filter(user=member_user).update(created=now - datetime.timedelta(days=10))
    page = client.get(reverse("accounts:profile")).content.decode()
    expires = timezone.localtime(now - datetime.timedelta(days=10) + datetime.timedelta(days=365)).strftime("%d/%m/%Y")
    assert f"valable jusqu&#x27;au {expires}" in page or f"valable jusqu'au {expires}" in page

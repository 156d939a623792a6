"""`manage.py create_api_token EMAIL [--days N]`: a token for an integration account, with « Mon compte »'s expiry."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mutualis.accounts.authentication import token_expires_at
from mutualis.accounts.models import ApiTokenLimit
from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def create_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def api_status(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/members/").status_code


def test_the_printed_token_authenticates_on_the_api_and_replaces_the_old_one():
    """The command prints only the key, which authenticates API calls; the account's previous token stops working."""
    user = UserFactory(email="integration@versailles.fr")
    old = Token.objects.create(user=user)

    key, message = create_token("Integration@Versailles.fr")

    assert Token.objects.get(user=user).key == key and len(key) == 40
    assert api_status(key) == 200
    assert api_status(old.key) in (401, 403)
    assert "integration@versailles.fr" in message and "valable jusqu'au" in message


def test_default_expiry_is_the_profile_page_s(settings):
    """Without --days a member's token lives API_TOKEN_TTL_DAYS and a staff token API_TOKEN_TTL_DAYS_STAFF."""
    settings.API_TOKEN_TTL_DAYS, settings.API_TOKEN_TTL_DAYS_STAFF = 365, 90
    member_user, staff = UserFactory(), StaffFactory()
    for user, days in [(member_user, 365), (staff, 90)]:
        create_token(user.email)
        token = Token.objects.get(user=user)
        assert token_expires_at(token) == token.created + datetime.timedelta(days=days)


def test_days_shortens_the_life_and_the_token_then_expires(settings):
    """--days 7 gives a token that works today and is refused, with the French expiry message, after 7 days."""
    settings.API_TOKEN_TTL_DAYS = 365
    user = UserFactory()
    key, message = create_token(user.email, "--days", "7")
    token = Token.objects.get(key=key)
    assert token_expires_at(token) == token.created + datetime.timedelta(days=7)
    expires = timezone.localtime(token.created + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    assert f"valable jusqu'au {expires}" in message
    assert api_status(key) == 200

    # Eight days later:
    created = timezone.now() - datetime.timedelta(days=8)
    Token.objects.filter(pk=key).update(created=created)
    ApiTokenLimit.objects.filter(token_id=key).update(expires_at=created + datetime.timedelta(days=7))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/members/")
    assert response.status_code == 403 and "Jeton d'API expiré le" in response.json()["detail"]


@pytest.mark.parametrize(
    ("factory", "days", "message"),
    [
        (StaffFactory, "91", "Le jeton d'API d'un compte opérateur est valable au plus 90 jours."),
        (UserFactory, "366", "Un jeton d'API est valable au plus 365 jours."),
        (UserFactory, "0", "Un jeton d'API doit être valable au moins 1 jour."),
    ],
)
def test_days_never_exceeds_the_maximum(settings, factory, days, message):
    """--days beyond the account's maximum (or below one day) is refused in French, with a non-zero exit, and
    nothing changes: the old token keeps working, nothing is audited."""
    settings.API_TOKEN_TTL_DAYS, settings.API_TOKEN_TTL_DAYS_STAFF = 365, 90
    user = factory()
    old = Token.objects.create(user=user)
    entries = AuditEntry.objects.count()

    with pytest.raises(CommandError, match=message):
        create_token(user.email, "--days", days)

    assert list(Token.objects.filter(user=user)) == [old]
    assert AuditEntry.objects.count() == entries


def test_unknown_email_is_a_command_error():
    """An address without an account is refused with a French message; no token is created."""
    with pytest.raises(CommandError, match="Aucun compte avec l'adresse « personne@nulle-part.fr »"):
        create_token("personne@nulle-part.fr")
    assert not Token.objects.exists()


def test_a_disabled_account_gets_no_token():
    """A disabled account cannot receive a token (it could not use it anyway)."""
    user = UserFactory(is_active=False)
    with pytest.raises(CommandError, match="Ce compte est désactivé"):
        create_token(user.email)
    assert not Token.objects.exists()


def test_the_token_creation_is_audited_with_the_command_as_origin():
    """The audit log records the new token as a system action of the command (its user agent says so), with a
    request id, and the expiry in its after-state."""
    user = UserFactory()
    key, _ = create_token(user.email, "--days", "30")

    entry = AuditEntry.objects.get(action="user.api_token_regenerated", object_id=str(user.pk))
    assert entry.actor is None and entry.actor_label == "système"
    assert entry.user_agent == "manage.py create_api_token" and entry.request_id
    assert entry.after["expires_at"] == token_expires_at(Token.objects.get(key=key)).isoformat()

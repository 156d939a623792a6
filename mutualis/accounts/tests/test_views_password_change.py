"""« Changer mon mot de passe »: the current password asked, the validators in French; the other sessions closed,
this one kept; audited; the owner told by e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from mutualis.accounts.models import User, UserSession
from mutualis.accounts.services import passwords
from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-autre-mot-de-passe-2026"
CHANGE = "/compte/mot-de-passe/"


def _change(client, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": confirm or new})


def test_my_account_links_to_the_password_change_and_the_sessions(client):
    """« Mon compte » offers « Changer mon mot de passe » and « Mes sessions »."""
    login_as(client, UserFactory())
    body = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{CHANGE}"' in body and "Changer mon mot de passe" in body
    assert 'href="/compte/sessions/"' in body and "Mes sessions" in body


def test_changing_the_password_keeps_this_session_and_closes_the_others(client, django_capture_on_commit_callbacks):
    """After the change this browser stays signed in (under a new session key, still listed as current), the
    account's other sessions are signed out, the change is audited and the owner e-mailed."""
    user = UserFactory()
    other = login_as(Client(), user)
    login_as(client, user)
    old_key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        response = _change(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302
    new_key = client.session.session_key
    assert new_key != old_key
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [new_key]
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == user and entry.after == {"sessions_closed": 1}
    [message] = mail.outbox
    assert message.to == [user.email] and message.subject == "Votre mot de passe Mutualis a été modifié"


def test_a_wrong_current_password_changes_nothing(client):
    """A wrong current password is refused on its field in French (400); password, sessions and audit log stay."""
    user = UserFactory()
    login_as(Client(), user)
    login_as(client, user)
    before = (rows(User.objects.all()), rows(UserSession.objects.all()))
    response = _change(client, old="pas-le-bon")
    assert response.status_code == 400
    assert "Votre mot de passe actuel est incorrect." in response.content.decode()
    assert (rows(User.objects.all()), rows(UserSession.objects.all())) == before
    assert not AuditEntry.objects.filter(action__in=["user.password_changed", "user.sessions_closed"]).exists()


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("court", None, "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("123456789012", None, "Ce mot de passe est entièrement numérique."),
        ("password1234", None, "Ce mot de passe est trop courant."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Les deux mots de passe ne correspondent pas."),
    ],
)
def test_the_new_password_passes_the_validators_in_french(client, new, confirm, message):
    """A new password the validators refuse (or a confirmation that differs) comes back in French; nothing
    changes."""
    user = UserFactory()
    login_as(client, user)
    before = rows(User.objects.all())
    response = _change(client, new=new, confirm=confirm)
    assert response.status_code == 400 and message in response.content.decode()
    assert rows(User.objects.all()) == before


def test_only_the_owner_changes_their_password():
    """The service refuses a change made by anyone but the account's owner, and changes nothing."""
    user, other = UserFactory(), UserFactory()
    before = rows(User.objects.all())
    with pytest.raises(PermissionDenied):
        passwords.password_change(
            user=user, current_password=PASSWORD, new_password=NEW_PASSWORD, keep_session_key=None, acting_user=other
        )
    assert rows(User.objects.all()) == before


def test_password_change_page_needs_a_signed_in_account(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

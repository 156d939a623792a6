"""Activation through the one-time link (named account, audited, signed in at once) and « Mon compte » (the name is
editable, refused when too long)."""

import pytest
from django.urls import reverse

from mutualis.accounts import services
from mutualis.accounts.models import User
from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.services.memberships import set_password_url
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


def _activation_form(client, user):
    """The set-password form's URL (Django swaps the link's token for a session marker on the first visit)."""
    path = set_password_url(user).split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path)["Location"]


def test_the_set_password_page_names_the_account_it_activates(client):
    """The page shows the e-mail address of the account being activated."""
    user = services.user_create(email="nouvelle@versailles.fr")
    response = client.get(_activation_form(client, user))
    body = response.content.decode()
    assert response.status_code == 200 and "Vous activez le compte <strong>nouvelle@versailles.fr</strong>" in body


def test_activation_is_audited_and_signs_the_person_in(client):
    """Choosing the first password is recorded as the account's activation, and the person is signed in and
    welcomed in French instead of being sent to the login page."""
    user = services.user_create(email="nouvelle@versailles.fr", first_name="Camille")
    url = _activation_form(client, user)
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[0][0] == reverse("core:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Votre compte est activé" in response.content.decode()
    entry = AuditEntry.objects.get(action="user.activate")
    assert entry.actor == user and entry.object_id == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_staff_activating_their_account_go_on_to_enrol_their_authenticator(client):
    """An operator account signed in by its activation still has to enrol TOTP before anything else."""
    staff = services.user_create(email="agent@operateur.fr", staff_role="administrator")
    url = _activation_form(client, staff)
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:totp_setup")
    assert client.get(reverse("core:audit_list"))["Location"] == reverse("accounts:totp_setup")


def test_a_weak_password_activates_nothing(client):
    """A password Django's validators refuse comes back in French (400); the account stays without password and
    no activation is recorded."""
    user = services.user_create(email="nouvelle@versailles.fr")
    response = client.post(_activation_form(client, user), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400 and "Le formulaire contient des erreurs" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not AuditEntry.objects.filter(action="user.activate").exists()
    assert "_auth_user_id" not in client.session


def test_my_account_edits_the_name_audited(client):
    """The owner sets their first and last name in « Mon compte »; the change is audited before → after."""
    user = UserFactory(first_name="", last_name="")
    login_as(client, user)
    assert 'name="first_name"' in client.get("/compte/").content.decode()
    response = client.post("/compte/nom/", {"first_name": " Camille ", "last_name": "Durand"}, follow=True)
    assert "Votre nom est enregistré." in response.content.decode()
    user.refresh_from_db()
    assert user.get_full_name() == "Camille Durand"
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before == {"first_name": "", "last_name": ""}
    assert entry.after == {"first_name": "Camille", "last_name": "Durand"}


def test_a_name_too_long_is_refused_with_its_limit(client):
    """A 300-character last name is refused on the field with its limit (400), not cut; nothing is written."""
    user = UserFactory(first_name="Camille", last_name="Durand")
    login_as(client, user)
    before = rows(User.objects.all())
    response = client.post("/compte/nom/", {"first_name": "Camille", "last_name": "D" * 300})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Assurez-vous que cette valeur comporte au plus 150 caractères (actuellement 300)." in body
    assert '<a href="#id_last_name">Nom</a>' in body
    assert rows(User.objects.all()) == before
    assert not AuditEntry.objects.filter(action="user.update").exists()


def test_name_page_matrix(client):
    """Only a signed-in user changes a name, their own, by POST."""
    response = client.post("/compte/nom/", {"first_name": "X"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    login_as(client, UserFactory())
    assert client.get("/compte/nom/").status_code == 405

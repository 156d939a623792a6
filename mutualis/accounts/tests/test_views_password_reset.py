"""« Mot de passe oublié ? »: a one-use link by e-mail, valid an hour, the same answer whether the address has an
account or not, throttled like the login; the new password passes the validators; audited."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from mutualis.accounts.models import User, UserSession
from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.accounts.tokens import password_reset_token_generator
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.services.memberships import set_password_url
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-autre-mot-de-passe-2026"
RESET = "/compte/mot-de-passe-oublie/"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the request with its commit callbacks (the e-mail task is queued on commit)."""

    def post(client, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email}, **extra)

    return post


def _link(message) -> str:
    """The path of the reset link in an e-mail."""
    url = re.search(r"https?://\S+/compte/mot-de-passe-oublie/\S+/\S+/", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_login_page_links_to_the_forgotten_password_page(client):
    """The login page offers « Mot de passe oublié ? », which opens the request form."""
    body = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{RESET}"' in body and "Mot de passe oublié ?" in body
    assert client.get(RESET).status_code == 200


def test_a_known_address_gets_a_french_e_mail_with_a_one_hour_link(client, sent):
    """An active account's address receives, in French, a link valid 60 minutes; the request is audited."""
    user = UserFactory(email="camille@versailles.fr", first_name="Camille")
    response = sent(client, "Camille@Versailles.fr")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["camille@versailles.fr"]
    assert message.subject == "Réinitialiser votre mot de passe Mutualis"
    assert "Bonjour Camille" in message.body and "valable 60 minutes" in message.body
    assert "/compte/mot-de-passe-oublie/" in message.body
    entry = AuditEntry.objects.get(action="user.password_reset_requested")
    assert entry.object_id == str(user.pk) and entry.after == {"email": user.email, "account_found": True}


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, sent):
    """An address without an account (or a disabled one) is answered exactly as a known one — same status, same
    next page, same content — and nothing is sent; the attempt is audited without an object."""
    UserFactory(email="connue@versailles.fr")
    UserFactory(email="desactivee@versailles.fr", is_active=False)
    known = sent(client, "connue@versailles.fr")
    mail.outbox.clear()
    for address in ("inconnue@versailles.fr", "desactivee@versailles.fr"):
        response = sent(client, address)
        assert (response.status_code, response["Location"]) == (known.status_code, known["Location"])
        assert response.content == known.content
    assert mail.outbox == []
    done = client.get(known["Location"]).content.decode()
    assert "Si un compte actif existe pour cette adresse" in done
    entry = AuditEntry.objects.filter(action="user.password_reset_requested").order_by("seq").last()
    assert entry.object_id == "" and entry.after == {"email": "desactivee@versailles.fr", "account_found": False}


def test_the_link_sets_a_new_password_closes_every_session_and_works_once(client, sent):
    """Through the link the owner chooses a new password: audited, every open session of the account is closed,
    the owner is told by e-mail; the same link then says it is no longer valid."""
    user = UserFactory()
    elsewhere = login_as(type(client)(), user)
    assert UserSession.objects.filter(user=user).count() == 1
    sent(client, user.email)
    link = _link(mail.outbox[0])
    mail.outbox.clear()
    form_url = client.get(link)["Location"]
    assert "Nouveau mot de passe du compte" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not UserSession.objects.filter(user=user).exists()
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302  # signed out there
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == user and entry.after["sessions_closed"] == 1
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien n&#x27;est plus valide" in again or "Ce lien n'est plus valide" in again
    assert client.post(reverse("accounts:login"), {"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_the_owner_is_told_by_e_mail_once_the_password_is_reset(client, sent, django_capture_on_commit_callbacks):
    """Completing the reset e-mails the owner that it happened, with what to do if it was not them."""
    user = UserFactory()
    sent(client, user.email)
    form_url = client.get(_link(mail.outbox[0]))["Location"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    [message] = mail.outbox
    assert message.subject == "Votre mot de passe Mutualis a été réinitialisé"
    assert "Si ce n'est pas vous" in message.body


def test_a_weak_new_password_is_refused_in_french_and_changes_nothing(client, sent):
    """The validators refuse a short or common password with Django's French messages (400); the password, the
    sessions and the audit log stay as they were."""
    user = UserFactory()
    sent(client, user.email)
    form_url = client.get(_link(mail.outbox[0]))["Location"]
    before = rows(User.objects.all())
    response = client.post(form_url, {"new_password1": "motdepasse", "new_password2": "motdepasse"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in body
    assert "Ce mot de passe est trop courant." in body
    assert rows(User.objects.all()) == before
    assert not AuditEntry.objects.filter(action="user.password_reset").exists()


def test_a_link_older_than_an_hour_is_refused(settings):
    """A link made more than PASSWORD_RESET_LINK_SECONDS ago is no longer valid; the password stays."""
    user = UserFactory()
    generator = password_reset_token_generator
    old = datetime.datetime.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_LINK_SECONDS + 5)
    token = generator._make_token_with_timestamp(user, generator._num_seconds(old), generator.secret)
    assert not generator.check_token(user, token)
    fresh = generator.make_token(user)
    assert generator.check_token(user, fresh)


def test_an_invitation_link_is_no_reset_link_and_the_reverse():
    """The two kinds of link have their own salt: an invitation's token opens no reset page, a reset token no
    invitation page; invitations keep Django's longer life."""
    user = UserFactory()
    invitation_token = set_password_url(user).rstrip("/").rsplit("/", 1)[1]
    assert not password_reset_token_generator.check_token(user, invitation_token)
    from django.contrib.auth.tokens import default_token_generator

    assert not default_token_generator.check_token(user, password_reset_token_generator.make_token(user))


def test_requests_are_throttled_per_address_and_per_client(client, settings, sent):
    """After PASSWORD_RESET_MAX_REQUESTS requests for one address, or from one client, the next is refused in
    French (429) and sends nothing — for an unknown address as for a known one."""
    settings.PASSWORD_RESET_MAX_REQUESTS = 2
    user = UserFactory()
    for _ in range(2):
        sent(client, user.email)
    mail.outbox.clear()
    entries = AuditEntry.objects.count()
    response = sent(client, user.email)
    assert response.status_code == 429 and "Trop de demandes de réinitialisation" in response.content.decode()
    unknown = sent(client, "personne@versailles.fr")  # same client address: locked too
    assert unknown.status_code == 429
    assert mail.outbox == [] and AuditEntry.objects.count() == entries
    other_client = sent(client, user.email, REMOTE_ADDR="10.0.0.9")  # the address typed is locked too
    assert other_client.status_code == 429


def test_an_invalid_address_is_refused_on_the_field(client):
    """A malformed address is refused on its field (400), nothing audited."""
    response = client.post(RESET, {"email": "pas-une-adresse"})
    assert response.status_code == 400 and "Saisissez une adresse e-mail valide." in response.content.decode()
    assert not AuditEntry.objects.filter(action="user.password_reset_requested").exists()


def test_a_staff_reset_still_requires_the_second_factor(client, sent):
    """Resetting an operator account's password does not bypass TOTP: the new password leads to the code step."""
    from mutualis.accounts.tests.factories import StaffFactory
    from mutualis.core.testing import totp_device_for

    staff = StaffFactory()
    totp_device_for(staff)
    sent(client, staff.email)
    form_url = client.get(_link(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"email": staff.email, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:login_verify")
    assert client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD}).status_code == 400

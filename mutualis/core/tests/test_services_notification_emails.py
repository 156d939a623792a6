"""Notifications are also e-mailed, by the worker, to the users who accept e-mails; never twice."""

import pytest
from django.core import mail

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.models import Notification
from mutualis.core.services import notify
from mutualis.core.tasks import send_notification_emails
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def test_a_notification_is_emailed_after_commit_with_its_link(django_capture_on_commit_callbacks, settings):
    """The e-mail leaves once the transaction commits (tasks run at once in tests), with the absolute link and the
    way to turn e-mails off; the notification is marked as e-mailed."""
    settings.SITE_ROOT = "https://mutualis.example.fr"
    manager = UserFactory(email="dgs@mairie.example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[manager],
            kind="order.approval",
            title="Commande BC-2026-000042 à approuver",
            body="4 tablettes, 1 156,00 € HT.",
            url="/achats/commandes/42/",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dgs@mairie.example.fr"]
    assert message.subject == "[Mutualis] Commande BC-2026-000042 à approuver"
    assert "https://mutualis.example.fr/achats/commandes/42/" in message.body
    assert "https://mutualis.example.fr/compte/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_no_email_when_declined_inactive_or_already_sent():
    """Users who turned e-mails off or whose account is inactive get none; running the task again sends nothing."""
    declined = UserFactory(notify_by_email=False)
    inactive = UserFactory(is_active=False)
    accepted = UserFactory()
    ids = [
        Notification.objects.create(recipient=user, kind="test", title="Alerte").pk
        for user in (declined, inactive, accepted)
    ]
    assert send_notification_emails.call(ids) == 1
    assert send_notification_emails.call(ids) == 0
    assert [m.to for m in mail.outbox] == [[accepted.email]]


def test_user_turns_email_notifications_off_and_on(client):
    """ "Mon compte" has the switch; it changes only the signed-in user's own setting."""
    user, other = UserFactory(), UserFactory()
    login_as(client, user)
    assert "Recevoir aussi mes notifications par courriel" in client.get("/compte/").content.decode()
    response = client.post("/compte/courriels/", {})
    assert response.status_code == 302
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.notify_by_email is False and other.notify_by_email is True
    client.post("/compte/courriels/", {"notify_by_email": "on"})
    user.refresh_from_db()
    assert user.notify_by_email is True
    assert client.get("/compte/courriels/").status_code == 405


def test_anonymous_cannot_change_the_setting(client):
    """Without a session the switch redirects to the login page and changes nothing."""
    response = client.post("/compte/courriels/", {})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_notifications_raised_while_suppressed_are_not_emailed(django_capture_on_commit_callbacks):
    """Loading the demo (or history) stores notifications without e-mailing them."""
    from mutualis.core.services import notification_emails_suppressed

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), notification_emails_suppressed():
        notify(recipients=[user], kind="test", title="Historique")
    assert Notification.objects.get().emailed_at is None and mail.outbox == []

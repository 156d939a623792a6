"""Notifications become read: opening one, or « Tout marquer comme lu »; the header badge counts unread ones."""

import pytest
from django.urls import reverse

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.models import Notification
from mutualis.core.services import mark_notifications_read, notify
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def _open_url(notification: Notification) -> str:
    return reverse("core:notification_open", args=[notification.pk])


def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    """Opening a notification marks it (and only it) read, then goes where it points; opening it again keeps the
    date it was first read."""
    user = UserFactory()
    notify(recipients=[user], kind="test", title="Commande validée", url="/achats/commandes/")
    notify(recipients=[user], kind="test", title="Autre")
    opened, other = Notification.objects.get(title="Commande validée"), Notification.objects.get(title="Autre")
    login_as(client, user)
    response = client.get(_open_url(opened))
    assert response.status_code == 302 and response["Location"] == "/achats/commandes/"
    opened.refresh_from_db()
    other.refresh_from_db()
    assert opened.read_at is not None and other.read_at is None
    first_read = opened.read_at
    client.get(_open_url(opened))
    opened.refresh_from_db()
    assert opened.read_at == first_read


def test_a_notification_without_link_or_with_a_foreign_one_leads_back_to_the_list(client):
    """A notification with no link is marked read by its « Marquer comme lue » button (POST); one whose link
    leaves the site is marked read but its link is not followed."""
    user = UserFactory()
    notify(recipients=[user], kind="test", title="Sans lien")
    notify(recipients=[user], kind="test", title="Ailleurs", url="https://ailleurs.example.org/piege")
    login_as(client, user)
    for notification in Notification.objects.filter(recipient=user):
        response = client.post(_open_url(notification))
        assert response.status_code == 302 and response["Location"] == reverse("core:notification_list")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_another_users_notification_is_not_found_and_stays_unread(client):
    """Opening someone else's notification answers 404 and changes nothing; anonymous visitors are sent to log in."""
    owner, intruder = UserFactory(), UserFactory()
    notify(recipients=[owner], kind="test", title="Privée", url="/espace/")
    notification = Notification.objects.get(recipient=owner)
    assert client.get(_open_url(notification)).status_code == 302
    login_as(client, intruder)
    assert client.get(_open_url(notification)).status_code == 404
    assert client.post(_open_url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_badge_counts_unread_notifications_only(client):
    """The header's badge says how many notifications are unread (not how many exist), and disappears at zero."""
    user = UserFactory()
    notify(recipients=[user], kind="test", title="Une")
    notify(recipients=[user], kind="test", title="Deux")
    notify(recipients=[user], kind="test", title="Trois")
    mark_notifications_read(recipient_id=user.pk, notification_id=Notification.objects.get(title="Une").pk)
    login_as(client, user)
    body = client.get("/notifications/").content.decode()
    assert '<span class="badge" data-notification-count>2</span>' in body
    assert "data-notification-badge>" in body  # shown
    assert "Tout marquer comme lu" in body
    client.post("/notifications/")
    body = client.get("/notifications/").content.decode()
    assert "data-notification-badge hidden>" in body and "Tout marquer comme lu" not in body


def test_each_notification_links_through_the_page_that_marks_it_read(client):
    """The list links each notification with a link through its « open » page, and offers « Marquer comme lue »
    for an unread one without link."""
    user = UserFactory()
    notify(recipients=[user], kind="test", title="Avec lien", url="/espace/")
    notify(recipients=[user], kind="test", title="Sans lien")
    login_as(client, user)
    body = client.get("/notifications/").content.decode()
    with_link, without = Notification.objects.get(title="Avec lien"), Notification.objects.get(title="Sans lien")
    assert f'<a href="{_open_url(with_link)}">Avec lien</a>' in body
    assert f'action="{_open_url(without)}"' in body and "Marquer comme lue" in body
    assert 'href="/espace/"' not in body.split('class="notification-list"')[1]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_open_pages_learn_the_new_unread_count_when_one_is_read_elsewhere(monkeypatch):
    """A page's websocket is told the unread count on connect, and again when a notification is read in another
    page, so that every open page's badge stays right."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from mutualis.core import consumers

    monkeypatch.setattr(consumers, "POLL_SECONDS", 0.05)
    user = await database_sync_to_async(UserFactory)()
    communicator = WebsocketCommunicator(consumers.NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=3)) == {"type": "unread", "count": 0}
    await database_sync_to_async(notify)(recipients=[user], kind="test", title="Une")
    await database_sync_to_async(notify)(recipients=[user], kind="test", title="Deux")
    counts = []
    while counts[-1:] != [2]:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == "unread":
            counts.append(message["count"])
    first = await database_sync_to_async(Notification.objects.filter(recipient=user).first)()
    await database_sync_to_async(mark_notifications_read)(recipient_id=user.pk, notification_id=first.pk)
    assert (await communicator.receive_json_from(timeout=3)) == {"type": "unread", "count": 1}
    await communicator.disconnect()

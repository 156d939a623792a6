"""Realtime process: the notifications websocket (Channels), as the operator console will use it."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core import consumers
from mutualis.core.consumers import NotificationConsumer
from mutualis.core.services import notify

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _communicator(user):
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


async def test_anonymous_connection_is_refused():
    """Only signed-in users may open the notifications websocket."""
    communicator = _communicator(AnonymousUser())
    connected, code = await communicator.connect()
    assert not connected and code == 4401


async def test_unread_notifications_are_sent_on_connect_then_new_ones_pushed(monkeypatch):
    """On connect the user gets their unread notifications; a new one arrives without reloading; others' don't."""
    monkeypatch.setattr(consumers, "POLL_SECONDS", 0.05)
    user = await database_sync_to_async(UserFactory)()
    other = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(notify)(recipients=[user], kind="test", title="Adhésion approuvée")
    communicator = _communicator(user)
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    assert first["type"] == "notification" and first["title"] == "Adhésion approuvée"
    assert (await communicator.receive_json_from(timeout=3)) == {"type": "unread", "count": 1}
    await database_sync_to_async(notify)(recipients=[other], kind="test", title="Pas pour vous")
    await database_sync_to_async(notify)(recipients=[user], kind="test", title="Nouvelle demande d'adhésion")
    pushed = await communicator.receive_json_from(timeout=3)
    assert pushed["title"] == "Nouvelle demande d'adhésion"
    assert (await communicator.receive_json_from(timeout=3))["count"] == 2
    await communicator.send_json_to({"action": "mark_read"})
    assert (await communicator.receive_json_from(timeout=3)) == {"type": "unread", "count": 0}
    await communicator.disconnect()

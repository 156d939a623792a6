"""Realtime process: the console's websocket pushes the queue, then new and changed alarms, to habilitated
operators who passed the second factor, and to nobody else."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.testing import totp_device_for
from mutualis.supervision import consumers
from mutualis.supervision.consumers import ConsoleConsumer
from mutualis.supervision.realtime import CONSOLE_GROUP, wake_message
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import DeviceFactory, HabilitationFactory, supervision_operator

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class _Session(dict):
    pass


async def _communicator(user, verified=True):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/supervision/console/")
    communicator.scope["user"] = user
    session = _Session()
    if verified and getattr(user, "is_authenticated", False):
        # Through database_sync_to_async, as every database access of these tests: a query made in the test's
        # own context opens a connection of that context that nobody closes (a pooled one never goes back).
        device = await database_sync_to_async(totp_device_for)(user)
        session["otp_device_id"] = device.persistent_id
    communicator.scope["session"] = session
    return communicator


async def test_anonymous_and_members_refused():
    """Anonymous users get 4401; a member's user 4403."""
    connected, code = await (await _communicator(AnonymousUser())).connect()
    assert not connected and code == 4401
    member_user = await database_sync_to_async(UserFactory)()
    connected, code = await (await _communicator(member_user, verified=False)).connect()
    assert not connected and code == 4403


async def test_operator_without_second_factor_refused():
    """An operator whose session did not pass TOTP is refused (4403)."""
    operator = await database_sync_to_async(supervision_operator)()
    connected, code = await (await _communicator(operator, verified=False)).connect()
    assert not connected and code == 4403


def _setup():
    operator = supervision_operator()
    device = DeviceFactory(external_id="CAM-RT")
    HabilitationFactory(protected_site=device.protected_site, user=operator)
    other = DeviceFactory(external_id="CAM-AUTRE", source=device.source)  # a site the operator is not habilitated for
    return operator, device, other


def _ingest(device, event_id, kind="intrusion"):
    return ingest_events(
        source=device.source,
        events=[
            {"id": event_id, "device": device.external_id, "kind": kind, "occurred_at": timezone.now().isoformat()}
        ],
    )


async def test_new_alarm_pushed_without_reload_only_for_habilitated_sites(monkeypatch):
    """On connect the queue; then a new alarm of a habilitated site arrives; another site's never does."""
    monkeypatch.setattr(consumers, "POLL_SECONDS", 0.05)
    operator, device, other = await database_sync_to_async(_setup)()
    await database_sync_to_async(_ingest)(device, "first")
    communicator = await _communicator(operator)
    connected, _ = await communicator.connect()
    assert connected
    queue = await communicator.receive_json_from(timeout=20)
    assert queue["type"] == "queue" and len(queue["alarms"]) == 1
    await database_sync_to_async(_ingest)(other, "elsewhere")
    [result] = await database_sync_to_async(_ingest)(device, "second", kind="fire")
    pushed = await communicator.receive_json_from(timeout=20)
    assert pushed["type"] == "alarms" and [row["id"] for row in pushed["alarms"]] == [result["alarm"]]
    assert pushed["alarms"][0]["priority"] == 1 and pushed["alarms"][0]["open"]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


def _storm(device, count):
    """`count` events of distinct correlation ids: as many new alarms, in one batch."""
    at = timezone.now().isoformat()
    return ingest_events(
        source=device.source,
        events=[
            {
                "id": f"storm-{n}",
                "device": device.external_id,
                "kind": "intrusion",
                "occurred_at": at,
                "data": {"correlation_id": f"review:storm-{n}"},
            }
            for n in range(count)
        ],
    )


async def _receive_alarms(communicator, expected):
    """The alarm ids of the frames received until `expected` distinct ones came; the frame sizes."""
    seen, frames = set(), []
    while len(seen) < expected:
        frame = await communicator.receive_json_from(timeout=20)
        assert frame["type"] == "alarms"
        frames.append(len(frame["alarms"]))
        seen.update(row["id"] for row in frame["alarms"])
    return seen, frames


async def test_storm_of_more_than_200_changed_alarms_all_reach_the_console(monkeypatch):
    """A commit of 450 new alarms reaches the console whole (no 200-alarm cap), in frames of FRAME_ROWS at most,
    each alarm once."""
    monkeypatch.setattr(consumers, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(consumers, "FRAME_ROWS", 200)
    operator, device, _other = await database_sync_to_async(_setup)()
    communicator = await _communicator(operator)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=20))["alarms"] == []
    results = await database_sync_to_async(_storm)(device, 450)
    seen, frames = await _receive_alarms(communicator, 450)
    assert seen == {r["alarm"] for r in results}
    assert sum(frames) == 450 and max(frames) <= 200
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_wake_naming_alarms_pushes_them_before_the_poll(monkeypatch):
    """A wake through the channel layer with the changed alarms' ids sends them at once (the poll is an hour away);
    an alarm of a site the operator is not habilitated for is never sent, even when named."""
    monkeypatch.setattr(consumers, "POLL_SECONDS", 3600)
    operator, device, other = await database_sync_to_async(_setup)()
    communicator = await _communicator(operator)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=20))["type"] == "queue"
    [mine] = await database_sync_to_async(_ingest)(device, "named")
    [elsewhere] = await database_sync_to_async(_ingest)(other, "not-mine")
    await get_channel_layer().group_send(CONSOLE_GROUP, wake_message([mine["alarm"], elsewhere["alarm"]]))
    pushed = await communicator.receive_json_from(timeout=20)
    assert [row["id"] for row in pushed["alarms"]] == [mine["alarm"]]
    # Named again without a change: already shown at this version, nothing is sent.
    await get_channel_layer().group_send(CONSOLE_GROUP, wake_message([mine["alarm"]]))
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_wake_without_ids_reads_every_change_since_the_cursor(monkeypatch):
    """A wake too large to name its alarms makes the console read every change since its cursor."""
    monkeypatch.setattr(consumers, "POLL_SECONDS", 3600)
    monkeypatch.setattr("mutualis.supervision.realtime.WAKE_MAX_IDS", 2)
    operator, device, _other = await database_sync_to_async(_setup)()
    communicator = await _communicator(operator)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=20)
    results = await database_sync_to_async(_storm)(device, 3)
    message = wake_message([r["alarm"] for r in results])
    assert "ids" not in message
    await get_channel_layer().group_send(CONSOLE_GROUP, message)
    seen, _frames = await _receive_alarms(communicator, 3)
    assert seen == {r["alarm"] for r in results}
    await communicator.disconnect()

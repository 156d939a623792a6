"""Realtime process: the console's websocket pushes the queue, then new and changed alarms, to habilitated
operators who passed the second factor, and to nobody else."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.testing import totp_device_for
from mutualis.supervision import consumers
from mutualis.supervision.consumers import ConsoleConsumer
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import DeviceFactory, HabilitationFactory, supervision_operator

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class _Session(dict):
    pass


def _communicator(user, verified=True):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/supervision/console/")
    communicator.scope["user"] = user
    session = _Session()
    if verified and getattr(user, "is_authenticated", False):
        session["otp_device_id"] = totp_device_for(user).persistent_id
    communicator.scope["session"] = session
    return communicator


async def test_anonymous_and_members_refused():
    """Anonymous users get 4401; a member's user 4403."""
    connected, code = await _communicator(AnonymousUser()).connect()
    assert not connected and code == 4401
    member_user = await sync_to_async(UserFactory)()
    connected, code = await _communicator(member_user, verified=False).connect()
    assert not connected and code == 4403


async def test_operator_without_second_factor_refused():
    """An operator whose session did not pass TOTP is refused (4403)."""
    operator = await sync_to_async(supervision_operator)()
    connected, code = await _communicator(operator, verified=False).connect()
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
    operator, device, other = await sync_to_async(_setup)()
    await sync_to_async(_ingest)(device, "first")
    communicator = _communicator(operator)
    connected, _ = await communicator.connect()
    assert connected
    queue = await communicator.receive_json_from(timeout=20)
    assert queue["type"] == "queue" and len(queue["alarms"]) == 1
    await sync_to_async(_ingest)(other, "elsewhere")
    [result] = await sync_to_async(_ingest)(device, "second", kind="fire")
    pushed = await communicator.receive_json_from(timeout=20)
    assert pushed["type"] == "alarm" and pushed["alarm"]["id"] == result["alarm"]
    assert pushed["alarm"]["priority"] == 1 and pushed["alarm"]["open"]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()

"""The gateway's handshake, bad frames and live state, over real websockets on loopback."""

import asyncio
import json

import pytest
from django.contrib.auth.hashers import make_password
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from mutualis.charging.models import ChargePoint
from mutualis.charging.services import state
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import committed, eventually, make_gateway, url

pytestmark = pytest.mark.asyncio


async def _refused(address, **kwargs):
    with pytest.raises(InvalidStatus) as exc:
        async with connect(address, **kwargs):
            pass
    return exc.value.response.status_code


async def test_an_unknown_identity_is_refused_at_the_handshake(gateway, registry):
    """An identity the registry does not know is refused before any websocket exists (HTTP 404), and so is a path
    that is not /ocpp/<identity>."""
    assert await _refused(f"{url(gateway)}/NOBODY", subprotocols=["ocpp1.6"]) == 404
    assert await _refused(f"ws://127.0.0.1:{gateway.port}/other/SYN-TEST-16", subprotocols=["ocpp1.6"]) == 404


async def test_a_point_out_of_service_is_refused(gateway, registry):
    """A charge point marked out of service cannot connect (HTTP 403)."""
    await committed(lambda: ChargePoint.objects.filter(pk=registry.cp16.pk).update(is_active=False))
    assert await _refused(f"{url(gateway)}/SYN-TEST-16", subprotocols=["ocpp1.6"]) == 403


async def test_basic_auth_is_asked_of_a_point_with_a_password(gateway, registry):
    """Security profile 1: a point with a password must send it with HTTP Basic auth, its identity as the user
    name — missing or wrong: 401; right: connected."""
    await committed(
        lambda: ChargePoint.objects.filter(pk=registry.cp16.pk).update(
            password_hash=make_password("s3cret-s3cret-s3cret")
        )
    )
    address = f"ws://127.0.0.1:{gateway.port}/ocpp/SYN-TEST-16"
    assert await _refused(address, subprotocols=["ocpp1.6"]) == 401
    wrong = f"ws://SYN-TEST-16:wrong-password-123@127.0.0.1:{gateway.port}/ocpp/SYN-TEST-16"
    assert await _refused(wrong, subprotocols=["ocpp1.6"]) == 401
    other_user = f"ws://SOMEONE:s3cret-s3cret-s3cret@127.0.0.1:{gateway.port}/ocpp/SYN-TEST-16"
    assert await _refused(other_user, subprotocols=["ocpp1.6"]) == 401
    right = f"ws://SYN-TEST-16:s3cret-s3cret-s3cret@127.0.0.1:{gateway.port}/ocpp/SYN-TEST-16"
    async with connect(right, subprotocols=["ocpp1.6"]) as ws:
        assert ws.subprotocol == "ocpp1.6"


async def test_a_handshake_without_subprotocol_is_taken_as_ocpp16(gateway, registry):
    """Firmware that sends no Sec-WebSocket-Protocol is served as OCPP 1.6."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16", subprotocols=[])
    try:
        assert ws.subprotocol is None
        assert (await point.boot()).status == "Accepted"
        cp = await committed(lambda: ChargePoint.objects.get(pk=registry.cp16.pk))
        assert cp.connected_protocol == "1.6"
    finally:
        await close_client(ws, reader)


async def test_the_point_s_version_is_chosen_among_those_offered_and_an_unknown_one_refused(gateway, registry):
    """A station offering both subprotocols gets the one its registry entry names; one offering only a version the
    gateway does not speak is refused (HTTP 400)."""
    async with connect(f"{url(gateway)}/SYN-TEST-201", subprotocols=["ocpp1.6", "ocpp2.0.1"]) as ws:
        assert ws.subprotocol == "ocpp2.0.1"
    async with connect(f"{url(gateway)}/SYN-TEST-16", subprotocols=["ocpp2.0.1", "ocpp1.6"]) as ws:
        assert ws.subprotocol == "ocpp1.6"
    assert await _refused(f"{url(gateway)}/SYN-TEST-16", subprotocols=["ocpp2.1"]) == 400


async def _exchange(ws, frame):
    await ws.send(frame)
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def test_bad_frames_get_the_spec_s_call_error_and_the_connection_lives_on_16(gateway, registry):
    """OCPP-J 1.6 § 4.2.3: invalid JSON → FormationViolation (id « -1 » when unreadable), an unknown action →
    NotImplemented/NotSupported, a schema violation → its CallError, an unknown message type → FormationViolation;
    after all of them the same connection still answers."""
    async with connect(f"{url(gateway)}/SYN-TEST-16", subprotocols=["ocpp1.6"]) as ws:
        assert (await _exchange(ws, "{not json"))[:3] == [4, "-1", "FormationViolation"]
        assert (await _exchange(ws, '[2, "a1", "FlyToTheMoon", {}]'))[:3] == [4, "a1", "NotSupported"]
        assert (await _exchange(ws, '[2, "a2", "GetDiagnostics", {"location": "x"}]'))[:3] == [
            4,
            "a2",
            "NotImplemented",
        ]
        missing = await _exchange(ws, '[2, "a3", "Authorize", {}]')
        assert missing[:3] == [4, "a3", "ProtocolError"]
        wrong_type = await _exchange(ws, '[2, "a4", "Authorize", {"idTag": 42}]')
        assert wrong_type[:3] == [4, "a4", "TypeConstraintViolation"]
        extra = await _exchange(ws, '[2, "a5", "Heartbeat", {"surprise": true}]')
        assert extra[:3] == [4, "a5", "FormationViolation"]
        assert (await _exchange(ws, '[7, "a6", "Heartbeat", {}]'))[:3] == [4, "a6", "FormationViolation"]
        alive = await _exchange(ws, '[2, "a7", "Heartbeat", {}]')
        assert alive[0] == 3 and alive[1] == "a7" and "currentTime" in alive[2]


async def test_bad_frames_get_the_spec_s_call_error_and_the_connection_lives_on_201(gateway, registry):
    """OCPP 2.0.1 part 4 § 4.2.3: invalid JSON → FormatViolation with id « -1 », an unknown message type →
    MessageTypeNotSupported, a schema violation → its CallError; the connection lives on."""
    async with connect(f"{url(gateway)}/SYN-TEST-201", subprotocols=["ocpp2.0.1"]) as ws:
        assert (await _exchange(ws, "[2, broken"))[:3] == [4, "-1", "FormatViolation"]
        assert (await _exchange(ws, '[5, "b1", "Heartbeat", {}]'))[:3] == [4, "b1", "MessageTypeNotSupported"]
        bad = await _exchange(
            ws,
            '[2, "b2", "StatusNotification", {"timestamp": "x", "connectorStatus": "Dancing", "evseId": 1, "connectorId": 1}]',
        )
        assert bad[:2] == [4, "b2"] and bad[2] in ("FormatViolation", "PropertyConstraintViolation")
        alive = await _exchange(ws, '[2, "b3", "Heartbeat", {}]')
        assert alive[:2] == [3, "b3"]


async def test_a_new_connection_replaces_the_old_one_and_state_stays_online(gateway, registry):
    """A point that reconnects before its old socket is known dead: the new connection is kept, the old one
    closed, and the old one's end does not mark the point offline."""
    first, ws1, reader1 = await open_client(url(gateway), "SYN-TEST-16")
    second, ws2, reader2 = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await eventually(lambda: ws1.state.name == "CLOSED")
        assert (await second.heartbeat()).current_time
        cp = await committed(lambda: ChargePoint.objects.get(pk=registry.cp16.pk))
        assert cp.is_online and cp.gateway_id == gateway.gateway_id
    finally:
        await close_client(ws1, reader1)
        await close_client(ws2, reader2)


async def test_a_point_that_stops_answering_pings_goes_offline(registry):
    """Live state from websocket pings: a point whose websocket stops answering pings is disconnected and shown
    offline."""
    gw = await make_gateway(ping_interval=0.2).start()
    try:
        point, ws, reader = await open_client(url(gw), "SYN-TEST-16")
        await eventually(lambda: ChargePoint.objects.get(pk=registry.cp16.pk).is_online)
        # The client's transport stops reading: pings go unanswered.
        ws.transport.pause_reading()
        await eventually(lambda: not ChargePoint.objects.get(pk=registry.cp16.pk).is_online)
        ws.transport.resume_reading()
        await close_client(ws, reader)
    finally:
        await gw.stop()


async def test_the_offline_sweep_marks_offline_what_no_gateway_vouches_for(registry):
    """A point marked online whose gateway died (nobody updates its last_seen) goes offline at the sweep, within
    OCPP_OFFLINE_AFTER seconds; one a gateway vouched for recently stays online."""
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(seconds=120)
    await committed(
        lambda: ChargePoint.objects.filter(pk=registry.cp16.pk).update(
            is_online=True, last_seen_at=long_ago, gateway_id="dead"
        )
    )
    await committed(
        lambda: ChargePoint.objects.filter(pk=registry.cp201.pk).update(is_online=True, last_seen_at=timezone.now())
    )
    assert await committed(lambda: state.offline_sweep()) == [registry.cp16.pk]
    online = await committed(lambda: dict(ChargePoint.objects.values_list("ocpp_identity", "is_online")))
    assert online == {"SYN-TEST-16": False, "SYN-TEST-201": True}

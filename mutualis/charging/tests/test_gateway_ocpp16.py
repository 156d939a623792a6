"""OCPP 1.6J over a real websocket on loopback: every charge point → central system message, answered and stored."""

import pytest

from mutualis.charging.models import ChargePoint
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import url

pytestmark = pytest.mark.asyncio


async def test_boot_is_accepted_with_the_heartbeat_interval_and_the_point_is_online(gateway, registry):
    """A registered point's BootNotification is Accepted with the heartbeat interval; it shows online, with what it
    said it is."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        response = await point.boot()
        assert response.status == "Accepted" and response.interval > 0
        cp = await gateway.db.run(lambda: ChargePoint.objects.get(pk=registry.cp16.pk))
        assert cp.is_online and cp.vendor == "Mutualis" and cp.model == "SIM-22" and cp.connected_protocol == "1.6"
        heartbeat = await point.heartbeat()
        assert heartbeat.current_time.endswith("Z")
    finally:
        await close_client(ws, reader)

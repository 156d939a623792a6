"""With REDIS_URL set, a command wakes the gateway at once through Redis pub/sub (instead of its poll)."""

import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings

from mutualis.charging.choices import CommandStatus
from mutualis.charging.models import ChargePoint, Command
from mutualis.charging.services import commands
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import committed, eventually, make_gateway, url

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url():
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.asyncio
async def test_a_command_published_on_redis_is_delivered_without_waiting_for_the_poll(registry, redis_url):
    """The gateway polls only every minute here; the command still reaches the point within seconds, woken by the
    Redis message the service publishes after commit."""
    gw = await make_gateway(redis_url=redis_url, poll_interval=60).start()
    try:
        point, ws, reader = await open_client(url(gw), "SYN-TEST-16")
        await eventually(lambda: ChargePoint.objects.get(pk=registry.cp16.pk).gateway_id == gw.gateway_id)
        await eventually(lambda: gw._wake.is_set() is False)
        with override_settings(REDIS_URL=redis_url):
            command = await committed(
                lambda: commands.request_command(
                    charge_point=registry.cp16,
                    action="UnlockConnector",
                    payload={"connectorId": 1},
                    acting_user=registry.officer,
                )
            )
        done = await eventually(lambda: Command.objects.get(pk=command.pk).status == CommandStatus.ACCEPTED, timeout=10)
        assert done
        await close_client(ws, reader)
    finally:
        await gw.stop()

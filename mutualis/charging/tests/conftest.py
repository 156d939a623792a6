"""Fixtures of the charging tests: a registry with a 1.6J and a 2.0.1 point, and a real gateway on a free loopback
port (its database thread sees what the test committed, hence the transactional database)."""

from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from mutualis.charging.choices import IdTagStatus, OcppVersion
from mutualis.charging.gateway.server import Gateway
from mutualis.charging.tests import factories
from mutualis.members.testing import build_world


class Registry:
    """What the OCPP tests connect with."""

    def __init__(self) -> None:
        self.world = build_world()
        self.officer = factories.network_officer()
        site = self.world.site_b  # member B holds the EV charging competence
        self.station = factories.station_at(site, name="Parking de la Mairie", reservable=True)
        self.cp16 = factories.ChargePointFactory(
            station=self.station, ocpp_identity="SYN-TEST-16", id_pdc_itinerance="FRSYNE000011"
        )
        self.cp201 = factories.ChargePointFactory(
            station=self.station,
            ocpp_identity="SYN-TEST-201",
            id_pdc_itinerance="FRSYNE000012",
            ocpp_version=OcppVersion.V201,
            power_kw=Decimal("22"),
        )
        self.tag = factories.IdTagFactory(id_tag="BADGE-OK", member=self.world.member_b)
        self.blocked = factories.IdTagFactory(
            id_tag="BADGE-BLOCKED", member=self.world.member_b, status=IdTagStatus.BLOCKED
        )


@pytest.fixture
def registry(transactional_db: Any) -> Registry:
    return Registry()


def make_gateway(**options: Any) -> Gateway:
    defaults = {
        "host": "127.0.0.1",
        "port": 0,
        "gateway_id": "test-gateway",
        "poll_interval": 0.1,
        "seen_interval": 0.3,
        "redis_url": "",
        "maintenance_interval": None,
        "response_timeout": 5,
    }
    return Gateway(**(defaults | options))


@pytest_asyncio.fixture
async def gateway(registry: Registry) -> Any:
    gw = await make_gateway().start()
    yield gw
    await gw.stop()


def url(gw: Gateway) -> str:
    return f"ws://127.0.0.1:{gw.port}/ocpp"


async def committed(fn: Any) -> Any:
    """Run `fn` in a thread of its own with its own database connection: it sees only what is committed."""
    import asyncio
    import time

    from django.db import OperationalError, connection, transaction

    def run() -> Any:
        try:
            for attempt in range(100):
                try:
                    with transaction.atomic():
                        return fn()
                except OperationalError as exc:
                    # The test database is SQLite in memory with a shared cache: its table locks are not waited
                    # for, so a read that meets the gateway's write is tried again.
                    if "locked" not in str(exc) or attempt == 99:
                        raise
                    time.sleep(0.01)
        finally:
            connection.close()

    return await asyncio.to_thread(run)


async def eventually(fn: Any, *, timeout: float = 10) -> Any:
    """Wait until `fn` (run as `committed`) returns something truthy, and return it; fail after `timeout`."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await committed(fn)
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)

"""Fixtures of the ONVIF tests: a simulated camera on a free loopback port (the device peer, in
integrations/onvif/simulator.py, stopped after), the ingest engine, and `run_until` (the MQTT tests' own)."""

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mutualis.supervision.integrations.onvif.ingest import OnvifIngestor, Options
from mutualis.supervision.integrations.onvif.simulator import LAN_HOST, OnvifDevice, fault_body, notification
from mutualis.supervision.tests.mqtt import run_until  # the same loop: engine.process() until the condition holds

__all__ = ["LAN_HOST", "OnvifDevice", "fault_body", "notification", "onvif_device", "onvif_ingestor", "run_until"]


@pytest.fixture
def onvif_device() -> Iterator[OnvifDevice]:
    """A camera of the test's own on a free loopback port, stopped after; the client must not have broken the
    protocol."""
    device = OnvifDevice()
    device.start()
    yield device
    device.stop()
    assert device.errors == [], device.errors


# Short waits so that the tests run fast; the behaviour is the production one.
FAST = Options(
    pull_timeout=0.3,
    http_timeout=3.0,
    termination=60.0,
    renew_margin=5.0,
    backoff_min=0.05,
    backoff_max=0.2,
    auth_backoff=0.3,
    offline_grace=0.0,
    heartbeat_every=3600.0,
)


@pytest.fixture
def onvif_ingestor() -> Iterator[Callable[..., OnvifIngestor]]:
    """Start the ONVIF engine (once the test's sources exist); stopped after."""
    started: list[OnvifIngestor] = []

    def start(**options: Any) -> OnvifIngestor:
        engine = OnvifIngestor(dataclasses.replace(FAST, **options))
        engine.start()
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.stop()

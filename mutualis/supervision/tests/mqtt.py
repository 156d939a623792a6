"""Fixtures of the MQTT tests: a real Mosquitto on a free loopback port (stopped after), a publisher, the ingest
engine connected to it, and a way to run the engine until something is true."""

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from mutualis.supervision.integrations.frigate.mqtt import FrigateMqttIngestor
from mutualis.supervision.integrations.mosquitto import Mosquitto


@pytest.fixture
def mosquitto(tmp_path) -> Iterator[Mosquitto]:
    """A Mosquitto of the test's own."""
    broker = Mosquitto(tmp_path / "mosquitto")
    broker.start()
    yield broker
    broker.stop()


class Publisher:
    """A client publishing like Frigate does (QoS 1), reconnecting after a broker restart."""

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"frigate-test-{uuid.uuid4().hex[:6]}"
        )
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def publish(self, topic: str, payload: Any) -> None:
        """Publish and wait until the broker has it."""
        body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
        deadline = time.monotonic() + 30
        while not self.client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.05)
        info = self.client.publish(topic, body, qos=1)
        info.wait_for_publish(timeout=30)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(mosquitto) -> Iterator[Publisher]:
    """Frigate's side of the broker."""
    client = Publisher(mosquitto.port)
    yield client
    client.close()


@pytest.fixture
def ingestor(mosquitto) -> Iterator[Callable[[], FrigateMqttIngestor]]:
    """Start the ingest engine (once the test's sources exist) and wait until it is subscribed."""
    started: list[FrigateMqttIngestor] = []

    def start(**options: Any) -> FrigateMqttIngestor:
        engine = FrigateMqttIngestor(host="127.0.0.1", port=mosquitto.port, batch_wait=0.01, **options)
        engine.start()
        assert engine.subscribed.wait(timeout=30), "the ingest engine never subscribed"
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.stop()


def run_until(engine: FrigateMqttIngestor, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the engine ingest (in this thread) until the condition holds; fail if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        engine.process(timeout=0.1)
        if condition():
            return
    raise AssertionError(f"condition never met; counters: {dict(engine.stats)}")

"""The MQTT ingest process' engine: subscribes to every Frigate source's topics, maps what arrives and ingests it
in batches, acknowledging a message only once what it carried is committed.

paho-mqtt's network loop runs in its own thread and only queues messages; every database write happens in the
thread that calls `process()` (the command's main thread, or a test's). The client reconnects on its own with a
growing delay (1 s up to 30 s) and subscribes again on every connection, so a broker restart only pauses the
flow. A message that cannot be read is logged, counted and skipped; a database failure keeps the batch and tries
it again.
"""

import datetime
import logging
import queue
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from mutualis.core.context import audit_context
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.integrations.base import IngestEngine, Mapped, MappingError
from mutualis.supervision.integrations.frigate.mapping import FrigateIntegration
from mutualis.supervision.models import EventSource

logger = logging.getLogger("mutualis.supervision.mqtt")


@dataclass
class _Message:
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: datetime.datetime
    arrived: float = 0.0  # time.monotonic() when the network thread queued it


@dataclass
class _Route:
    source: EventSource
    integration: FrigateIntegration


class FrigateMqttIngestor(IngestEngine):
    """One MQTT connection for all the active Frigate sources; `start()`, then `process()` in a loop, `stop()`."""

    label = "MQTT"
    logger_name = "mutualis.supervision.mqtt"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        protocol: str = "3.1.1",
        client_id: str = "",
        batch_size: int = 1000,
        batch_wait: float = 0.05,
        max_queue: int = 200_000,
        share_group: str = "",
    ) -> None:
        self.host, self.port = host, port
        # With a group, every ingest process of the group subscribes to `$share/<group>/<topic>`: the broker hands
        # each message to one of them (MQTT 5 shared subscriptions, which Mosquitto also offers to 3.1.1 clients).
        self.share_group = share_group.strip("/")
        self.batch_size, self.batch_wait = batch_size, batch_wait
        self.stats: Counter[str] = Counter()
        self.subscribed = threading.Event()
        self.subscriptions = 0  # how many times the topics were (re)subscribed: one per connection
        self.routes: dict[str, _Route] = {}
        self._topics: list[str] = []
        # Bounded: when ingestion falls behind, the network thread waits, and the broker keeps the messages.
        self._queue: queue.Queue[_Message] = queue.Queue(maxsize=max_queue)
        self._v5 = protocol in ("5", "5.0", "v5")
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"mutualis-supervision-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv5 if self._v5 else mqtt.MQTTv311,
            # A stable client id with a persistent session: what arrives while we are away waits in the broker.
            clean_session=None if self._v5 else False,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # --- sources -------------------------------------------------------------------------------------------------

    def load_sources(self) -> list[str]:
        """Read the active Frigate sources with a topic prefix; subscribe to new ones if connected. Returns the
        topic filters."""
        routes = {}
        for source in EventSource.objects.filter(kind=SourceKind.FRIGATE, is_active=True).exclude(mqtt_topic_prefix=""):
            integration = FrigateIntegration(prefix=source.mqtt_topic_prefix, base_url=source.frigate_base_url)
            routes[integration.prefix] = _Route(source, integration)
        topics = [self._filter(topic) for route in routes.values() for topic in route.integration.topics()]
        added = sorted(set(topics) - set(self._topics))
        self.routes, self._topics = routes, topics
        if added and self.client.is_connected():
            self.client.subscribe([(topic, 1) for topic in added])
        return topics

    def _filter(self, topic: str) -> str:
        """The topic filter subscribed to (shared among the group's processes when there is one)."""
        return f"$share/{self.share_group}/{topic}" if self.share_group else topic

    # --- network thread ------------------------------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            logger.error("MQTT connection refused by %s:%s: %s", self.host, self.port, reason_code)
            return
        logger.info("MQTT connected to %s:%s, subscribing to %d topics", self.host, self.port, len(self._topics))
        self.stats["connections"] += 1
        if self._topics:
            client.subscribe([(topic, 1) for topic in self._topics])
        else:
            self._on_subscribe(client, userdata, 0, [], None)

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reason_codes: Any, properties: Any) -> None:
        self.subscriptions += 1
        self.subscribed.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        self.subscribed.clear()
        self.stats["disconnections"] += 1
        if reason_code.is_failure:
            logger.warning("MQTT connection lost (%s); reconnecting", reason_code)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._queue.put(
            _Message(message.topic, bytes(message.payload), message.mid, message.qos, timezone.now(), time.monotonic())
        )

    # --- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the sources and connect in the background (the first connection is retried like the others)."""
        self.load_sources()
        properties = None
        if self._v5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = 3600
        self.client.connect_async(
            self.host,
            self.port,
            keepalive=30,
            clean_start=False if self._v5 else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
            properties=properties,
        )
        self.client.loop_start()

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()

    # --- ingestion (caller's thread) -----------------------------------------------------------------------------

    def process(self, timeout: float = 1.0) -> int:
        """Take what arrived (waiting up to `timeout` for a first message, then for more until the first is
        `batch_wait` old, up to `batch_size`), ingest it; returns how many messages were handled."""
        try:
            first = self._queue.get(timeout=timeout)
        except queue.Empty:
            return 0
        batch = [first]
        # Counted from the first message's arrival, not from now: when the previous batch took longer than
        # batch_wait, what waited meanwhile is ingested at once instead of waiting batch_wait more.
        deadline = (first.arrived or time.monotonic()) + self.batch_wait
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        self._handle(batch)
        return len(batch)

    def _route(self, topic: str) -> _Route | None:
        return self.routes.get(topic.rsplit("/", 1)[0])

    def _handle(self, batch: list[_Message]) -> None:
        self.stats["received"] += len(batch)
        pending: dict[int, tuple[_Route, list[dict[str, Any]]]] = {}
        done: list[_Message] = []
        for message in batch:
            route = self._route(message.topic)
            if route is None:
                self.stats["unrouted"] += 1
                done.append(message)
                continue
            try:
                mapped = route.integration.map(message.topic, message.payload, message.received_at)
            except MappingError as exc:
                self.stats["bad_payloads"] += 1
                logger.warning("Skipped a bad message on %s: %s", message.topic, exc)
                done.append(message)
                continue
            if mapped.source_online is not None:
                # Availability is applied in order with the events around it.
                self._flush(pending)
                self._safe_apply(route, Mapped(source_online=mapped.source_online))
                self.stats["availability"] += 1
            if mapped.ignored and not mapped.events:
                self.stats["ignored"] += 1
            if mapped.events:
                pending.setdefault(route.source.pk, (route, []))[1].extend(mapped.events)
            done.append(message)
        self._flush(pending)
        for message in done:
            if message.qos:
                self.client.ack(message.mid, message.qos)

    def _flush(self, pending: dict[int, tuple[_Route, list[dict[str, Any]]]]) -> None:
        for route, events in pending.values():
            results = self._safe_apply(route, Mapped(events=events))
            for result in results:
                self.stats[result["status"]] += 1
                if result["status"] == "error":
                    logger.warning("Event %s of %s refused: %s", result["id"], route.source.name, result["errors"])
        pending.clear()

    def _safe_apply(self, route: _Route, mapped: Mapped) -> list[Any]:
        try:
            return self._apply(route, mapped)
        except Exception:
            # A bug must not stop the supervision of every other site: logged with its trace, counted, skipped.
            self.stats["failed"] += max(1, len(mapped.events))
            logger.exception("Ingestion from %s failed", route.source.name)
            return []

    def _apply(self, route: _Route, mapped: Mapped) -> list[Any]:
        """Ingest, trying again while the database is unreachable (the messages are not acknowledged meanwhile)."""
        delay = 0.5
        while True:
            try:
                with audit_context(origin=f"mqtt:{route.source.name}"):
                    return route.integration.ingest(source=route.source, mapped=mapped)
            except DatabaseError:
                self.stats["database_errors"] += 1
                logger.exception("Database error while ingesting from %s; retrying in %.1f s", route.source, delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def reload(self) -> None:
        """Re-read the sources (the loop of `IngestEngine.run`)."""
        self.load_sources()

"""The MQTT ingest process' engine: subscribes to every Frigate source's topics, maps what arrives and ingests it
in batches, acknowledging a message only once what it carried is committed.

The subscriber (`integrations.mqtt_subscriber`: our lean MQTT 3.1.1 client, or paho-mqtt for MQTT 5) reads in its
own thread and only queues messages, a read's worth at a time; every database write happens in the thread that
calls `process()` (the command's main thread, or a test's). It reconnects on its own with a growing delay (1 s up to
30 s) and the engine subscribes again on every connection, so a broker restart only pauses the flow. A message that
cannot be read is logged, counted and skipped; a database failure keeps the batch and tries it again.
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

from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from mutualis.core.context import audit_context
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.integrations.base import IngestEngine, Mapped
from mutualis.supervision.integrations.frigate.mapping import FrigateIntegration
from mutualis.supervision.integrations.mqtt_subscriber import Handlers, PahoSubscriber, Publish, Subscriber
from mutualis.supervision.models import EventSource

logger = logging.getLogger("mutualis.supervision.mqtt")


@dataclass
class _Message:
    topic: str
    payload: bytes
    received: Publish | None  # what to acknowledge (None: nothing)
    received_at: datetime.datetime
    arrived: float = 0.0  # time.monotonic() when the subscriber queued it


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
        batch_size: int = 3000,
        batch_wait: float = 0.02,
        max_queue: int = 10_000,
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
        # Bounded (in reads, each a list of messages): when ingestion falls behind, the subscriber's thread waits,
        # and the broker keeps the messages. Messages taken beyond a full batch wait in `_carry` for the next one.
        self._queue: queue.Queue[list[_Message]] = queue.Queue(maxsize=max_queue)
        self._carry: list[_Message] = []
        transport = PahoSubscriber if protocol in ("5", "5.0", "v5") else Subscriber
        # A stable client id with a persistent session: what arrives while we are away waits in the broker.
        self.client = transport(
            host=host,
            port=port,
            client_id=client_id or f"mutualis-supervision-{uuid.uuid4().hex[:8]}",
            username=username,
            password=password,
            handlers=Handlers(self._on_connect, self._on_subscribe, self._on_messages, self._on_disconnect),
        )

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
            self.client.subscribe(added)
        return topics

    def _filter(self, topic: str) -> str:
        """The topic filter subscribed to (shared among the group's processes when there is one)."""
        return f"$share/{self.share_group}/{topic}" if self.share_group else topic

    # --- subscriber's thread -------------------------------------------------------------------------------------

    def _on_connect(self) -> None:
        logger.info("MQTT connected to %s:%s, subscribing to %d topics", self.host, self.port, len(self._topics))
        self.stats["connections"] += 1
        if self._topics:
            self.client.subscribe(list(self._topics))
        else:
            self._on_subscribe([])

    def _on_subscribe(self, granted: list[int]) -> None:
        refused = [code for code in granted if code >= 0x80]
        if refused:
            logger.error("MQTT broker %s:%s refused %d subscriptions", self.host, self.port, len(refused))
        self.subscriptions += 1
        self.subscribed.set()

    def _on_disconnect(self, error: str) -> None:
        self.subscribed.clear()
        self.stats["disconnections"] += 1
        if error:
            logger.warning("MQTT connection lost (%s); reconnecting", error)

    def _on_messages(self, messages: list[Publish]) -> None:
        now, arrived = timezone.now(), time.monotonic()
        self._queue.put([_Message(m.topic, m.payload, m, now, arrived) for m in messages])

    # --- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the sources and connect in the background (the first connection is retried like the others)."""
        self.load_sources()
        self.client.start()

    def stop(self) -> None:
        """Disconnect and stop the subscriber's thread."""
        self.client.stop()

    # --- ingestion (caller's thread) -----------------------------------------------------------------------------

    def process(self, timeout: float = 1.0) -> int:
        """Take what arrived (waiting up to `timeout` for a first message, then for more until the first is
        `batch_wait` old, up to `batch_size`), ingest it; returns how many messages were handled."""
        batch, self._carry = self._carry, []
        if not batch:
            try:
                batch = list(self._queue.get(timeout=timeout))
            except queue.Empty:
                return 0
        # Counted from the first message's arrival, not from now: when the previous batch took longer than
        # batch_wait, what waited meanwhile is ingested at once instead of waiting batch_wait more.
        deadline = (batch[0].arrived or time.monotonic()) + self.batch_wait
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch += self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
        batch, self._carry = batch[: self.batch_size], batch[self.batch_size :]
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
            mapped = self.map_or_skip(
                message.topic, route.integration.map, message.topic, message.payload, message.received_at
            )
            if mapped is None:
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
        self.client.ack([message.received for message in done if message.received is not None])

    def _flush(self, pending: dict[int, tuple[_Route, list[dict[str, Any]]]]) -> None:
        for route, events in pending.values():
            results = self._safe_apply(route, Mapped(events=events))
            statuses = [result["status"] for result in results]
            self.stats.update(statuses)  # counted in C: once per event, it showed in the profile
            if "error" in statuses:
                for result in results:
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

"""The base class every supervision integration follows: outside input → generic event dicts → `ingest_events`."""

import datetime
import hashlib
import json
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson
from django.db import close_old_connections
from django.utils import timezone

from mutualis.core.sqlite_wal import WalCheckpointer
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.ingestion import IngestResult, ingest_events


class MappingError(ValueError):
    """A message an integration cannot read (its text, in French, goes to the ingest process' log)."""


@dataclass
class Mapped:
    """What one outside message means: generic events to ingest, and/or the source's own availability."""

    events: list[dict[str, Any]] = field(default_factory=list)
    # True / False when the message says the source (NVR, Frigate server) came online or went offline.
    source_online: bool | None = None
    # Why nothing was produced (a message we read but do not ingest, e.g. a tracked object's intermediate update).
    ignored: str = ""


def from_epoch(value: Any, what: str) -> datetime.datetime:
    """An aware UTC datetime from a Unix timestamp (Frigate's times), or a MappingError naming the field."""
    if type(value) is not float and type(value) is not int:  # JSON's numbers (a bool is not one)
        raise MappingError(f"« {what} » : horodatage Unix attendu.")
    try:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        raise MappingError(f"« {what} » : horodatage hors limites.") from None


def digest(value: Any) -> str:
    """A short stable fingerprint of a JSON value: two deliveries of the same message get the same event id."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_json_object(payload: bytes | str, what: str) -> dict[str, Any]:
    """A JSON object from a message body, or a MappingError."""
    try:
        # orjson: the standard decoder was a tenth of the MQTT ingest process. Stricter (no NaN, no integer past
        # 64 bits): such a body is refused as invalid JSON.
        data = orjson.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"{what} : JSON invalide ({exc}).") from None
    if not isinstance(data, dict):
        raise MappingError(f"{what} : un objet JSON est attendu.")
    return data


class Integration:
    """One protocol or vendor. Subclasses turn a message into `Mapped` with `map(...)`; `ingest(...)` sends the
    events through the one ingestion service, so that every rule (idempotency, correlation, legal frame) holds."""

    name: ClassVar[str] = ""

    def map(self, *args: Any, **kwargs: Any) -> Mapped:  # pragma: no cover - abstract
        raise NotImplementedError

    def ingest(self, *, source: EventSource, mapped: Mapped) -> list[IngestResult]:
        """Apply a mapped message: the source's availability, then its events (one transaction per batch)."""
        from mutualis.supervision.services.sources import source_set_online

        if mapped.source_online is not None:
            source_set_online(source=source, online=mapped.source_online, at=timezone.now())
        if not mapped.events:
            return []
        return ingest_events(source=source, events=mapped.events)


class IngestEngine:
    """The engine of a long-running ingest process (MQTT, ONVIF): `start()`, then `process()` in a loop with
    `reload()` of the sources now and then, `stop()`. Every database write happens in the thread that runs it."""

    label: ClassVar[str] = ""
    logger_name: ClassVar[str] = "mutualis.supervision"
    stats: Counter[str]

    def start(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def process(self, timeout: float = 1.0) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def reload(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def map_or_skip(self, where: str, mapping: Callable[..., Mapped], *args: Any) -> Mapped | None:
        """`mapping(*args)` for one message from `where` (a topic, a source), or None once the message is counted as a bad payload and logged: a
        MappingError with its reason, anything else (a bug of ours) with its trace. One message is lost, never the
        process nor the messages around it (raised, a bug stopped the process, and the unacknowledged message came
        back at every restart)."""
        try:
            return mapping(*args)
        except MappingError as exc:
            self.stats["bad_payloads"] += 1
            logging.getLogger(self.logger_name).warning("Skipped a bad message from %s: %s", where, exc)
        except Exception:
            self.stats["bad_payloads"] += 1
            logging.getLogger(self.logger_name).exception("Skipped a message from %s that could not be mapped", where)
        return None

    def run(self, stop: threading.Event, *, reload_every: float = 60.0, stats_every: float = 60.0) -> None:
        """Ingest until `stop` is set; re-read the sources and log the counters now and then. On SQLite the log is
        backfilled by a thread of its own meanwhile (`core.sqlite_wal`), not inside a batch's commit."""
        self.start()
        checkpointer = WalCheckpointer().start()
        next_reload = next_stats = time.monotonic()
        try:
            while not stop.is_set():
                self.process(timeout=0.5)
                now = time.monotonic()
                if now >= next_reload:
                    next_reload = now + reload_every
                    close_old_connections()
                    self.reload()
                if now >= next_stats:
                    next_stats = now + stats_every
                    logging.getLogger(self.logger_name).info("%s ingest: %s", self.label, dict(self.stats))
        finally:
            checkpointer.stop()
            self.stop()

    def run_until_signalled(self, *, reload_every: float = 60.0, stats_every: float = 60.0) -> None:
        """`run()` until SIGTERM or SIGINT (a process manager's stop, Ctrl-C), then a clean stop."""
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.run(stop, reload_every=reload_every, stats_every=stats_every)

"""The ONVIF ingest process' engine: one PullPoint worker thread per active ONVIF source, one ingesting thread.

Each worker only talks HTTP: it reads the device's clock, subscribes, pulls in a loop, renews before the
subscription ends, subscribes again after a fault or a lost connection (with a growing delay), and unsubscribes
when stopped. What it learns goes on a queue as reports (notifications received, device reachable or not, an
error); every database write happens in the thread that calls `process()` (the command's main thread, or a
test's), like the MQTT engine. Notifications go through the existing mapping, then `ingest_events`; the source
going unreachable is `source_set_online(online=False)` (a technical alarm on each of its sites), coming back
closes it. A notification that cannot be read is logged, counted and skipped; the others of its answer are kept.
"""

import datetime
import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from mutualis.core.context import audit_context
from mutualis.supervision.choices import EventKind, SourceKind
from mutualis.supervision.integrations.base import IngestEngine, Mapped, MappingError
from mutualis.supervision.integrations.onvif.credentials import CredentialError
from mutualis.supervision.integrations.onvif.mapping import (
    OnvifIntegration,
    notification_elements,
    parse_root,
    read_notification,
)
from mutualis.supervision.integrations.onvif.pullpoint import (
    OnvifConnectionError,
    OnvifError,
    OnvifFault,
    PullPointClient,
    Subscription,
)
from mutualis.supervision.models import EventSource

logger = logging.getLogger("mutualis.supervision.onvif")
# Below this, a device's clock offset is measurement noise (whole seconds, network delay): event times are kept.
CLOCK_TOLERANCE = datetime.timedelta(seconds=5)


@dataclass(frozen=True)
class Options:
    """How the workers talk to the devices (seconds, unless said)."""

    pull_timeout: float = 5.0  # PullMessages' Timeout: how long the device may hold an empty answer
    message_limit: int = 100
    termination: float = 120.0  # InitialTerminationTime and each Renew
    renew_margin: float = 30.0  # renew when the subscription has less than this left
    http_timeout: float = 10.0
    backoff_min: float = 1.0
    backoff_max: float = 60.0
    auth_backoff: float = 300.0  # a refused password is not retried every second (devices lock accounts)
    offline_after: int = 2  # consecutive failed attempts before the source is declared offline…
    offline_grace: float = 20.0  # …failing for this long (a device rebooting, or started after us, is no outage)
    heartbeat_every: float = 60.0  # a single-camera source's sign of life, at most this often


@dataclass(frozen=True)
class SourceConfig:
    """What a worker needs of its source, read in the ingesting thread (a change restarts the worker)."""

    pk: int
    name: str
    url: str
    username: str
    password: str


@dataclass
class Report:
    """What a worker tells the ingesting thread."""

    source_pk: int
    kind: str  # "notifications", "online", "offline", "error"
    envelope: bytes = b""
    message: str = ""
    clock_offset: datetime.timedelta = datetime.timedelta(0)  # the device's clock minus ours
    at: datetime.datetime = field(default_factory=timezone.now)


class SourceWorker(threading.Thread):
    """The PullPoint loop of one ONVIF device (HTTP only: no database access in this thread)."""

    def __init__(self, config: SourceConfig, reports: "queue.Queue[Report]", options: Options, stats: Counter[str]):
        super().__init__(name=f"onvif-{config.name}", daemon=True)
        self.config, self.reports, self.options, self.stats = config, reports, options, stats
        self.stopping = threading.Event()
        self.subscription: Subscription | None = None
        self.client = PullPointClient(
            config.url, username=config.username, password=config.password, timeout=options.http_timeout
        )

    def stop(self) -> None:
        """Ask the loop to end (it unsubscribes after the pull in progress)."""
        self.stopping.set()

    def _report(self, kind: str, **fields: Any) -> None:
        if kind in ("error", "offline") and self.stopping.is_set():
            return  # what fails while stopping (the device may be stopping too) is no outage
        self.reports.put(Report(self.config.pk, kind, **fields))

    def run(self) -> None:
        failures, delay, failing_since = 0, self.options.backoff_min, time.monotonic()
        while not self.stopping.is_set():
            if not failures:
                failing_since = time.monotonic()
            try:
                if self._session() or self.stopping.is_set():
                    failures, delay = 0, self.options.backoff_min
                    continue  # the subscription ended on the device's side: subscribe again at once
                # Gone before a single pull: a device that drops every subscription is not hammered.
                failures += 1
                self.stats["protocol_errors"] += 1
                message = "L'équipement ONVIF met fin à chaque abonnement aussitôt créé."
                logger.warning("ONVIF %s: subscription gone before any pull", self.config.name)
                self._report("error", message=message)
            except OnvifFault as fault:
                failures += 1
                if fault.is_auth:
                    self.stats["auth_failures"] += 1
                    message = f"Identifiants refusés par l'équipement ONVIF ({fault.reason})."
                    logger.error("ONVIF %s: credentials refused: %s", self.config.name, fault)
                    self._report("error", message=message)
                    self._report("offline", message=message)
                    self.stopping.wait(self.options.auth_backoff)
                    continue
                self.stats["faults"] += 1
                message = f"Faute ONVIF : {fault}"
                logger.warning("ONVIF %s: %s", self.config.name, fault)
                self._report("error", message=message)
            except OnvifConnectionError as exc:
                failures += 1
                self.stats["connection_errors"] += 1
                message = f"Équipement ONVIF injoignable : {exc}"
                logger.warning("ONVIF %s: unreachable: %s", self.config.name, exc)
            except OnvifError as exc:
                failures += 1
                self.stats["protocol_errors"] += 1
                message = f"Réponse ONVIF inattendue : {exc}"
                logger.warning("ONVIF %s: %s", self.config.name, exc)
                self._report("error", message=message)
            if self.stopping.is_set():
                break  # a pull cut short by the shutdown (the device may be stopping too) is no outage
            failing_for = time.monotonic() - failing_since
            if failures >= self.options.offline_after and failing_for >= self.options.offline_grace:
                self._report("offline", message=message)
            # The first failure is retried at once (a dropped keep-alive connection is common); then a growing delay.
            if failures > 1:
                self.stopping.wait(delay)
                delay = min(delay * 2, self.options.backoff_max)
        self._unsubscribe()

    def _session(self) -> int:
        """One subscription's life: subscribe, pull until stopped or the subscription is gone; returns how many
        pulls it answered."""
        client, options = self.client, self.options
        # A subscription left by a lost connection may still hold one of the device's few pull points.
        self._unsubscribe()
        try:
            client.sync_clock()
        except OnvifFault as fault:
            # Some devices want credentials even for the clock: the subscription's answer will give it instead.
            if not fault.is_auth:
                raise
        self.subscription = subscription = client.subscribe(datetime.timedelta(seconds=options.termination))
        self.stats["subscriptions"] += 1
        logger.info("ONVIF %s: subscribed (%s)", self.config.name, subscription.address)
        self._report("online")
        renew_supported, pulls = True, 0
        while not self.stopping.is_set():
            left = (
                (subscription.termination_time - client.device_now()).total_seconds()
                if subscription.termination_time is not None
                else None
            )
            if left is not None and left <= 0 and not renew_supported:
                self.stats["expired"] += 1
                self.subscription = None
                return pulls
            if renew_supported and left is not None and left < options.renew_margin:
                try:
                    client.renew(subscription, datetime.timedelta(seconds=options.termination))
                    self.stats["renewals"] += 1
                except OnvifFault as fault:
                    if fault.is_gone or fault.is_auth:
                        raise
                    # ActionNotSupported and the like: ONVIF Core lets the pulls alone keep the subscription.
                    renew_supported = False
                    logger.info("ONVIF %s: Renew refused (%s); the pulls keep it alive", self.config.name, fault)
            try:
                result = client.pull(
                    subscription, timeout=datetime.timedelta(seconds=options.pull_timeout), limit=options.message_limit
                )
            except OnvifFault as fault:
                if fault.is_gone:
                    # Expired or forgotten (a device restart): a new subscription, without calling it an outage.
                    self.stats["expired"] += 1
                    logger.info("ONVIF %s: subscription gone (%s); subscribing again", self.config.name, fault)
                    self.subscription = None
                    return pulls
                raise
            pulls += 1
            self.stats["pulls"] += 1
            self._report("notifications", envelope=result.envelope, clock_offset=client.clock_offset)
        return pulls

    def _unsubscribe(self) -> None:
        if self.subscription is None:
            return
        try:
            self.client.unsubscribe(self.subscription)
            self.stats["unsubscribed"] += 1
            logger.info("ONVIF %s: unsubscribed", self.config.name)
        except OnvifError as exc:
            logger.warning("ONVIF %s: Unsubscribe failed (%s); the device lets it expire", self.config.name, exc)
        self.subscription = None


@dataclass
class _Route:
    source: EventSource
    integration: OnvifIntegration
    worker: SourceWorker
    online: bool
    single_device: str = ""
    error: str = ""
    last_heartbeat: float | None = None


class OnvifIngestor(IngestEngine):
    """Every active ONVIF source's worker, and the ingestion of what they report: `start()`, then `process()` in
    a loop (and `reload()` now and then), `stop()`."""

    label = "ONVIF"
    logger_name = "mutualis.supervision.onvif"

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.stats: Counter[str] = Counter()
        self.routes: dict[int, _Route] = {}
        self.reports: queue.Queue[Report] = queue.Queue()

    # --- sources ---------------------------------------------------------------------------------------------------

    def _config(self, source: EventSource) -> SourceConfig | None:
        from mutualis.supervision.services.sources import source_onvif_password, source_report_error

        try:
            password = source_onvif_password(source)
        except CredentialError as exc:
            logger.error("ONVIF %s: %s", source.name, exc)
            source_report_error(source=source, message=str(exc))
            return None
        return SourceConfig(source.pk, source.name, source.onvif_url, source.onvif_username, password)

    def reload(self) -> None:
        """Read the active ONVIF sources: start workers for new ones, stop those removed, deactivated or changed."""
        wanted: dict[int, tuple[EventSource, SourceConfig]] = {}
        for source in EventSource.objects.filter(kind=SourceKind.ONVIF, is_active=True).exclude(onvif_url=""):
            config = self._config(source)
            if config is not None:
                wanted[source.pk] = (source, config)
        for pk in list(self.routes):
            if pk not in wanted or wanted[pk][1] != self.routes[pk].worker.config:
                self._stop_route(pk)
        for pk, (source, config) in wanted.items():
            externals = list(source.devices.exclude(external_id="").values_list("external_id", flat=True)[:2])
            single = externals[0] if len(externals) == 1 else ""
            if pk in self.routes:
                # Same device settings: keep the worker, but follow the devices (one camera, or an NVR's several).
                route = self.routes[pk]
                route.source, route.single_device = source, single
                route.integration = OnvifIntegration(device=single)
                continue
            worker = SourceWorker(config, self.reports, self.options, self.stats)
            self.routes[pk] = _Route(
                source, OnvifIntegration(device=single), worker, source.online, single, error=source.last_error
            )
            worker.start()
            logger.info("ONVIF %s: worker started for %s", source.name, config.url)

    def _stop_route(self, pk: int, *, wait: bool = True) -> None:
        route = self.routes.pop(pk)
        route.worker.stop()
        if wait:
            route.worker.join(timeout=self.options.pull_timeout + self.options.http_timeout * 2)
        logger.info("ONVIF %s: worker stopped", route.source.name)

    # --- life cycle ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start a worker for each active ONVIF source."""
        self.reload()

    def stop(self) -> None:
        """Stop every worker (each unsubscribes), then ingest what they reported meanwhile."""
        for route in self.routes.values():
            route.worker.stop()
        for route in self.routes.values():
            route.worker.join(timeout=self.options.pull_timeout + self.options.http_timeout * 2)
        while self.process(timeout=0):
            pass
        for pk in list(self.routes):
            self._stop_route(pk, wait=False)

    # --- ingestion (caller's thread) -------------------------------------------------------------------------------

    def process(self, timeout: float = 1.0) -> int:
        """Handle the reports that arrived (waiting up to `timeout` for a first one); returns how many."""
        handled = 0
        try:
            report = self.reports.get(timeout=timeout) if timeout > 0 else self.reports.get_nowait()
        except queue.Empty:
            return 0
        while True:
            self._safe_handle(report)
            handled += 1
            try:
                report = self.reports.get_nowait()
            except queue.Empty:
                return handled

    def _safe_handle(self, report: Report) -> None:
        route = self.routes.get(report.source_pk)
        if route is None:
            return  # a worker stopped since (source removed or changed): what it said no longer applies
        try:
            with audit_context(origin=f"onvif:{route.source.name}"):
                self._handle(route, report)
        except Exception:
            # A bug must not stop the supervision of every other site: logged with its trace, counted, skipped.
            self.stats["failed"] += 1
            logger.exception("ONVIF %s: ingestion failed", route.source.name)

    def _handle(self, route: _Route, report: Report) -> None:
        from mutualis.supervision.services.sources import source_report_error, source_set_online

        if report.kind == "error":
            if report.message != route.error:
                route.error = report.message
                source_report_error(source=route.source, message=report.message, at=report.at)
            return
        if report.kind == "offline":
            if route.online:
                route.online = False
                self.stats["offline"] += 1
                source_set_online(source=route.source, online=False, at=report.at)
            return
        if not route.online or route.error:
            # Subscribed (or pulled) again: the device is back.
            if not route.online:
                self.stats["online"] += 1
                source_set_online(source=route.source, online=True, at=report.at)
            route.online = True
            if route.error:
                route.error = ""
                source_report_error(source=route.source, message="")
        if report.kind == "notifications":
            self._ingest(route, report)

    def _ingest(self, route: _Route, report: Report) -> None:
        events: list[dict[str, Any]] = []
        try:
            elements = notification_elements(parse_root(report.envelope))
        except MappingError as exc:
            self.stats["bad_payloads"] += 1
            logger.warning("ONVIF %s: skipped an unreadable answer: %s", route.source.name, exc)
            elements = []
        for element in elements:
            self.stats["received"] += 1
            mapped = self.map_or_skip(route.source.name, self._map, route, element)
            if mapped is None:
                continue
            if mapped.ignored and not mapped.events:
                self.stats["ignored"] += 1
            for event in mapped.events:
                if abs(report.clock_offset) >= CLOCK_TOLERANCE:
                    # The device's clock is off: the alarm gets our time, the event keeps what the device said.
                    event["data"]["device_utc_time"] = event["occurred_at"].isoformat()
                    event["occurred_at"] -= report.clock_offset
                events.append(event)
        events.extend(self._heartbeat(route, report.at))
        if not events:
            return
        for result in route.integration.ingest(source=route.source, mapped=Mapped(events=events)):
            self.stats[result["status"]] += 1
            if result["status"] == "error":
                logger.warning("ONVIF %s: event %s refused: %s", route.source.name, result["id"], result["errors"])

    @staticmethod
    def _map(route: _Route, element: Any) -> Mapped:
        return route.integration.map_notification(read_notification(element))

    def _heartbeat(self, route: _Route, at: datetime.datetime) -> list[dict[str, Any]]:
        """A single-camera source that answers is a camera alive (camera health); an NVR's answer says nothing of
        each of its cameras (their VideoSource/SignalLoss does)."""
        if not route.single_device:
            return []
        now = time.monotonic()
        if route.last_heartbeat is not None and now - route.last_heartbeat < self.options.heartbeat_every:
            return []
        route.last_heartbeat = now
        self.stats["heartbeats"] += 1
        return [
            {
                "id": f"onvif-alive:{route.single_device}:{at:%Y%m%dT%H%M%S.%f}",
                "device": route.single_device,
                "kind": EventKind.HEARTBEAT,
                "occurred_at": at,
            }
        ]

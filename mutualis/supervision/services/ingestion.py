"""Event ingestion: the one entry point every source goes through (HTTP, MQTT, ONVIF, the simulator, the bench).

`ingest_events(source=…, events=[…])` checks each event, keeps the valid ones (idempotent on (source, id)), and
correlates them into alarms in one transaction per batch: an event updates the open alarm of the same device and
kind within the site's window, or the open alarm of its source's `data.correlation_id` (a Frigate review's
update/end), or — by the site's merge rule — the door-forced/motion alarm of the same site; otherwise it raises a
new alarm with the site's priority for its kind. Health events keep the device's state (heartbeat, offline →
technical alarm, online → closes it). The results are returned once the transaction has committed.
"""

import datetime
import re
from collections import defaultdict
from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mutualis.core.bulk import (
    Compiled,
    add_to_counts,
    column,
    datetime_column,
    db_datetime,
    db_json,
    insert_returning,
    insert_rows,
    list_slot,
    present,
    read_datetime,
    update_rows,
    writer_lock,
)
from mutualis.supervision.choices import (
    DEFAULT_PRIORITIES,
    HEALTH_KINDS,
    AlarmCategory,
    AlarmStatus,
    EventKind,
    Priority,
    Severity,
    TechnicalKind,
    TimelineKind,
)
from mutualis.supervision.models import (
    Alarm,
    Device,
    DeviceActivity,
    EscalationContact,
    Event,
    EventSource,
    PriorityRule,
    TimelineEntry,
)
from mutualis.supervision.realtime import publish_alarms
from mutualis.supervision.services.alarms import (
    hour_start,
    technical_alarm_raise,
    technical_alarm_resolve,
)
from mutualis.supervision.services.open_alarms import MERGE_KINDS, OpenAlarm, memory

MAX_BATCH = 10_000
# Events further in the future than this are refused (a clock gone wrong would otherwise hold an alarm open).
MAX_FUTURE = datetime.timedelta(hours=1)
_HOUR = datetime.timedelta(hours=1)  # the span DeviceActivity counts in
_url = URLValidator(schemes=["http", "https"])
_ORIGIN_END = re.compile(r"[/?#]")
_SPACE = re.compile(r"\s")
_origins: dict[str, bool] = {}  # scheme://host[:port] → valid, for snapshot_url_is_valid


def snapshot_url_is_valid(url: str) -> bool:
    """Whether Django's URLValidator (http, https) accepts the address, at a microsecond instead of 24: its costly
    part, the host, is checked once per origin (scheme, host, port), and what follows only has to be free of
    spaces — which is all the validator's pattern asks of a path, query and fragment. (Stricter in one contrived
    case: user info holding « ? » or « # ».) A Frigate review names a snapshot on its server: checked in full, that
    was a sixth of a review's whole cost, mapping and ingestion (callgrind)."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return False
    end = _ORIGIN_END.search(url, scheme_end + 3)
    origin = url if end is None else url[: end.start()]
    if end is not None and _SPACE.search(url, end.start()):
        return False
    valid = _origins.get(origin)
    if valid is None:
        try:
            _url(origin)
            valid = True
        except ValidationError:
            valid = False
        if len(_origins) >= 4096:  # a source of random hosts: forget, rather than grow
            _origins.clear()
        _origins[origin] = valid
    return valid


_ALIVE = frozenset({EventKind.ONLINE, EventKind.HEARTBEAT})
# Enum `.values` builds a new list at each call: once per event was a tenth of the ingestion time.
_KINDS = frozenset(EventKind.values)
_SEVERITIES = frozenset(Severity.values)


class IngestResult(TypedDict):
    """What became of one event of a batch."""

    index: int
    id: str | None
    status: str  # "created", "duplicate" or "error"
    alarm: int | None
    errors: dict[str, list[str]]


class _Clean(TypedDict):
    index: int
    id: str
    device: str
    kind: str
    occurred_at: datetime.datetime
    severity: str
    zone: str
    snapshot_url: str
    data: dict[str, Any]


class _Ready(_Clean):
    """A checked event with what storing it needs that no other batch can change, prepared before the batch waits
    for the database (two HTTP workers prepare one batch while the other writes)."""

    ref: str  # the alarm key of its correlation id, "" without one
    stored: tuple[Any, Any]  # occurred_at and data as the columns hold them
    hour: Any  # the hour its activity counts in, as the column holds it (None for a heartbeat)


def _text(value: Any, limit: int) -> str | None:
    if type(value) is str:  # nearly always
        text = value.strip()
    elif isinstance(value, bool) or not isinstance(value, str | int):
        return None
    else:
        text = str(value).strip()
    return text if 0 < len(text) <= limit else None


def clean_event(raw: Any, index: int, now: datetime.datetime) -> tuple[_Clean | None, dict[str, list[str]]]:
    """Check one event's generic fields; return it cleaned, or its errors by field (French)."""
    errors: dict[str, list[str]] = {}  # one message a field at most
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Un événement est un objet JSON.")]}
    event_id = _text(raw.get("id"), 160)
    if event_id is None:
        errors["id"] = [_("Identifiant de l'événement manquant ou trop long (160 caractères au plus).")]
    device = _text(raw.get("device"), 128)
    if device is None:
        errors["device"] = [_("Identifiant de l'équipement manquant ou trop long.")]
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        errors["kind"] = [_("Nature inconnue : %(kind)s.") % {"kind": str(kind)[:40]}]
    occurred = raw.get("occurred_at")
    occurred_at = occurred if isinstance(occurred, datetime.datetime) else None
    if isinstance(occurred, str):
        try:
            occurred_at = datetime.datetime.fromisoformat(occurred)  # C, and most sources write this form
        except ValueError:
            try:
                occurred_at = parse_datetime(occurred)
            except ValueError:
                occurred_at = None
    if occurred_at is None:
        errors["occurred_at"] = [_("Date ISO 8601 attendue (ex. 2026-03-02T10:15:00+01:00).")]
    elif occurred_at.tzinfo is not datetime.UTC and timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("La date doit indiquer son décalage horaire (+01:00, Z…).")]
        occurred_at = None
    elif occurred_at - now > MAX_FUTURE:
        errors["occurred_at"] = [_("Date dans le futur.")]
    severity = raw.get("severity") or ""
    if not isinstance(severity, str) or (severity not in _SEVERITIES and severity != ""):
        errors["severity"] = [_("Gravité inconnue (info, detection, alert, critical).")]
    zone = raw.get("zone") or ""
    if not isinstance(zone, str) or len(zone) > 128:
        errors["zone"] = [_("Zone : texte de 128 caractères au plus.")]
    snapshot_url = raw.get("snapshot_url") or ""
    if (
        not isinstance(snapshot_url, str)
        or len(snapshot_url) > 500
        or (snapshot_url and not snapshot_url_is_valid(snapshot_url))
    ):
        errors["snapshot_url"] = [_("Adresse de vignette invalide.")]
    data = raw.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors["data"] = [_("« data » doit être un objet JSON.")]
    if errors:
        return None, errors
    assert event_id is not None and device is not None and occurred_at is not None
    clean: _Clean = {
        "index": index,
        "id": event_id,
        "device": device,
        "kind": str(kind),
        "occurred_at": occurred_at,
        "severity": severity,
        "zone": zone.strip(),
        "snapshot_url": snapshot_url,
        "data": data if isinstance(data, dict) else {},
    }
    return clean, {}


def _result(index: int, event_id: Any, status: str, alarm: int | None = None, errors: Any = None) -> IngestResult:
    return {
        "index": index,
        "id": None if event_id is None else str(event_id)[:160],
        "status": status,
        "alarm": alarm,
        "errors": errors or {},
    }


def ingest_events(*, source: EventSource, events: list[dict[str, Any]]) -> list[IngestResult]:
    """Store a batch of a source's events and correlate them into alarms; one result per event, in order."""
    now = timezone.now()
    results: list[IngestResult | None] = [None] * len(events)
    if len(events) > MAX_BATCH:
        message = _("Lot trop grand : %(n)s événements au plus.") % {"n": MAX_BATCH}
        return [_result(i, None, "error", errors={"non_field_errors": [message]}) for i in range(len(events))]
    cleaned: list[_Clean] = []
    for index, raw in enumerate(events):
        event, errors = clean_event(raw, index, now)
        if event is None:
            results[index] = _result(index, raw.get("id") if isinstance(raw, dict) else None, "error", errors=errors)
        else:
            cleaned.append(event)
    ready = _prepare(source, cleaned)
    # Events already stored, looked up before the batch waits for the database (while another batch writes): one
    # that another batch stores meanwhile makes our insert fail on the unique (source, id), and the batch is stored
    # again with the lookup made inside its transaction.
    known: set[str] | None = _known(source, ready) if ready else set()
    for attempt in range(2):
        try:
            created = _store(source, ready, now, known)
            break
        except IntegrityError:
            known = None
            if attempt:
                raise
    for index, result in created.items():
        results[index] = result
    return [r for r in results if r is not None]


def _prepare(source: EventSource, cleaned: list[_Clean]) -> list[_Ready]:
    """The events with their database values and correlation keys, computed outside the batch's transaction (each
    event's own dict completed in place: copying it was a tenth of this)."""
    to_db, to_json = db_datetime(), db_json(Event, "data")
    no_data = to_json({})  # most events carry none: encoded once
    prefix = f"{source.pk}:"
    # A batch's events fall in an hour or two: each hour converted once, the last one checked by two comparisons
    # (for an event of the same offset: the hour of another, +05:30 say, starts elsewhere).
    start = end = hour = zone = None
    for event in cleaned:
        at, data = event["occurred_at"], event["data"]
        ref = data.get("correlation_id")
        ready = cast(_Ready, event)
        ready["ref"] = prefix + str(ref)[:120] if ref is not None and ref != "" else ""
        ready["stored"] = (to_db(at), to_json(data) if data else no_data)
        if event["kind"] == EventKind.HEARTBEAT:
            ready["hour"] = None
            continue
        if at.tzinfo is not zone or not start <= at < end:  # type: ignore[operator]  # set together with zone
            start, zone = hour_start(at), at.tzinfo
            end, hour = start + _HOUR, to_db(start)
        ready["hour"] = hour
    return cast(list[_Ready], cleaned)


class _Device:
    """What the correlation reads of a device and its site (a tuple row, not an ORM instance: a batch reads
    hundreds, and building model instances was a third of the ingestion time)."""

    __slots__ = ("pk", "name", "site_id", "is_supervised", "online", "window", "merge", "merge_window", "last_event",
                 "last_heartbeat")  # fmt: skip

    def __init__(self, row: tuple[Any, ...], to_datetime: Any) -> None:
        (self.pk, self.name, self.site_id, self.is_supervised, self.online, self.window, self.merge,
         self.merge_window, last_event, last_heartbeat) = row  # fmt: skip
        self.last_event, self.last_heartbeat = to_datetime(last_event), to_datetime(last_heartbeat)


_DEVICE_COLUMNS = (
    "pk", "name", "protected_site_id", "is_supervised", "online", "protected_site__correlation_window_seconds",
    "protected_site__merge_door_forced_motion", "protected_site__merge_window_seconds", "clock_event",
    "clock_heartbeat",
)  # fmt: skip
# A device's last event and last sign of life are kept to the second: in a storm a camera sends several events a
# second, and rewriting its row at every batch for a few milliseconds more was a tenth of the batch.
DEVICE_CLOCK_STEP = datetime.timedelta(seconds=1)


# Written on a new alarm (the other columns take their defaults, prepared once a batch).
_NEW_ALARM_FIELDS = (
    "protected_site", "device", "category", "kind", "title", "priority", "status", "source_ref", "zone",
    "snapshot_url", "first_event_at", "last_event_at", "event_count", "next_escalation_at",
)  # fmt: skip
_EVENT_FIELDS = (
    "source", "source_event_id", "device", "kind", "occurred_at", "received_at", "severity", "zone", "snapshot_url",
    "data", "alarm",
)  # fmt: skip


# The queries every batch runs, compiled once (for a batch of ten events, the ORM took longer to build them than
# the database to run them). The devices are looked up on their unique (source, id) index whatever the planner's
# statistics say (`among`, and the index's condition, as clean_event refuses an empty id): with a storm's stale
# statistics PostgreSQL compared every device of the source with every name of the batch (18 ms a batch for a
# hundred events, against 1). The known events likewise, by `present`.
_DEVICES = Compiled(
    lambda source, ids: (
        Device.objects.filter(source=source, external_id__among=list_slot(ids))
        .exclude(external_id="")
        .order_by()
        .annotate(clock_event=datetime_column("last_event_at"), clock_heartbeat=datetime_column("last_heartbeat_at"))
        .values_list("external_id", *_DEVICE_COLUMNS)
    ),
    2,
)
_PRIORITIES = Compiled(
    lambda sites: PriorityRule.objects.filter(protected_site_id__among=list_slot(sites)).values_list(
        "protected_site_id", "kind", "priority"
    ),
    1,
)
# The first step of each site's escalation chain (the lowest position wins: read last).
_FIRST_DELAYS = Compiled(
    lambda sites: (
        EscalationContact.objects.filter(protected_site_id__among=list_slot(sites), is_active=True)
        .order_by("protected_site_id", "-position")
        .values_list("protected_site_id", "delay_minutes")
    ),
    1,
)


def _touch_source(source: EventSource, now: datetime.datetime) -> None:
    """The source was heard from now (one constant statement); one that was offline is back: its technical alarms
    close, as when its own availability message says so."""
    quote = connection.ops.quote_name
    table = quote(EventSource._meta.db_table)
    online = quote(column(EventSource, "online"))
    sql = (
        f"UPDATE {table} SET {quote(column(EventSource, 'last_seen_at'))} = %s "  # noqa: S608 - names from the model
        f"WHERE {quote(str(EventSource._meta.pk.column))} = %s AND {online} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_datetime()(now), source.pk, True])
        back = cursor.rowcount == 0
    if back:
        from mutualis.supervision.services.sources import source_set_online

        source_set_online(source=source, online=True, at=now)


def _known(source: EventSource, events: list[_Ready]) -> set[str]:
    """The ids of these events the source has already sent (stored)."""
    return present(Event, "source_event_id", [e["id"] for e in events], source=source.pk)


def _store(
    source: EventSource, cleaned: list[_Ready], now: datetime.datetime, known: set[str] | None
) -> dict[int, IngestResult]:
    results: dict[int, IngestResult] = {}
    remembered = memory()
    outermost = not connection.in_atomic_block
    try:
        with writer_lock(), transaction.atomic():
            remembered.opening(outermost)
            # First statement of the batch: on PostgreSQL it locks the source's row, so that two batches of one source
            # (two HTTP workers) correlate one after the other, never both counting from the same alarm state; SQLite
            # serialises writers already.
            _touch_source(source, now)
            remembered.confirm()  # the open alarms of the last batch still hold, or are read again
            _write(source, cleaned, known, results)
    except BaseException:
        remembered.forget()  # its alarms were changed in memory by a batch rolled back
        raise
    remembered.seal()
    return results


def _write(
    source: EventSource, cleaned: list[_Ready], known: set[str] | None, results: dict[int, IngestResult]
) -> None:
    """Inside the batch's transaction: the new events, the alarms they raise or feed, device state and activity."""
    to_datetime = read_datetime()
    devices = {
        row[0]: _Device(row[1:], to_datetime) for row in _DEVICES.rows(source.pk, {e["device"] for e in cleaned})
    }
    known = known if known is not None else _known(source, cleaned)
    fresh: list[tuple[_Ready, _Device]] = []
    for event in cleaned:
        device = devices.get(event["device"])
        if device is None:
            results[event["index"]] = _result(
                event["index"],
                event["id"],
                "error",
                errors={"device": [_("Équipement inconnu de cette source : %(d)s.") % {"d": event["device"]}]},
            )
        elif event["id"] in known:
            results[event["index"]] = _result(event["index"], event["id"], "duplicate")
        else:
            known.add(event["id"])
            fresh.append((event, device))
    if fresh:
        refs = {e["ref"] for e, _d in fresh} - {""}
        earliest = min(e["occurred_at"] for e, _d in fresh)
        # An event with a correlation id joins that id's alarm, never one found by (device, kind).
        pairs = {(device.pk, event["kind"]) for event, device in fresh if not event["ref"]}
        correlator = _Correlator(source, [device for _e, device in fresh], pairs, refs, earliest)
        alarms = [correlator.handle(event, device) for event, device in fresh]
        correlator.save()  # each new alarm has its primary key by now
        received = db_datetime()(timezone.now())
        insert_rows(
            Event,
            _EVENT_FIELDS,
            [
                (source.pk, e["id"], d.pk, e["kind"], e["stored"][0], received, e["severity"], e["zone"],
                 e["snapshot_url"], e["stored"][1], a.pk if a is not None else None)
                for (e, d), a in zip(fresh, alarms, strict=True)
            ],
        )  # fmt: skip
        for (event, _device), alarm in zip(fresh, alarms, strict=True):
            results[event["index"]] = _result(
                event["index"], event["id"], "created", alarm=alarm.pk if alarm is not None else None
            )
        _count_activity(fresh)
        correlator.after_events()


def _keep_changes(update: dict[str, Any], device: _Device) -> None:
    """Leave in a device's update only what changes its row: the online flag when it flips, a last event or sign
    of life at least DEVICE_CLOCK_STEP later than the stored one (never an older one: a late event does not set the
    clock back)."""
    if update.get("online") == device.online:
        del update["online"]
    for name, stored in (("last_event_at", device.last_event), ("last_heartbeat_at", device.last_heartbeat)):
        if name in update and stored is not None and update[name] < stored + DEVICE_CLOCK_STEP:
            del update[name]


def _count_activity(fresh: list[tuple[_Ready, _Device]]) -> None:
    """Add the batch's events to each device's hourly counts (heartbeats are not activity)."""
    counts: dict[tuple[int, Any], int] = defaultdict(int)
    for event, device in fresh:
        if event["hour"] is not None:
            counts[(device.pk, event["hour"])] += 1
    add_to_counts(DeviceActivity, ("device", "hour"), "count", [(*k, n) for k, n in counts.items()])


def _new_alarm_defaults() -> dict[str, Any]:
    """The database values of the columns a new alarm leaves to their defaults (and auto_now), prepared once."""
    template = Alarm()
    return {
        field.name: field.get_db_prep_save(field.pre_save(template, add=True), connection)
        for field in Alarm._meta.concrete_fields
        if not field.primary_key and field.name not in _NEW_ALARM_FIELDS
    }


class _Correlator:
    """Correlation state of one batch: the open alarms of its devices, sites and correlation ids, loaded once."""

    def __init__(
        self,
        source: EventSource,
        devices: list[_Device],
        pairs: set[tuple[int, str]],
        refs: set[str],
        earliest: datetime.datetime,
    ) -> None:
        # Not every open alarm of the batch's sites (they pile up in a storm nobody has closed yet): the correlation
        # only looks up the open alarms of the batch's (device, kind) pairs, those of its correlation ids, and the latest
        # door-forced/motion alarm of each site whose merge rule is on. Loading just these, in order, gives the maps.
        # A device's alarm whose last event is further from the batch's earliest event than any window of its sites
        # can feed none of the batch's events: left out.
        self.source = source
        device_ids = {d.pk for d in devices}
        site_ids = {d.site_id for d in devices}
        merge_sites = {d.site_id for d in devices if d.merge}
        floor = earliest - datetime.timedelta(seconds=max(d.window for d in devices))
        loaded = {alarm.pk: alarm for alarm in memory().alarms(pairs, refs, merge_sites, floor)}
        self.by_device_kind: dict[tuple[int, str], OpenAlarm] = {}
        self.by_ref: dict[str, OpenAlarm] = {}
        # The latest open alarm of each merge kind, per site (a forced door looks up motion, motion a forced door).
        self.merge_by_site: dict[tuple[int, str], OpenAlarm] = {}
        # In the order of their last event: the latest alarm of a key is the one the maps keep.
        for alarm in sorted(loaded.values(), key=lambda a: (a.last_event_at, a.pk)):
            if alarm.device_id in device_ids and alarm.site_id in site_ids and alarm.last_event_at >= floor:
                self.by_device_kind[(alarm.device_id, alarm.kind)] = alarm  # type: ignore[index]  # in device_ids
            if alarm.source_ref:
                self.by_ref[alarm.source_ref] = alarm
            if alarm.kind in MERGE_KINDS and alarm.site_id in merge_sites:
                self.merge_by_site[(alarm.site_id, alarm.kind)] = alarm
        self.priorities = memory().priorities(site_ids, _PRIORITIES.rows)
        self.new: list[OpenAlarm] = []
        self.changed: dict[int, OpenAlarm] = {}
        self.timeline: list[tuple[OpenAlarm, str, str, datetime.datetime, dict[str, Any]]] = []
        self.device_updates: dict[int, dict[str, Any]] = {}
        self.touched: dict[int, _Device] = {}
        self.health: list[tuple[_Ready, _Device]] = []
        self.labels: dict[str, str] = {}
        self.moved: list[tuple[int | None, str, int]] = []  # (device, kind, site) keys an alarm left

    def label(self, kind: str) -> str:
        """The kind's French label (translated once a batch, not once an event)."""
        if kind not in self.labels:
            self.labels[kind] = str(EventKind(kind).label)
        return self.labels[kind]

    def _touch_device(self, device: _Device, event: _Ready) -> None:
        self.touched[device.pk] = device
        update = self.device_updates.setdefault(device.pk, {})
        at = event["occurred_at"]
        if event["kind"] == EventKind.HEARTBEAT or event["kind"] == EventKind.ONLINE:
            update["last_heartbeat_at"] = max(at, update.get("last_heartbeat_at", at))
            update["online"] = True
        elif event["kind"] == EventKind.OFFLINE:
            update["online"] = False
        else:
            update["last_event_at"] = max(at, update.get("last_event_at", at))

    def handle(self, event: _Ready, device: _Device) -> OpenAlarm | None:
        """The alarm this event feeds (None for health events and unsupervised devices)."""
        self._touch_device(device, event)
        kind = event["kind"]
        if kind in HEALTH_KINDS or kind in (EventKind.OFFLINE, EventKind.STORAGE_FAILURE):
            self.health.append((event, device))
            return None
        if not device.is_supervised:
            return None
        at = event["occurred_at"]
        ref_key = event["ref"]
        alarm = self.by_ref.get(ref_key) if ref_key else None
        if alarm is None and not ref_key:
            candidate = self.by_device_kind.get((device.pk, kind))
            if candidate is not None and abs(at - candidate.last_event_at) <= datetime.timedelta(seconds=device.window):
                alarm = candidate
        if alarm is None and device.merge and kind in MERGE_KINDS:
            # The rule joins a forced door and the motion around it, not the motions of every camera of the site.
            other = EventKind.MOTION if kind == EventKind.DOOR_FORCED else EventKind.DOOR_FORCED
            candidate = self.merge_by_site.get((device.site_id, other))
            window = datetime.timedelta(seconds=device.merge_window)
            if candidate is not None and abs(at - candidate.last_event_at) <= window:
                alarm = candidate
        if alarm is None:
            alarm = self._new_alarm(event, device, ref_key)
        else:
            self._attach(alarm, event, device)
        self.by_device_kind[(device.pk, kind)] = alarm
        if ref_key:
            self.by_ref[ref_key] = alarm
        if alarm.kind in MERGE_KINDS:
            self.merge_by_site[(device.site_id, alarm.kind)] = alarm
        return alarm

    def _priority(self, site_id: int, kind: str, severity: str) -> int:
        priority = self.priorities.get((site_id, kind))
        if priority is None:
            priority = DEFAULT_PRIORITIES.get(kind, Priority.MEDIUM)
        if severity == "critical":
            priority = max(Priority.CRITICAL, priority - 1)
        return priority

    def _new_alarm(self, event: _Ready, device: _Device, ref_key: str) -> OpenAlarm:
        at = event["occurred_at"]
        title = f"{self.label(event['kind'])} — {device.name}"[:255]
        alarm = OpenAlarm(
            pk=None,
            site_id=device.site_id,
            device_id=device.pk,
            kind=event["kind"],
            title=title,
            priority=self._priority(device.site_id, event["kind"], event["severity"]),
            source_ref=ref_key,
            zone=event["zone"],
            snapshot_url=event["snapshot_url"],
            last_event_at=at,
            event_count=1,
        )
        self.new.append(alarm)
        self.timeline.append((alarm, TimelineKind.CREATED, title, at, {"event": event["id"]}))
        return alarm

    def _attach(self, alarm: OpenAlarm, event: _Ready, device: _Device) -> None:
        at = event["occurred_at"]
        merged = device.pk != alarm.device_id or event["kind"] != alarm.kind
        alarm.event_count += 1
        alarm.last_event_at = max(alarm.last_event_at, at)
        if event["snapshot_url"] and event["snapshot_url"] != alarm.snapshot_url:
            alarm.snapshot_url = event["snapshot_url"]
            alarm.dirty.add("snapshot_url")
        if event["zone"] and not alarm.zone:
            alarm.zone = event["zone"]
            alarm.dirty.add("zone")
        priority = self._priority(device.site_id, event["kind"], event["severity"])
        if priority < alarm.priority:
            alarm.priority = priority
            alarm.dirty.add("priority")
        if event["kind"] == EventKind.DOOR_FORCED and alarm.kind == EventKind.MOTION:
            # The merge rule: a forced door is what the incident is about, motion its follow-up.
            self.moved.append((alarm.device_id, alarm.kind, alarm.site_id))
            if self.merge_by_site.get((device.site_id, EventKind.MOTION)) is alarm:
                del self.merge_by_site[(device.site_id, EventKind.MOTION)]  # no longer a motion alarm
            alarm.kind, alarm.device_id = EventKind.DOOR_FORCED, device.pk
            alarm.title = f"{self.label(EventKind.DOOR_FORCED)} — {device.name}"[:255]
            alarm.dirty.update(("kind", "device_id", "title"))
        if alarm.pk:
            self.changed[alarm.pk] = alarm
        # The events table of the alarm lists every event; the timeline notes those that join it from another
        # device or of another kind (a merge, a correlation id), not each repetition.
        if merged:
            text = f"{self.label(event['kind'])} — {device.name}"
            self.timeline.append((alarm, TimelineKind.EVENT, text, at, {"event": event["id"]}))

    def save(self) -> None:
        """Write the new alarms (multi-row INSERT returning their keys), the changed ones and the timeline lines
        (one executemany each), and tell the consoles once for the batch."""
        to_db = db_datetime()
        delays = dict(_FIRST_DELAYS.rows({a.site_id for a in self.new})) if self.new else {}
        for alarm in self.new:
            delay = delays.get(alarm.site_id)
            if delay is not None:
                alarm.next_escalation_at = alarm.first_event_at + datetime.timedelta(minutes=delay)
        if self.new:
            defaults = _new_alarm_defaults()
            names = [*_NEW_ALARM_FIELDS, *defaults]
            constant = tuple(defaults.values())
            rows = [
                (a.site_id, a.device_id, AlarmCategory.SECURITY, a.kind, a.title, a.priority, AlarmStatus.NEW,
                 a.source_ref, a.zone, a.snapshot_url, to_db(a.first_event_at), to_db(a.last_event_at),
                 a.event_count, to_db(a.next_escalation_at), *constant)
                for a in self.new
            ]  # fmt: skip
            for alarm, pk in zip(self.new, insert_returning(Alarm, names, rows), strict=True):
                alarm.pk = pk
        # The consoles read alarms changed since their cursor: updated_at must move. One executemany per set of
        # changed fields (most alarms only count one more event).
        updated = to_db(timezone.now())
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for a in self.changed.values():
            dirty = tuple(sorted(a.dirty))
            groups[dirty].append(
                (a.event_count, to_db(a.last_event_at), updated, *(getattr(a, name) for name in dirty), a.pk)
            )
        for dirty, rows in groups.items():
            update_rows(Alarm, ("event_count", "last_event_at", "updated_at", *dirty), rows)
        data = db_json(TimelineEntry, "data")
        insert_rows(
            TimelineEntry,
            ["alarm", "at", "kind", "text", "data"],
            [(a.pk, to_db(at), k, t, data(d)) for a, k, t, at, d in self.timeline],
        )
        publish_alarms([a.pk for a in self.new if a.pk is not None] + list(self.changed))
        memory().learn([*self.new, *self.changed.values()], self.moved)

    def after_events(self) -> None:
        """Device state (heartbeat, online, last event) and the technical alarms health events raise or close."""
        to_db = db_datetime()
        # Grouped by the fields each device changes (events, heartbeats, or both), one executemany per group.
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for pk, update in self.device_updates.items():
            _keep_changes(update, self.touched[pk])
            if not update:
                continue
            names = tuple(sorted(update))
            groups[names].append((*(to_db(update[n]) if n.endswith("_at") else update[n] for n in names), pk))
        for names, rows in groups.items():
            update_rows(Device, names, rows)
        # Heartbeats of devices online (and not offline earlier in the batch) change nothing more; the technical
        # alarm services take the device and its site, loaded for the few events left.
        offline = {d.pk for e, d in self.health if e["kind"] == EventKind.OFFLINE}
        health = [(e, d) for e, d in self.health if e["kind"] not in _ALIVE or not d.online or d.pk in offline]
        if not health:
            return
        full = Device.objects.select_related("protected_site").in_bulk({d.pk for _e, d in health})
        for event, light in health:
            kind, at, device = event["kind"], event["occurred_at"], full[light.pk]
            if kind == EventKind.OFFLINE:
                technical_alarm_raise(
                    protected_site=device.protected_site,
                    device=device,
                    technical_kind=TechnicalKind.OFFLINE,
                    title=_("%(device)s hors ligne") % {"device": device.name},
                    at=at,
                )
                light.online = False  # back online later in the same batch closes it
            elif kind == EventKind.STORAGE_FAILURE:
                technical_alarm_raise(
                    protected_site=device.protected_site,
                    device=device,
                    technical_kind=TechnicalKind.STORAGE,
                    title=_("%(device)s : défaut de stockage") % {"device": device.name},
                    at=at,
                )
            elif kind in _ALIVE and not light.online:
                for technical in (TechnicalKind.OFFLINE, TechnicalKind.NO_HEARTBEAT):
                    technical_alarm_resolve(
                        technical_kind=technical, at=at, device=device, note=_("Équipement de nouveau en ligne.")
                    )
                light.online = True

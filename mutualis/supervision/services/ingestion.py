"""Event ingestion: the one entry point every source goes through (HTTP, MQTT, ONVIF, the simulator, the bench).

`ingest_events(source=…, events=[…])` checks each event, keeps the valid ones (idempotent on (source, id)), and
correlates them into alarms in one transaction per batch: an event updates the open alarm of the same device and
kind within the site's window, or the open alarm of its source's `data.correlation_id` (a Frigate review's
update/end), or — by the site's merge rule — the door-forced/motion alarm of the same site; otherwise it raises a
new alarm with the site's priority for its kind. Health events keep the device's state (heartbeat, offline →
technical alarm, online → closes it). The results are returned once the transaction has committed.
"""

import datetime
from collections import defaultdict
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mutualis.supervision.choices import (
    DEFAULT_PRIORITIES,
    HEALTH_KINDS,
    OPEN_STATUSES,
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
    ProtectedSite,
    TimelineEntry,
)
from mutualis.supervision.realtime import publish_alarms
from mutualis.supervision.services.alarms import (
    hour_start,
    technical_alarm_raise,
    technical_alarm_resolve,
)

MAX_BATCH = 10_000
MERGE_KINDS = frozenset({EventKind.DOOR_FORCED, EventKind.MOTION})
# Events further in the future than this are refused (a clock gone wrong would otherwise hold an alarm open).
MAX_FUTURE = datetime.timedelta(hours=1)
_url = URLValidator(schemes=["http", "https"])
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


def _text(value: Any, limit: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= limit else None


def clean_event(raw: Any, index: int, now: datetime.datetime) -> tuple[_Clean | None, dict[str, list[str]]]:
    """Check one event's generic fields; return it cleaned, or its errors by field (French)."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Un événement est un objet JSON.")]}
    event_id = _text(raw.get("id"), 160)
    if event_id is None:
        errors["id"].append(_("Identifiant de l'événement manquant ou trop long (160 caractères au plus)."))
    device = _text(raw.get("device"), 128)
    if device is None:
        errors["device"].append(_("Identifiant de l'équipement manquant ou trop long."))
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        errors["kind"].append(_("Nature inconnue : %(kind)s.") % {"kind": str(kind)[:40]})
    occurred = raw.get("occurred_at")
    occurred_at = occurred if isinstance(occurred, datetime.datetime) else None
    if isinstance(occurred, str):
        try:
            occurred_at = parse_datetime(occurred)
        except ValueError:
            occurred_at = None
    if occurred_at is None:
        errors["occurred_at"].append(_("Date ISO 8601 attendue (ex. 2026-03-02T10:15:00+01:00)."))
    elif timezone.is_naive(occurred_at):
        errors["occurred_at"].append(_("La date doit indiquer son décalage horaire (+01:00, Z…)."))
        occurred_at = None
    elif occurred_at - now > MAX_FUTURE:
        errors["occurred_at"].append(_("Date dans le futur."))
    severity = raw.get("severity") or ""
    if not isinstance(severity, str) or (severity not in _SEVERITIES and severity != ""):
        errors["severity"].append(_("Gravité inconnue (info, detection, alert, critical)."))
    zone = raw.get("zone") or ""
    if not isinstance(zone, str) or len(zone) > 128:
        errors["zone"].append(_("Zone : texte de 128 caractères au plus."))
    snapshot_url = raw.get("snapshot_url") or ""
    if not isinstance(snapshot_url, str) or len(snapshot_url) > 500:
        errors["snapshot_url"].append(_("Adresse de vignette invalide."))
    elif snapshot_url:
        try:
            _url(snapshot_url)
        except ValidationError:
            errors["snapshot_url"].append(_("Adresse de vignette invalide."))
    data = raw.get("data") if raw.get("data") is not None else {}
    if not isinstance(data, dict):
        errors["data"].append(_("« data » doit être un objet JSON."))
    if errors:
        return None, dict(errors)
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
    for attempt in range(2):
        try:
            created = _store(source, cleaned, now)
            break
        except IntegrityError:
            # Another batch stored one of these events between our check and our insert: check again (once).
            if attempt:
                raise
    for index, result in created.items():
        results[index] = result
    EventSource.objects.filter(pk=source.pk).update(last_seen_at=now, online=True)
    return [r for r in results if r is not None]


def _store(source: EventSource, cleaned: list[_Clean], now: datetime.datetime) -> dict[int, IngestResult]:
    results: dict[int, IngestResult] = {}
    with transaction.atomic():
        devices = {
            d.external_id: d
            for d in Device.objects.filter(
                source=source, external_id__in={e["device"] for e in cleaned}
            ).select_related("protected_site")
        }
        known = set(
            Event.objects.filter(source=source, source_event_id__in=[e["id"] for e in cleaned]).values_list(
                "source_event_id", flat=True
            )
        )
        fresh: list[tuple[_Clean, Device]] = []
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
            refs = {_ref_key(source, e) for e, _d in fresh} - {""}
            earliest = min(e["occurred_at"] for e, _d in fresh)
            correlator = _Correlator(source, [device for _e, device in fresh], now, refs, earliest)
            alarms = [correlator.handle(event, device) for event, device in fresh]
            correlator.save()  # each new alarm has its primary key by now
            received = _dt(timezone.now())
            insert_rows(
                Event,
                ["source", "source_event_id", "device", "kind", "occurred_at", "received_at", "severity", "zone",
                 "snapshot_url", "data", "alarm"],
                [
                    (source.pk, e["id"], d.pk, e["kind"], _dt(e["occurred_at"]), received, e["severity"], e["zone"],
                     e["snapshot_url"], _json(Event, e["data"]), a.pk if a is not None else None)
                    for (e, d), a in zip(fresh, alarms, strict=True)
                ],
            )  # fmt: skip
            for (event, _device), alarm in zip(fresh, alarms, strict=True):
                results[event["index"]] = _result(
                    event["index"], event["id"], "created", alarm=alarm.pk if alarm is not None else None
                )
            _count_activity(fresh)
            correlator.after_events()
    return results


def _dt(value: datetime.datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def _json(model: Any, value: Any) -> Any:
    return model._meta.get_field("data").get_db_prep_save(value, connection)


def _ref_key(source: EventSource, event: _Clean) -> str:
    """The alarm key of an event's `data.correlation_id` (a Frigate review id), "" without one."""
    ref = event["data"].get("correlation_id")
    return f"{source.pk}:{str(ref)[:120]}" if ref not in (None, "") else ""


def insert_rows(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT many rows of `model` in one executemany of plain tuples (values already prepared for the database:
    `_dt`, `_json`): a batch writes thousands of events and timeline lines, and building a model instance for each
    row cost more than storing it."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_returning(model: Any, objs: list[Any], varying: list[str]) -> None:
    """INSERT model instances with multi-row statements that return their primary keys (like bulk_create, which
    prepared every field of every row and took a fifth of a batch): the `varying` fields are read from each
    instance, the others (defaults, auto_now) are prepared once for the whole batch."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    first = objs[0]
    constant = {
        f.name: f.get_db_prep_save(f.pre_save(first, add=True), connection) for f in fields if f.name not in varying
    }
    for f in fields:
        if f.name not in varying and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            for obj in objs[1:]:
                setattr(obj, f.attname, getattr(first, f.attname))
    readers = [(f.name, f.attname, isinstance(f, DateTimeField), f.get_internal_type() == "JSONField") for f in fields]
    rows = []
    for obj in objs:
        row: list[Any] = []
        for name, attname, is_datetime, is_json in readers:
            if name in constant:
                row.append(constant[name])
            elif is_datetime:
                row.append(_dt(getattr(obj, attname)))
            elif is_json:
                row.append(meta.get_field(name).get_db_prep_save(getattr(obj, attname), connection))
            else:
                row.append(getattr(obj, attname))
        rows.append(row)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one] * len(chunk))} "  # noqa: S608
                f"RETURNING {quote(meta.pk.column)}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
            for obj, (pk,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


def update_rows(model: Any, fields: list[str], rows: list[tuple[int, list[Any]]]) -> None:
    """UPDATE many rows of `model`, each with its own values, in one executemany (a batch touches hundreds of
    alarms and devices: one statement each would dominate ingestion, and bulk_update's CASE chains are slower
    still). `rows` are (pk, [value per field])."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 (names from the model)
    # Our values are already of the field's Python type: only datetimes and JSON need the database's form.
    prepare = [
        _dt
        if isinstance(field, DateTimeField)
        else (lambda v, f=field: f.get_db_prep_save(v, connection))
        if field.get_internal_type() == "JSONField"
        else None
        for field in columns
    ]
    params = [
        [value if prep is None else prep(value) for prep, value in zip(prepare, values, strict=True)] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _count_activity(fresh: list[tuple[_Clean, Device]]) -> None:
    """Add the batch's events to each device's hourly counts (heartbeats are not activity)."""
    counts: dict[tuple[int, datetime.datetime], int] = defaultdict(int)
    for event, device in fresh:
        if event["kind"] != EventKind.HEARTBEAT:
            counts[(device.pk, hour_start(event["occurred_at"]))] += 1
    if not counts:
        return
    rows = DeviceActivity.objects.filter(device_id__in={k[0] for k in counts}, hour__in={k[1] for k in counts})
    existing = {(device_id, hour): pk for device_id, hour, pk in rows.values_list("device_id", "hour", "pk")}
    quote = connection.ops.quote_name
    table, column = quote(DeviceActivity._meta.db_table), quote("count")
    with connection.cursor() as cursor:
        # count = count + n: right even when another batch adds to the same hour at the same time.
        cursor.executemany(
            f"UPDATE {table} SET {column} = {column} + %s WHERE id = %s",  # noqa: S608 - our names
            [(n, existing[k]) for k, n in counts.items() if k in existing],
        )
    missing = [(k[0], _dt(k[1]), n) for k, n in counts.items() if k not in existing]
    insert_rows(DeviceActivity, ["device", "hour", "count"], missing)


# What the correlator sets on a new alarm (insert_returning reads these from each alarm, the rest once).
_ALARM_VARYING = [
    "protected_site", "device", "category", "kind", "title", "priority", "status", "source_ref", "zone",
    "snapshot_url", "first_event_at", "last_event_at", "event_count", "next_escalation_at",
]  # fmt: skip


# What the correlation reads and changes on an open alarm (the rest is the operator's).
_ALARM_LOADED = [
    "protected_site", "device", "kind", "source_ref", "last_event_at", "event_count", "snapshot_url", "zone",
    "priority", "title",
]  # fmt: skip


class _Correlator:
    """Correlation state of one batch: the open alarms of its devices, sites and correlation ids, loaded once."""

    def __init__(
        self,
        source: EventSource,
        devices: list[Device],
        now: datetime.datetime,
        refs: set[str],
        earliest: datetime.datetime,
    ) -> None:
        # Not every open alarm of the batch's sites (they pile up in a storm nobody has closed yet): the correlation
        # only looks up the open alarms of the batch's devices, those of its correlation ids, and the latest
        # door-forced/motion alarm of each site whose merge rule is on. Loading just these, in order, gives the maps.
        # A device's alarm whose last event is further from the batch's earliest event than any window of its sites
        # can feed none of the batch's events: left out.
        self.source, self.now = source, now
        device_ids = {d.pk for d in devices}
        site_ids = {d.protected_site_id for d in devices}
        merge_sites = {d.protected_site_id for d in devices if d.protected_site.merge_door_forced_motion}
        open_security = Alarm.objects.filter(category=AlarmCategory.SECURITY, status__in=OPEN_STATUSES)
        widest = max(d.protected_site.correlation_window_seconds for d in devices)
        floor = earliest - datetime.timedelta(seconds=widest)
        wanted = Q(device_id__in=device_ids, last_event_at__gte=floor) | Q(source_ref__in=refs)
        if merge_sites:
            latest = (
                open_security.filter(protected_site=OuterRef("pk"), kind__in=MERGE_KINDS)
                .order_by("-last_event_at", "-pk")
                .values("pk")[:1]
            )
            wanted |= Q(pk__in=ProtectedSite.objects.filter(pk__in=merge_sites).values(pk2=Subquery(latest)))
        open_alarms = list(
            open_security.filter(protected_site_id__in=site_ids)
            .filter(wanted)
            .order_by("last_event_at")
            .only(*_ALARM_LOADED)
        )
        self.by_device_kind: dict[tuple[int, str], Alarm] = {}
        self.by_ref: dict[str, Alarm] = {}
        self.merge_by_site: dict[int, Alarm] = {}
        for alarm in open_alarms:
            if alarm.device_id in device_ids:
                self.by_device_kind[(alarm.device_id, alarm.kind)] = alarm
            if alarm.source_ref:
                self.by_ref[alarm.source_ref] = alarm
            if alarm.kind in MERGE_KINDS and alarm.protected_site_id in merge_sites:
                self.merge_by_site[alarm.protected_site_id] = alarm
        self.priorities = {
            (r.protected_site_id, r.kind): r.priority
            for r in PriorityRule.objects.filter(protected_site_id__in=site_ids)
        }
        self.new: list[Alarm] = []
        self.changed: dict[int, Alarm] = {}
        self.timeline: list[tuple[Alarm, str, str, datetime.datetime, dict[str, Any]]] = []
        self.device_updates: dict[int, dict[str, Any]] = {}
        self.health: list[tuple[_Clean, Device]] = []
        self.labels: dict[str, str] = {}

    def label(self, kind: str) -> str:
        """The kind's French label (translated once a batch, not once an event)."""
        if kind not in self.labels:
            self.labels[kind] = str(EventKind(kind).label)
        return self.labels[kind]

    def _touch_device(self, device: Device, event: _Clean) -> None:
        update = self.device_updates.setdefault(device.pk, {"device": device})
        at = event["occurred_at"]
        if event["kind"] == EventKind.HEARTBEAT or event["kind"] == EventKind.ONLINE:
            update["last_heartbeat_at"] = max(at, update.get("last_heartbeat_at", at))
            update["online"] = True
        elif event["kind"] == EventKind.OFFLINE:
            update["online"] = False
        else:
            update["last_event_at"] = max(at, update.get("last_event_at", at))

    def handle(self, event: _Clean, device: Device) -> Alarm | None:
        """The alarm this event feeds (None for health events and unsupervised devices)."""
        self._touch_device(device, event)
        kind = event["kind"]
        if kind in HEALTH_KINDS or kind in (EventKind.OFFLINE, EventKind.STORAGE_FAILURE):
            self.health.append((event, device))
            return None
        if not device.is_supervised:
            return None
        site = device.protected_site
        at = event["occurred_at"]
        ref_key = _ref_key(self.source, event)
        alarm = self.by_ref.get(ref_key) if ref_key else None
        if alarm is None and not ref_key:
            candidate = self.by_device_kind.get((device.pk, kind))
            window = datetime.timedelta(seconds=site.correlation_window_seconds)
            if candidate is not None and abs(at - candidate.last_event_at) <= window:
                alarm = candidate
        if alarm is None and site.merge_door_forced_motion and kind in MERGE_KINDS:
            candidate = self.merge_by_site.get(site.pk)
            window = datetime.timedelta(seconds=site.merge_window_seconds)
            if candidate is not None and abs(at - candidate.last_event_at) <= window:
                alarm = candidate
        if alarm is None:
            alarm = self._new_alarm(event, device, ref_key)
        else:
            self._attach(alarm, event, device)
        self.by_device_kind[(device.pk, kind)] = alarm
        if ref_key:
            self.by_ref[ref_key] = alarm
        if kind in MERGE_KINDS:
            self.merge_by_site[site.pk] = alarm
        return alarm

    def _priority(self, site_id: int, kind: str, severity: str) -> int:
        priority = self.priorities.get((site_id, kind))
        if priority is None:
            priority = DEFAULT_PRIORITIES.get(kind, Priority.MEDIUM)
        if severity == "critical":
            priority = max(Priority.CRITICAL, priority - 1)
        return priority

    def _new_alarm(self, event: _Clean, device: Device, ref_key: str) -> Alarm:
        at = event["occurred_at"]
        title = f"{self.label(event['kind'])} — {device.name}"
        alarm = Alarm(
            protected_site=device.protected_site,
            device=device,
            category=AlarmCategory.SECURITY,
            kind=event["kind"],
            title=title[:255],
            priority=self._priority(device.protected_site_id, event["kind"], event["severity"]),
            status=AlarmStatus.NEW,
            source_ref=ref_key,
            zone=event["zone"],
            snapshot_url=event["snapshot_url"],
            first_event_at=at,
            last_event_at=at,
            event_count=1,
            next_escalation_at=None,
        )
        self.new.append(alarm)
        self.timeline.append((alarm, TimelineKind.CREATED, title, at, {"event": event["id"]}))
        return alarm

    def _attach(self, alarm: Alarm, event: _Clean, device: Device) -> None:
        at = event["occurred_at"]
        merged = device.pk != alarm.device_id or event["kind"] != alarm.kind
        alarm.event_count += 1
        alarm.last_event_at = max(alarm.last_event_at, at)
        if event["snapshot_url"]:
            alarm.snapshot_url = event["snapshot_url"]
        if event["zone"] and not alarm.zone:
            alarm.zone = event["zone"]
        priority = self._priority(device.protected_site_id, event["kind"], event["severity"])
        if priority < alarm.priority:
            alarm.priority = priority
        if event["kind"] == EventKind.DOOR_FORCED and alarm.kind == EventKind.MOTION:
            # The merge rule: a forced door is what the incident is about, motion its follow-up.
            alarm.kind, alarm.device = EventKind.DOOR_FORCED, device
            alarm.title = f"{self.label(EventKind.DOOR_FORCED)} — {device.name}"[:255]
        if alarm.pk:
            self.changed[alarm.pk] = alarm
        # The events table of the alarm lists every event; the timeline notes those that join it from another
        # device or of another kind (a merge, a correlation id), not each repetition.
        if device.pk != alarm.device_id or event["kind"] != alarm.kind or merged:
            text = f"{self.label(event['kind'])} — {device.name}"
            self.timeline.append((alarm, TimelineKind.EVENT, text, at, {"event": event["id"]}))

    def save(self) -> None:
        """Write the new alarms (ORM bulk insert: their keys are needed), the changed ones and the timeline lines
        (one executemany each), and tell the consoles once for the batch."""
        now = timezone.now()
        # The first step of each site's escalation chain (the lowest position wins: read last).
        delays = dict(
            EscalationContact.objects.filter(
                protected_site_id__in={a.protected_site_id for a in self.new}, is_active=True
            )
            .order_by("protected_site_id", "-position")
            .values_list("protected_site_id", "delay_minutes")
        )
        for alarm in self.new:
            delay = delays.get(alarm.protected_site_id)
            alarm.next_escalation_at = (
                alarm.first_event_at + datetime.timedelta(minutes=delay) if delay is not None else None
            )
        insert_returning(Alarm, self.new, _ALARM_VARYING)
        fields = [
            "event_count",
            "last_event_at",
            "snapshot_url",
            "zone",
            "priority",
            "kind",
            "device",
            "title",
            "updated_at",
        ]
        rows = []
        for alarm in self.changed.values():
            alarm.updated_at = now  # the consoles read alarms changed since their cursor: updated_at must move
            rows.append((alarm.pk, [getattr(alarm, "device_id" if f == "device" else f) for f in fields]))
        update_rows(Alarm, fields, rows)
        insert_rows(
            TimelineEntry,
            ["alarm", "at", "kind", "text", "data"],
            [(a.pk, _dt(at), k, t, _json(TimelineEntry, d)) for a, k, t, at, d in self.timeline],
        )
        publish_alarms([a.pk for a in self.new] + list(self.changed))

    def after_events(self) -> None:
        """Device state (heartbeat, online, last event) and the technical alarms health events raise or close."""
        # Grouped by the fields each device changes (events, heartbeats, or both), one executemany per group.
        groups: dict[tuple[str, ...], list[tuple[int, list[Any]]]] = defaultdict(list)
        for pk, update in self.device_updates.items():
            names = tuple(sorted(k for k in update if k != "device"))
            if names:
                groups[names].append((pk, [update[name] for name in names]))
        for names, rows in groups.items():
            update_rows(Device, list(names), rows)
        for event, device in self.health:
            kind, at = event["kind"], event["occurred_at"]
            if kind == EventKind.OFFLINE:
                technical_alarm_raise(
                    protected_site=device.protected_site,
                    device=device,
                    technical_kind=TechnicalKind.OFFLINE,
                    title=_("%(device)s hors ligne") % {"device": device.name},
                    at=at,
                )
            elif kind == EventKind.STORAGE_FAILURE:
                technical_alarm_raise(
                    protected_site=device.protected_site,
                    device=device,
                    technical_kind=TechnicalKind.STORAGE,
                    title=_("%(device)s : défaut de stockage") % {"device": device.name},
                    at=at,
                )
            elif kind in (EventKind.ONLINE, EventKind.HEARTBEAT) and not device.online:
                for technical in (TechnicalKind.OFFLINE, TechnicalKind.NO_HEARTBEAT):
                    technical_alarm_resolve(
                        technical_kind=technical, at=at, device=device, note=_("Équipement de nouveau en ligne.")
                    )
                device.online = True

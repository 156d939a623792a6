"""A faster write path for `ingest_events` (proposed): the same checks, the same correlation (`_Correlator.handle`
is reused as it is), the same results — but the rows are written with one `executemany` per table instead of
Django's per-row UPDATEs, CASE-WHEN `bulk_update` and per-alarm escalation look-ups.

Measured by bench/supervision_storm.py; the ingest process uses it with `supervision_mqtt --bulk`. The intent is
that `services.ingestion._store` adopts these writers (then this module goes away): see docs/supervision-ingest.md.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.supervision.choices import OPEN_STATUSES, AlarmCategory, EventKind
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
from mutualis.supervision.services.alarms import hour_start
from mutualis.supervision.services.ingestion import (
    MAX_BATCH,
    MERGE_KINDS,
    IngestResult,
    _Clean,
    _Correlator,
    _result,
    clean_event,
)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: Any, names: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)


def _dt(value: datetime.datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def _json(model: Any, value: Any) -> Any:
    return model._meta.get_field("data").get_db_prep_save(value, connection)


def _insert(model: Any, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {_table(model)} ({_columns(model, names)}) VALUES ({marks})"  # noqa: S608 - our names
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update(model: Any, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """UPDATE … SET names WHERE pk, one parameter tuple a row (its pk last)."""
    if not rows:
        return
    sets = ", ".join(f"{connection.ops.quote_name(model._meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {_table(model)} SET {sets} WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _BulkCorrelator(_Correlator):
    """The same correlation; its writes batched, and only the open alarms the batch can feed loaded."""

    def __init__(self, source: EventSource, devices: list[Device], now: datetime.datetime, refs: set[str]) -> None:
        # The service loads every open alarm of the batch's sites, which grows with a storm nobody has closed yet.
        # The correlation only ever looks up: the alarms of the batch's devices, those of its correlation ids, and
        # the latest door-forced/motion alarm of each site whose merge rule is on. Loading just these (in the same
        # order) gives the same maps.
        self.source, self.now = source, now
        device_ids = {d.pk for d in devices}
        site_ids = {d.protected_site_id for d in devices}
        merge_sites = {d.protected_site_id for d in devices if d.protected_site.merge_door_forced_motion}
        open_security = Alarm.objects.filter(category=AlarmCategory.SECURITY, status__in=OPEN_STATUSES)
        wanted = Q(device_id__in=device_ids) | Q(source_ref__in=refs)
        if merge_sites:
            latest = (
                open_security.filter(protected_site=OuterRef("pk"), kind__in=MERGE_KINDS)
                .order_by("-last_event_at", "-pk")
                .values("pk")[:1]
            )
            wanted |= Q(pk__in=ProtectedSite.objects.filter(pk__in=merge_sites).values(pk2=Subquery(latest)))
        open_alarms = list(
            open_security.filter(protected_site_id__in=site_ids).filter(wanted).order_by("last_event_at")
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

    def save(self) -> None:
        """New alarms (ORM bulk insert: their keys are needed), changed alarms and timeline lines by executemany."""
        now = timezone.now()
        sites = {a.protected_site_id for a in self.new}
        first_delay = dict(
            EscalationContact.objects.filter(protected_site_id__in=sites, is_active=True)
            .values("protected_site_id")
            .annotate(first=Min("position"))
            .values_list("protected_site_id", "first")
        )
        delays = {
            c.protected_site_id: c.delay_minutes
            for c in EscalationContact.objects.filter(protected_site_id__in=sites, is_active=True)
            if first_delay.get(c.protected_site_id) == c.position
        }
        for alarm in self.new:
            delay = delays.get(alarm.protected_site_id)
            alarm.next_escalation_at = (
                alarm.first_event_at + datetime.timedelta(minutes=delay) if delay is not None else None
            )
        Alarm.objects.bulk_create(self.new)
        fields = ["event_count", "last_event_at", "snapshot_url", "zone", "priority", "kind", "device", "title"]
        _update(
            Alarm,
            [*fields, "updated_at"],
            [
                (a.event_count, _dt(a.last_event_at), a.snapshot_url, a.zone, a.priority, a.kind, a.device_id,
                 a.title, _dt(now), a.pk)
                for a in self.changed.values()
            ],
        )  # fmt: skip
        for alarm in self.changed.values():
            alarm.updated_at = now
        _insert(
            TimelineEntry,
            ["alarm", "at", "kind", "text", "data"],
            [(a.pk, _dt(at), k, t, _json(TimelineEntry, d)) for a, k, t, at, d in self.timeline],
        )
        publish_alarms([a.pk for a in self.new] + list(self.changed))

    def after_events(self) -> None:
        """Device state by executemany (grouped by the fields a batch changes), then the rare health events the
        way the service handles them."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for pk, update in self.device_updates.items():
            names = tuple(sorted(k for k in update if k != "device"))
            if names:
                groups[names].append(
                    tuple(_dt(update[n]) if isinstance(update[n], datetime.datetime) else update[n] for n in names)
                    + (pk,)
                )
        for names, rows in groups.items():
            _update(Device, list(names), rows)
        self.device_updates = {}
        super().after_events()


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
    column = connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        # count = count + n: right even when another batch adds to the same hour at the same time.
        cursor.executemany(
            f"UPDATE {_table(DeviceActivity)} SET {column} = {column} + %s WHERE id = %s",  # noqa: S608 - our names
            [(n, existing[k]) for k, n in counts.items() if k in existing],
        )
    missing = [(k[0], _dt(k[1]), n) for k, n in counts.items() if k not in existing]
    _insert(DeviceActivity, ["device", "hour", "count"], missing)


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
                message = _("Équipement inconnu de cette source : %(d)s.") % {"d": event["device"]}
                results[event["index"]] = _result(event["index"], event["id"], "error", errors={"device": [message]})
            elif event["id"] in known:
                results[event["index"]] = _result(event["index"], event["id"], "duplicate")
            else:
                known.add(event["id"])
                fresh.append((event, device))
        if fresh:
            refs = {
                f"{source.pk}:{str(e['data']['correlation_id'])[:120]}"
                for e, _d in fresh
                if e["data"].get("correlation_id") not in (None, "")
            }
            correlator = _BulkCorrelator(source, [device for _e, device in fresh], now, refs)
            alarms = [correlator.handle(event, device) for event, device in fresh]
            correlator.save()
            received = _dt(timezone.now())
            _insert(
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


def ingest_events_bulk(*, source: EventSource, events: list[dict[str, Any]]) -> list[IngestResult]:
    """`ingest_events` with batched writes: same checks, correlation and results."""
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
            if attempt:
                raise
    for index, result in created.items():
        results[index] = result
    EventSource.objects.filter(pk=source.pk).update(last_seen_at=now, online=True)
    return [r for r in results if r is not None]

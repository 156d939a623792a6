"""The proposed bulk write path gives exactly what `ingest_events` gives: same results, alarms, timeline, events,
device state and hourly activity — for a batch that exercises correlation, the merge rule, duplicates, unknown
devices and health events."""

import datetime

import pytest

from mutualis.supervision.ingest_bulk import ingest_events_bulk
from mutualis.supervision.models import Alarm, Device, DeviceActivity, Event, TimelineEntry
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import (
    DeviceFactory,
    EscalationContactFactory,
    EventSourceFactory,
    ProtectedSiteFactory,
)

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 2, 22, 0, tzinfo=datetime.UTC)


def _batch(n: int) -> list[dict]:
    at = [T0 + datetime.timedelta(seconds=s) for s in range(12)]
    return [
        {"id": f"{n}-1", "device": "CAM-A", "kind": "intrusion", "occurred_at": at[0], "zone": "hall"},
        {"id": f"{n}-2", "device": "CAM-A", "kind": "intrusion", "occurred_at": at[1], "severity": "critical"},
        {"id": f"{n}-3", "device": "DOOR-1", "kind": "door_forced", "occurred_at": at[2]},
        {"id": f"{n}-4", "device": "CAM-B", "kind": "motion", "occurred_at": at[3]},
        {"id": f"{n}-5", "device": "CAM-B", "kind": "motion", "occurred_at": at[4], "data": {"correlation_id": "r1"}},
        {"id": f"{n}-6", "device": "CAM-B", "kind": "motion", "occurred_at": at[5], "data": {"correlation_id": "r1"}},
        {"id": f"{n}-1", "device": "CAM-A", "kind": "intrusion", "occurred_at": at[0]},
        {"id": f"{n}-7", "device": "INCONNU", "kind": "motion", "occurred_at": at[6]},
        {"id": f"{n}-8", "device": "CAM-A", "kind": "heartbeat", "occurred_at": at[7]},
        {"id": f"{n}-9", "device": "CAM-B", "kind": "offline", "occurred_at": at[8]},
        {"id": f"{n}-10", "device": "CAM-B", "kind": "online", "occurred_at": at[9]},
        {"id": f"{n}-11", "device": "CAM-A", "kind": "storage_failure", "occurred_at": at[10]},
        {"id": f"{n}-12", "kind": "motion", "occurred_at": at[11]},
    ]


def _world(name: str):
    site = ProtectedSiteFactory(merge_door_forced_motion=True)
    EscalationContactFactory(protected_site=site, position=1, delay_minutes=5)
    EscalationContactFactory(protected_site=site, position=2, delay_minutes=15)
    source = EventSourceFactory(name=name)
    for external_id, kind in (("CAM-A", "fixed_camera"), ("CAM-B", "fixed_camera"), ("DOOR-1", "access_reader")):
        DeviceFactory(protected_site=site, source=source, external_id=external_id, kind=kind)
    return source


def _state(source):
    alarms = Alarm.objects.filter(protected_site__devices__source=source).distinct().order_by("first_event_at", "pk")
    return {
        "alarms": [
            (a.category, a.kind, a.technical_kind, a.status, a.priority, a.event_count, a.zone, a.title.replace(a.device.name if a.device else "", ""),
             a.first_event_at, a.last_event_at, a.next_escalation_at, a.device.external_id if a.device else None,
             [(t.kind, t.at) for t in a.timeline.order_by("at", "kind")])
            for a in alarms
        ],
        "events": sorted(
            (e.source_event_id.split("-", 1)[1], e.kind, e.occurred_at, e.severity, e.zone, e.data,
             e.alarm is not None)
            for e in Event.objects.filter(source=source)
        ),
        "devices": sorted(
            (d.external_id, d.online, d.last_heartbeat_at, d.last_event_at) for d in Device.objects.filter(source=source)
        ),
        "activity": sorted(
            (a.device.external_id, a.hour, a.count) for a in DeviceActivity.objects.filter(device__source=source)
        ),
    }  # fmt: skip


def _strip(results):
    return [(r["index"], r["id"].split("-", 1)[1] if r["id"] else None, r["status"], r["errors"]) for r in results]


def test_the_bulk_path_gives_what_the_service_gives():
    """Two identical worlds, the same batches (twice, the second correlating with the first): same answers, same
    rows."""
    service, bulk = _world("par-service"), _world("par-lots")
    for n in (1, 2):
        expected = ingest_events(source=service, events=_batch(n))
        got = ingest_events_bulk(source=bulk, events=_batch(n))
        assert _strip(got) == _strip(expected)
        assert [r["alarm"] is None for r in got] == [r["alarm"] is None for r in expected]
    assert _state(bulk) == _state(service)
    assert TimelineEntry.objects.count() % 2 == 0

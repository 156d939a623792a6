"""The open alarms an ingest process remembers between batches: the same correlation as reading them from the
database at every batch, and forgotten at the first write from anywhere else or a batch that failed.

Transactional tests: the memory only works for batches outside any other transaction (one that might roll back
after the batch was remembered), and each pytest-django `db` test runs inside one.
"""

import datetime
import random
import threading

import pytest
from django.db import connection

from mutualis.supervision.choices import AlarmStatus, DeviceKind
from mutualis.supervision.models import Alarm, Event
from mutualis.supervision.services import ingestion, open_alarms
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import DeviceFactory, EventSourceFactory, ProtectedSiteFactory

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime.datetime(2026, 3, 2, 22, 0, tzinfo=datetime.UTC)
ROLES = {"cam-a": DeviceKind.FIXED_CAMERA, "cam-b": DeviceKind.FIXED_CAMERA, "porte": DeviceKind.ACCESS_READER}


def _remembers():
    """Whether this database lets the memory work (SQLite proves no one else wrote; PostgreSQL is never trusted)."""
    return connection.vendor == "sqlite"


def _world(name):
    """A source with two cameras and a door reader on a site whose merge rule is on, and a camera elsewhere."""
    source = EventSourceFactory(name=name)
    merging = ProtectedSiteFactory(correlation_window_seconds=120, merge_window_seconds=60)
    other = ProtectedSiteFactory(merge_door_forced_motion=False)
    for role, kind in ROLES.items():
        DeviceFactory(source=source, external_id=role, name=role, kind=kind, protected_site=merging)
    DeviceFactory(source=source, external_id="ailleurs", name="ailleurs", protected_site=other)
    return source


def _scenario(seed=13, count=400):
    """Batches of events in a storm: forced doors, motion, intrusions, reviews' correlation ids, late events."""
    rng = random.Random(seed)
    at, events = T0, []
    for n in range(count):
        at += datetime.timedelta(seconds=rng.choice([0, 1, 5, 20, 45, 90, 200]))
        late = rng.random() < 0.1
        event = {
            "id": f"e{n}",
            "device": rng.choice([*ROLES, "ailleurs"]),
            "kind": rng.choice(["motion", "motion", "door_forced", "intrusion"]),
            "occurred_at": (at - datetime.timedelta(seconds=150) if late else at).isoformat(),
        }
        if rng.random() < 0.2:
            event["data"] = {"correlation_id": f"review-{rng.randrange(6)}"}
        events.append(event)
    batches, start = [], 0
    while start < count:
        size = rng.randint(1, 25)
        batches.append(events[start : start + size])
        start += size
    return batches


def _outcome(source):
    """Each alarm of the source's devices as the operator sees it: its events, kind, device, count, priority."""
    alarms = Alarm.objects.filter(device__source=source).order_by("pk")
    return [
        (
            sorted(Event.objects.filter(alarm=alarm).values_list("source_event_id", flat=True)),
            alarm.kind,
            alarm.device.external_id,
            alarm.event_count,
            alarm.priority,
            alarm.title,
        )
        for alarm in alarms
    ]


def test_remembered_alarms_correlate_as_the_database_does(monkeypatch):
    """The same storm, ingested batch after batch once with the memory and once reading every batch's open alarms
    from the database, ends with the same alarms holding the same events."""
    remembered_source, read_source = _world("avec-memoire"), _world("sans-memoire")
    memory = open_alarms.memory()
    memory.forget()
    for batch in _scenario():
        ingest_events(source=remembered_source, events=batch)
    # On SQLite most keys were answered from memory; on PostgreSQL nothing is remembered.
    assert memory.hits > 100 if _remembers() else memory.hits == 0
    real_opening = open_alarms.OpenAlarmMemory.opening
    monkeypatch.setattr(open_alarms.OpenAlarmMemory, "opening", lambda self, outermost: real_opening(self, False))
    hits = memory.hits
    for batch in _scenario():
        ingest_events(source=read_source, events=batch)
    assert memory.hits == hits  # read from the database every time
    remembered = _outcome(remembered_source)
    assert len(remembered) > 10
    assert remembered == _outcome(read_source)


def _intrusion(source, n, at):
    [result] = ingest_events(
        source=source, events=[{"id": f"i{n}", "device": "cam-a", "kind": "intrusion", "occurred_at": at.isoformat()}]
    )
    return result["alarm"]


def test_a_write_of_this_connection_between_batches_is_seen():
    """An alarm closed between two batches (an operator's request served by the same process) takes no more
    events: the next intrusion raises a new alarm."""
    source = _world("fermeture-locale")
    first = _intrusion(source, 1, T0)
    assert _intrusion(source, 2, T0 + datetime.timedelta(seconds=5)) == first  # remembered, correlated
    Alarm.objects.filter(pk=first).update(status=AlarmStatus.CLOSED)
    assert _intrusion(source, 3, T0 + datetime.timedelta(seconds=10)) != first
    assert Alarm.objects.get(pk=first).event_count == 2


def test_a_commit_of_another_connection_between_batches_is_seen():
    """An alarm closed by another connection (another process: the operator's web worker) between two batches
    takes no more events."""
    source = _world("fermeture-ailleurs")
    first = _intrusion(source, 1, T0)

    def close():
        try:
            Alarm.objects.filter(pk=first).update(status=AlarmStatus.CLOSED)
        finally:
            connection.close()

    thread = threading.Thread(target=close)
    thread.start()
    thread.join()
    assert _intrusion(source, 2, T0 + datetime.timedelta(seconds=5)) != first
    assert Alarm.objects.get(pk=first).event_count == 1


def test_a_failed_batch_leaves_nothing_remembered(monkeypatch):
    """A batch that fails after counting its events into a remembered alarm is rolled back, and the next batch
    counts from what the database holds."""
    source = _world("lot-en-echec")
    first = _intrusion(source, 1, T0)
    real_insert = ingestion.insert_rows

    def failing(model, *args):
        if model is Event:
            raise RuntimeError("disque plein")
        return real_insert(model, *args)

    monkeypatch.setattr(ingestion, "insert_rows", failing)
    with pytest.raises(RuntimeError):
        _intrusion(source, 2, T0 + datetime.timedelta(seconds=5))
    monkeypatch.setattr(ingestion, "insert_rows", real_insert)
    assert _intrusion(source, 3, T0 + datetime.timedelta(seconds=10)) == first
    assert Alarm.objects.get(pk=first).event_count == 2


def _one(source, n, device, kind, at):
    [result] = ingest_events(
        source=source, events=[{"id": f"x{n}", "device": device, "kind": kind, "occurred_at": at.isoformat()}]
    )
    return result["alarm"]


def test_a_motion_alarm_a_forced_door_took_over_is_no_longer_the_cameras():
    """Two motion alarms of one camera; a forced door takes over the later one; another camera's motion becomes
    the site's latest. A late motion of the first camera then joins its earlier motion alarm, as the database
    answers, not the forced door through the merge rule."""
    source = _world("reprise")
    earlier = _one(source, 1, "cam-a", "motion", T0)
    later = _one(source, 2, "cam-a", "motion", T0 + datetime.timedelta(seconds=130))  # beyond the 120 s window
    assert later != earlier
    assert _one(source, 3, "porte", "door_forced", T0 + datetime.timedelta(seconds=140)) == later
    assert Alarm.objects.get(pk=later).kind == "door_forced"
    assert _one(source, 4, "cam-b", "motion", T0 + datetime.timedelta(seconds=250)) not in (earlier, later)
    assert _one(source, 5, "cam-a", "motion", T0 + datetime.timedelta(seconds=100)) == earlier
    assert open_alarms.memory().hits > 0 if _remembers() else open_alarms.memory().hits == 0

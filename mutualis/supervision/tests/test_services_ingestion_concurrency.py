"""Ingestion under concurrency: two batches of one source at once (two HTTP workers) correlate one after the other.

Runs on PostgreSQL only (CI's second unit run): there, without the lock taken on the source's row as the batch's
first statement, both batches read the same open alarms at the same time and each raises its own alarm for the same
camera (or counts from the same event_count). On SQLite the single write lock serialises them anyway.
Verified: with the source row's UPDATE moved after the correlation, this test fails on PostgreSQL.
"""

import contextlib
import datetime
import threading

import pytest
from django.db import connection

from mutualis.supervision.models import Alarm, Event
from mutualis.supervision.services import ingestion, open_alarms
from mutualis.supervision.tests.factories import DeviceFactory, EventSourceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction, so it cannot show a missing lock: PostgreSQL only",
    ),
]

T0 = datetime.datetime(2026, 3, 2, 22, 0, tzinfo=datetime.UTC)


def test_two_concurrent_batches_of_one_camera_feed_one_alarm(monkeypatch):
    """Two batches of intrusions from one camera, sent together, make one alarm counting every event."""
    camera = DeviceFactory(external_id="CAM-1", source=EventSourceFactory(name="concurrence"))
    read = open_alarms.load_open_alarms
    together = threading.Barrier(2)

    def read_together(*args, **kwargs):
        alarms = read(*args, **kwargs)
        # Without the source lock both batches meet here having read no alarm; with it the second waits for the
        # first to commit before reading, and the barrier breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=2)
        return alarms

    monkeypatch.setattr(open_alarms, "load_open_alarms", read_together)
    start = threading.Barrier(2)
    failures: list[str] = []

    def send(prefix: str) -> None:
        start.wait()
        try:
            batch = [
                {"id": f"{prefix}-{n}", "device": "CAM-1", "kind": "intrusion",
                 "occurred_at": (T0 + datetime.timedelta(seconds=n)).isoformat()}
                for n in range(5)
            ]  # fmt: skip
            results = ingestion.ingest_events(source=camera.source, events=batch)
            failures.extend(r["status"] for r in results if r["status"] != "created")
        except Exception as exc:  # noqa: BLE001 — a database error here is the failure this test looks for
            failures.append(f"error: {type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(prefix,)) for prefix in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Event.objects.filter(device=camera).count() == 10
    assert list(Alarm.objects.filter(device=camera).values_list("event_count", flat=True)) == [10]

"""The console's reads and the ingestion's lookups: scoped as the user may read, and driven by the index that keeps
them cheap whatever the number of alarms (on SQLite the planner, without statistics, preferred the scope's or the
status' index and walked every alarm of every site: a storm's console reads and batches slowed as alarms piled up).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutualis.supervision.models import Alarm, Habilitation
from mutualis.supervision.selectors.alarms import ConsoleReader, console_row
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import (
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
    supervision_operator,
)

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")


@pytest.fixture
def world():
    """An operator habilitated for one site; a camera there and one on a site they may not see, each with alarms."""
    source = EventSourceFactory(name="plans")
    mine, theirs = ProtectedSiteFactory(), ProtectedSiteFactory()
    operator = supervision_operator()
    HabilitationFactory(protected_site=mine, user=operator)
    cameras = [
        DeviceFactory(source=source, external_id=f"CAM-{n}", protected_site=s) for n, s in enumerate((mine, theirs))
    ]
    now = timezone.now()
    events = [
        {"id": f"e{n}-{i}", "device": camera.external_id, "kind": "intrusion", "occurred_at": now.isoformat(),
         "data": {"correlation_id": f"review-{n}-{i}"}}
        for n, camera in enumerate(cameras)
        for i in range(30)
    ]  # fmt: skip
    ingest_events(source=source, events=events)
    return {"operator": operator, "mine": mine, "theirs": theirs, "source": source, "cameras": cameras}


def _plans(queries) -> list[str]:
    """The query plan lines naming the alarm table, for every captured SELECT."""
    lines = []
    with connection.cursor() as cursor:
        for query in (q for q in queries if q["sql"].startswith("SELECT")):
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            lines += [row[3] for row in cursor.fetchall() if "supervision_alarm" in row[3]]
    return lines


def test_console_changes_named_or_recent_keep_to_the_habilitated_sites(world):
    """A wake naming an alarm of another site, or a re-read of recent changes, shows the operator their own
    sites' alarms only; versions the console already has are left out."""
    own = set(Alarm.objects.filter(protected_site=world["mine"]).values_list("pk", flat=True))
    everyone = set(Alarm.objects.values_list("pk", flat=True))
    assert len(own) == 30 and len(everyone) == 60
    named = ConsoleReader(world["operator"]).changes(ids=everyone)
    assert {row["id"] for _v, row in named} == own
    since = timezone.now() - datetime.timedelta(minutes=1)
    recent = ConsoleReader(world["operator"]).changes(since=since)
    assert {row["id"] for _v, row in recent} == own
    known = {row["id"]: version for version, row in recent}
    assert ConsoleReader(world["operator"]).changes(since=since, known=known) == []


def test_a_console_reads_its_scope_again_every_second(world):
    """A console keeps the sites it may show for a second: within it, a wake costs one query (the page of alarms);
    once it has passed, a withdrawn habilitation stops the flow of that site's alarms."""
    everyone = set(Alarm.objects.values_list("pk", flat=True))
    own = set(Alarm.objects.filter(protected_site=world["mine"]).values_list("pk", flat=True))
    clock = [100.0]
    reader = ConsoleReader(world["operator"], clock=lambda: clock[0])
    assert {row["id"] for _v, row in reader.changes(ids=everyone)} == own
    Habilitation.objects.filter(user=world["operator"]).update(revoked_at=timezone.now())
    clock[0] += ConsoleReader.SCOPE_SECONDS / 2
    with CaptureQueriesContext(connection) as wake:
        assert {row["id"] for _v, row in reader.changes(ids=everyone)} == own
    assert len(wake.captured_queries) == 1
    clock[0] += ConsoleReader.SCOPE_SECONDS / 2
    assert reader.changes(ids=everyone) == []
    assert reader.changes(since=timezone.now() - datetime.timedelta(minutes=1)) == []


def test_a_console_change_is_the_row_the_console_queue_shows(world):
    """A change read by the console's compiled page is, key for key, the row the queue and the page render from
    the alarm itself (dates as ISO 8601 with offset, labels, addresses, site and position)."""
    alarms = Alarm.objects.filter(protected_site=world["mine"]).select_related(
        "protected_site__site__commune", "device", "claimed_by"
    )
    verified = alarms.order_by("pk").first()
    Alarm.objects.filter(pk=verified.pk).update(verified_at=timezone.now(), updated_at=timezone.now())
    read = ConsoleReader(world["operator"]).changes(ids=[a.pk for a in alarms])
    changes = {row["id"]: row for _v, row in read}
    assert changes == {a.pk: console_row(a, images=True) for a in alarms}
    assert changes[verified.pk]["verified"] and changes[verified.pk]["last_event_at"].endswith("+00:00")


def test_console_rows_carry_the_snapshot_only_for_a_habilitation_with_images(world):
    """The same alarms, with their snapshot for an operator who may see the site's images, without it otherwise."""
    Alarm.objects.update(snapshot_url="https://frigate.example.fr/api/events/1/snapshot.jpg")
    own = set(Alarm.objects.filter(protected_site=world["mine"]).values_list("pk", flat=True))
    with_images = ConsoleReader(world["operator"]).changes(ids=own)
    assert len(with_images) == len(own) and all(row["snapshot"] for _v, row in with_images)
    Habilitation.objects.filter(user=world["operator"]).update(can_view_images=False)
    without = ConsoleReader(world["operator"]).changes(ids=own)
    assert len(without) == len(own) and not [row for _v, row in without if row["snapshot"]]


@sqlite_only
def test_console_changes_read_alarms_by_key_and_by_their_change_index(world):
    """The named alarms are read by primary key, the recent ones from the updated_at index: never through the
    habilitated sites' index (every alarm of those sites)."""
    pks = set(Alarm.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as named:
        ConsoleReader(world["operator"]).changes(ids=pks)
    with CaptureQueriesContext(connection) as recent:
        ConsoleReader(world["operator"]).changes(since=timezone.now() - datetime.timedelta(minutes=1), known={})
    named_plans, recent_plans = _plans(named.captured_queries), _plans(recent.captured_queries)
    assert any("INTEGER PRIMARY KEY" in line for line in named_plans)
    assert any("supervision_alarm_changed_idx" in line for line in recent_plans)
    assert not [line for line in named_plans + recent_plans if "supervision_protect" in line]


@sqlite_only
def test_a_batch_looks_up_correlation_ids_on_their_index(world):
    """A batch of review updates finds its alarms by the correlation ids' index, not by walking the open ones."""
    camera = world["cameras"][0]
    update = {"id": "u-1", "device": camera.external_id, "kind": "intrusion", "occurred_at": timezone.now().isoformat(),
              "data": {"correlation_id": "review-0-3"}}  # fmt: skip
    with CaptureQueriesContext(connection) as batch:
        [result] = ingest_events(source=world["source"], events=[update])
    assert Alarm.objects.get(pk=result["alarm"]).event_count == 2
    plans = _plans(batch.captured_queries)
    assert any("source_ref" in line for line in plans)
    assert not [line for line in plans if "supervision_status_" in line]


@sqlite_only
def test_the_anomaly_task_reads_and_purges_activity_by_its_hour_index(world):
    """The hourly anomaly task's reads of one hour and of the week before it, and its purge of older hours, search
    the hour index instead of scanning every device's every hour."""
    from mutualis.supervision.services.alarms import detect_rate_anomalies

    with CaptureQueriesContext(connection) as task:
        detect_rate_anomalies()
    plans = []
    with connection.cursor() as cursor:
        for query in (q for q in task.captured_queries if "supervision_deviceactivity" in q["sql"]):
            sql = query["sql"]
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plans.append((sql.split()[0], [row[3] for row in cursor.fetchall()]))
    assert {verb for verb, _lines in plans} >= {"SELECT", "DELETE"}
    for _verb, lines in plans:
        activity = [line for line in lines if "supervision_deviceactivity" in line]
        assert activity and all("sup_activity_hour_idx" in line for line in activity), lines

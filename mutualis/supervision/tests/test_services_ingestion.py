"""Ingestion: idempotent on (source, id), bad events refused while the valid ones are kept, correlation into alarms."""

import datetime

import pytest
from django.utils import timezone

from mutualis.core.models import AuditEntry
from mutualis.members.testing import rows
from mutualis.supervision.choices import AlarmCategory, AlarmStatus, Priority, TechnicalKind
from mutualis.supervision.models import Alarm, Device, DeviceActivity, Event, PriorityRule, TimelineEntry
from mutualis.supervision.services.ingestion import ingest_events, snapshot_url_is_valid
from mutualis.supervision.tests.factories import (
    DeviceFactory,
    EscalationContactFactory,
    EventSourceFactory,
    ProtectedSiteFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 22, 0, tzinfo=datetime.UTC)


def _event(n, device, kind="intrusion", at=T0, **extra):
    return {"id": f"evt-{n}", "device": device.external_id, "kind": kind, "occurred_at": at.isoformat(), **extra}


@pytest.fixture
def camera():
    return DeviceFactory(external_id="CAM-1", source=EventSourceFactory(name="webhook-test"))


def test_an_event_raises_an_alarm_with_its_kinds_priority(camera):
    """A new intrusion raises one new alarm of priority « haute », with a timeline line."""
    [result] = ingest_events(source=camera.source, events=[_event(1, camera)])
    assert result["status"] == "created" and result["errors"] == {}
    alarm = Alarm.objects.get(pk=result["alarm"])
    assert (alarm.status, alarm.priority, alarm.device, alarm.event_count) == (
        AlarmStatus.NEW,
        Priority.HIGH,
        camera,
        1,
    )
    assert alarm.timeline.filter(kind="created").count() == 1


def test_ingestion_is_idempotent_on_source_and_id(camera):
    """The same event sent twice is stored once; the second answer is « duplicate » and changes nothing."""
    ingest_events(source=camera.source, events=[_event(1, camera)])
    before = (rows(Event.objects.all()), rows(Alarm.objects.all()), TimelineEntry.objects.count())
    [again, twin] = ingest_events(source=camera.source, events=[_event(1, camera), _event(1, camera)])
    assert again["status"] == twin["status"] == "duplicate"
    assert (rows(Event.objects.all()), rows(Alarm.objects.all()), TimelineEntry.objects.count()) == before


def test_same_id_in_another_source_is_another_event(camera):
    """Idempotency is per source: another source may use the same event id."""
    other = EventSourceFactory(name="autre-source")
    DeviceFactory(source=other, external_id="CAM-1", protected_site=camera.protected_site)
    ingest_events(source=camera.source, events=[_event(1, camera)])
    [result] = ingest_events(source=other, events=[{**_event(1, camera)}])
    assert result["status"] == "created"
    assert Event.objects.count() == 2


def test_bad_events_refused_valid_ones_of_the_batch_kept(camera):
    """In a batch, malformed events and unknown devices get their field errors; the valid ones are stored."""
    batch = [
        _event(1, camera),
        {"id": "evt-2", "device": camera.external_id, "kind": "explosion", "occurred_at": T0.isoformat()},
        {"id": "evt-3", "device": "INCONNU", "kind": "motion", "occurred_at": T0.isoformat()},
        {"id": "evt-4", "device": camera.external_id, "kind": "motion", "occurred_at": "2026-03-02T22:00:00"},
        "pas un objet",
        {"device": camera.external_id, "kind": "motion", "occurred_at": T0.isoformat()},
        _event(7, camera, kind="motion", snapshot_url="javascript:alert(1)"),
    ]
    results = ingest_events(source=camera.source, events=batch)
    assert [r["status"] for r in results] == ["created", "error", "error", "error", "error", "error", "error"]
    assert "kind" in results[1]["errors"]
    assert "device" in results[2]["errors"]
    assert "occurred_at" in results[3]["errors"]
    assert "non_field_errors" in results[4]["errors"]
    assert "id" in results[5]["errors"]
    assert "snapshot_url" in results[6]["errors"]
    assert list(Event.objects.values_list("source_event_id", flat=True)) == ["evt-1"]


def test_events_of_one_device_and_kind_within_the_window_update_one_alarm(camera):
    """Three intrusions within the site's window are one alarm with three events; one after it is a new alarm."""
    window = camera.protected_site.correlation_window_seconds
    batch = [_event(n, camera, at=T0 + datetime.timedelta(seconds=30 * n)) for n in range(3)]
    results = ingest_events(source=camera.source, events=batch)
    assert len({r["alarm"] for r in results}) == 1
    alarm = Alarm.objects.get()
    assert alarm.event_count == 3
    later = T0 + datetime.timedelta(seconds=60 + window + 1)
    [late] = ingest_events(source=camera.source, events=[_event(9, camera, at=later)])
    assert late["alarm"] != alarm.pk


def test_correlation_id_updates_the_same_alarm_whatever_the_window(camera):
    """A source's correlation id (a Frigate review's update/end) updates its alarm, never a new one."""
    first = _event(1, camera, data={"correlation_id": "review-42"})
    end = _event(2, camera, at=T0 + datetime.timedelta(hours=2), data={"correlation_id": "review-42"})
    a = ingest_events(source=camera.source, events=[first])[0]["alarm"]
    b = ingest_events(source=camera.source, events=[end])[0]["alarm"]
    assert a == b and Alarm.objects.get().event_count == 2


def test_correlation_id_of_a_closed_alarm_opens_a_new_one(camera):
    """A correlation id joins its open alarm only: once the operator has closed it, the next message of the review
    raises a new alarm (a closed alarm never takes events)."""
    [first] = ingest_events(source=camera.source, events=[_event(1, camera, data={"correlation_id": "review-7"})])
    Alarm.objects.filter(pk=first["alarm"]).update(status=AlarmStatus.CLOSED)
    later = _event(2, camera, at=T0 + datetime.timedelta(seconds=5), data={"correlation_id": "review-7"})
    [second] = ingest_events(source=camera.source, events=[later])
    assert second["alarm"] != first["alarm"]
    assert Alarm.objects.get(pk=first["alarm"]).event_count == 1


def test_correlation_id_joins_its_alarm_in_any_open_status(camera):
    """Claimed (in progress) or on hold, the review's alarm still takes its update."""
    for n, status in enumerate((AlarmStatus.IN_PROGRESS, AlarmStatus.ON_HOLD)):
        ref = {"correlation_id": f"review-{status}"}
        [first] = ingest_events(source=camera.source, events=[_event(10 * n, camera, data=ref)])
        Alarm.objects.filter(pk=first["alarm"]).update(status=status)
        later = _event(10 * n + 1, camera, at=T0 + datetime.timedelta(hours=1), data=ref)
        assert ingest_events(source=camera.source, events=[later])[0]["alarm"] == first["alarm"]


def test_merge_rule_takes_the_sites_latest_open_motion_whatever_its_status(camera):
    """Of the site's open motion alarms, a forced door joins the latest, whichever open status each is in (an
    older one claimed, the latest one new — or the other way round)."""
    site = camera.protected_site
    other = DeviceFactory(source=camera.source, external_id="CAM-2", protected_site=site)
    door = DeviceFactory(kind="access_reader", source=camera.source, external_id="DOOR-1", protected_site=site)
    for n, (older, latest) in enumerate(
        ((AlarmStatus.IN_PROGRESS, AlarmStatus.NEW), (AlarmStatus.NEW, AlarmStatus.ON_HOLD))
    ):
        start = T0 + datetime.timedelta(hours=n)
        [a] = ingest_events(source=camera.source, events=[_event(f"{n}a", camera, kind="motion", at=start)])
        [b] = ingest_events(
            source=camera.source,
            events=[_event(f"{n}b", other, kind="motion", at=start + datetime.timedelta(seconds=5))],
        )
        Alarm.objects.filter(pk=a["alarm"]).update(status=older)
        Alarm.objects.filter(pk=b["alarm"]).update(status=latest)
        [forced] = ingest_events(
            source=camera.source,
            events=[_event(f"{n}c", door, kind="door_forced", at=start + datetime.timedelta(seconds=10))],
        )
        assert forced["alarm"] == b["alarm"]
        Alarm.objects.filter(pk__in=[a["alarm"], b["alarm"]]).update(status=AlarmStatus.CLOSED)


def test_site_rule_merges_door_forced_and_motion_into_one_incident(camera):
    """By the site's merge rule, motion after a forced door elsewhere on the site joins the same alarm."""
    door = DeviceFactory(
        kind="access_reader", source=camera.source, external_id="DOOR-1", protected_site=camera.protected_site
    )
    results = ingest_events(
        source=camera.source,
        events=[
            _event(1, door, kind="door_forced"),
            _event(2, camera, kind="motion", at=T0 + datetime.timedelta(seconds=20)),
        ],
    )
    assert results[0]["alarm"] == results[1]["alarm"]
    alarm = Alarm.objects.get()
    assert alarm.kind == "door_forced" and alarm.event_count == 2


def test_merge_rule_joins_a_forced_door_to_the_motion_before_it(camera):
    """A forced door just after motion on the site joins the motion's alarm, which becomes a forced-door alarm."""
    door = DeviceFactory(
        kind="access_reader", source=camera.source, external_id="DOOR-1", protected_site=camera.protected_site
    )
    [motion] = ingest_events(source=camera.source, events=[_event(1, camera, kind="motion")])
    [forced] = ingest_events(
        source=camera.source, events=[_event(2, door, kind="door_forced", at=T0 + datetime.timedelta(seconds=10))]
    )
    assert forced["alarm"] == motion["alarm"]
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.device, alarm.event_count) == ("door_forced", door, 2)


def test_merge_rule_does_not_join_motion_of_two_cameras(camera):
    """The merge rule joins a forced door and motion, not the motion of every camera of the site: two cameras'
    motion stay two alarms."""
    other = DeviceFactory(source=camera.source, external_id="CAM-2", protected_site=camera.protected_site)
    results = ingest_events(
        source=camera.source,
        events=[
            _event(1, camera, kind="motion"),
            _event(2, other, kind="motion", at=T0 + datetime.timedelta(seconds=5)),
        ],
    )
    assert results[0]["alarm"] != results[1]["alarm"]
    [later] = ingest_events(
        source=camera.source, events=[_event(3, other, kind="motion", at=T0 + datetime.timedelta(seconds=9))]
    )
    assert later["alarm"] == results[1]["alarm"]


def test_merge_rule_off_keeps_two_alarms(camera):
    """Without the site's merge rule, a forced door and motion stay two alarms."""
    site = camera.protected_site
    site.merge_door_forced_motion = False
    site.save()
    door = DeviceFactory(kind="access_reader", source=camera.source, external_id="DOOR-1", protected_site=site)
    results = ingest_events(
        source=camera.source, events=[_event(1, door, kind="door_forced"), _event(2, camera, kind="motion")]
    )
    assert results[0]["alarm"] != results[1]["alarm"]


def test_site_priority_rule_overrides_the_kinds_default(camera):
    """A site may set its own priority for a kind (motion is « critique » at this one)."""
    PriorityRule.objects.create(protected_site=camera.protected_site, kind="motion", priority=Priority.CRITICAL)
    [result] = ingest_events(source=camera.source, events=[_event(1, camera, kind="motion")])
    assert Alarm.objects.get(pk=result["alarm"]).priority == Priority.CRITICAL


def test_unsupervised_device_events_stored_without_alarm(camera):
    """A device out of supervision (authorisation lapsed…) has its events stored, but raises no alarm."""
    Device.objects.filter(pk=camera.pk).update(is_supervised=False)
    [result] = ingest_events(source=camera.source, events=[_event(1, camera)])
    assert result["status"] == "created" and result["alarm"] is None
    assert not Alarm.objects.exists()


def test_offline_then_online_opens_then_closes_a_technical_alarm(camera):
    """An « offline » event opens a technical alarm; « online » closes it and marks the device online."""
    ingest_events(source=camera.source, events=[_event(1, camera, kind="offline")])
    alarm = Alarm.objects.get()
    assert (alarm.category, alarm.technical_kind, alarm.status) == (
        AlarmCategory.TECHNICAL,
        TechnicalKind.OFFLINE,
        AlarmStatus.NEW,
    )
    assert not Device.objects.get(pk=camera.pk).online
    ingest_events(
        source=camera.source, events=[_event(2, camera, kind="online", at=T0 + datetime.timedelta(minutes=5))]
    )
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED
    assert Device.objects.get(pk=camera.pk).online


def test_offline_then_online_in_one_batch_leaves_no_technical_alarm_open(camera):
    """A device that went offline and came back within one batch has its technical alarm opened and closed."""
    ingest_events(
        source=camera.source,
        events=[
            _event(1, camera, kind="offline"),
            _event(2, camera, kind="online", at=T0 + datetime.timedelta(seconds=1)),
        ],
    )
    alarm = Alarm.objects.get()
    assert (alarm.technical_kind, alarm.status) == (TechnicalKind.OFFLINE, AlarmStatus.CLOSED)
    assert Device.objects.get(pk=camera.pk).online


def test_heartbeat_updates_the_device_and_raises_nothing(camera):
    """A heartbeat keeps the device's last signal and raises no alarm."""
    now = timezone.now().replace(microsecond=0)
    ingest_events(source=camera.source, events=[_event(1, camera, kind="heartbeat", at=now)])
    assert Device.objects.get(pk=camera.pk).last_heartbeat_at == now
    assert not Alarm.objects.exists()


def test_batch_on_two_sites(camera):
    """Events of devices on two sites raise one alarm on each."""
    other = DeviceFactory(source=camera.source, external_id="CAM-2", protected_site=ProtectedSiteFactory())
    results = ingest_events(source=camera.source, events=[_event(1, camera), _event(2, other)])
    sites = set(Alarm.objects.filter(pk__in=[r["alarm"] for r in results]).values_list("protected_site", flat=True))
    assert len(sites) == 2


def test_an_attached_event_moves_the_alarms_updated_at(camera):
    """An event joining an open alarm marks it changed (the consoles read alarms changed since their cursor)."""
    [first] = ingest_events(source=camera.source, events=[_event(1, camera)])
    before = Alarm.objects.get(pk=first["alarm"]).updated_at
    ingest_events(source=camera.source, events=[_event(2, camera, at=T0 + datetime.timedelta(seconds=5))])
    alarm = Alarm.objects.get(pk=first["alarm"])
    assert alarm.updated_at > before and alarm.event_count == 2


def test_a_new_alarm_escalates_after_the_first_active_step_of_its_chain(camera):
    """A new alarm's first escalation is due after the delay of the lowest active position of its site's chain."""
    site = camera.protected_site
    EscalationContactFactory(protected_site=site, position=3, delay_minutes=30)
    EscalationContactFactory(protected_site=site, position=1, delay_minutes=2, is_active=False)
    EscalationContactFactory(protected_site=site, position=2, delay_minutes=7)
    [result] = ingest_events(source=camera.source, events=[_event(1, camera)])
    assert Alarm.objects.get(pk=result["alarm"]).next_escalation_at == T0 + datetime.timedelta(minutes=7)


def test_a_late_event_within_the_window_joins_the_alarm_of_an_earlier_batch(camera):
    """An event that arrives after a later one (out of order) but within the window feeds the same alarm."""
    [first] = ingest_events(source=camera.source, events=[_event(1, camera, at=T0 + datetime.timedelta(seconds=60))])
    batch = [_event(2, camera, at=T0), _event(3, camera, kind="motion", at=T0 + datetime.timedelta(hours=3))]
    late, _other = ingest_events(source=camera.source, events=batch)
    assert late["alarm"] == first["alarm"]
    assert Alarm.objects.get(pk=first["alarm"]).event_count == 2


def test_hourly_activity_adds_up_across_batches_without_heartbeats(camera):
    """Each device's hourly count adds the events of every batch; heartbeats are not activity."""
    ingest_events(source=camera.source, events=[_event(1, camera), _event(2, camera, kind="heartbeat")])
    ingest_events(source=camera.source, events=[_event(3, camera, kind="motion"), _event(4, camera)])
    assert list(DeviceActivity.objects.values_list("device", "hour", "count")) == [(camera.pk, T0, 3)]


def test_a_batch_writes_no_audit_row_per_event(camera):
    """Ingestion is not an operator action: a batch of events and the alarms it raises add no audit entry."""
    before = AuditEntry.objects.count()
    ingest_events(source=camera.source, events=[_event(n, camera, kind="motion") for n in range(50)])
    assert Event.objects.count() == 50
    assert AuditEntry.objects.count() == before


def test_events_from_a_source_marked_offline_bring_it_back_and_close_its_alarm(camera):
    """A source marked offline (its availability said so) that sends events again is back online, and the technical
    alarm « source hors ligne » of its sites is closed (it was left open when events simply resumed)."""
    from mutualis.supervision.services.sources import source_set_online

    source_set_online(source=camera.source, online=False, at=T0)
    [offline] = Alarm.objects.filter(technical_kind=TechnicalKind.SOURCE_OFFLINE)
    assert offline.status != AlarmStatus.CLOSED
    camera.source.refresh_from_db()
    ingest_events(source=camera.source, events=[_event(1, camera)])
    camera.source.refresh_from_db()
    offline.refresh_from_db()
    assert camera.source.online and offline.status == AlarmStatus.CLOSED


def test_a_devices_clock_moves_by_the_second_and_never_back(camera):
    """A device's last event is rewritten only when a batch brings one at least a second later (a camera sending
    several a second rewrote its row at every batch), and a late event never sets it back."""

    def last_event():
        return Device.objects.get(pk=camera.pk).last_event_at

    second = datetime.timedelta(seconds=1)
    ingest_events(source=camera.source, events=[_event(1, camera, at=T0)])
    assert last_event() == T0
    ingest_events(source=camera.source, events=[_event(2, camera, at=T0 + second / 2)])
    assert last_event() == T0
    ingest_events(source=camera.source, events=[_event(3, camera, at=T0 + 2 * second)])
    assert last_event() == T0 + 2 * second
    ingest_events(source=camera.source, events=[_event(4, camera, at=T0 - 10 * second)])
    assert last_event() == T0 + 2 * second
    ingest_events(source=camera.source, events=[_event(5, camera, kind="heartbeat", at=T0)])
    ingest_events(source=camera.source, events=[_event(6, camera, kind="heartbeat", at=T0 + second / 4)])
    assert Device.objects.get(pk=camera.pk).last_heartbeat_at == T0


def test_an_event_stored_by_another_batch_meanwhile_is_a_duplicate(camera, monkeypatch):
    """The already-stored lookup runs before the batch waits for the database; when another batch stores one of its
    events in between, the insert fails on the unique (source, id), and the batch is stored again with the lookup
    inside its transaction: that event is a duplicate, the others created, nothing stored twice."""
    from mutualis.supervision.services import ingestion

    ingest_events(source=camera.source, events=[_event(1, camera)])
    lookups = []
    real = ingestion._known

    def before_the_other_batch_committed(source, events):
        lookups.append(len(events))
        return set() if len(lookups) == 1 else real(source, events)

    monkeypatch.setattr(ingestion, "_known", before_the_other_batch_committed)
    results = ingest_events(source=camera.source, events=[_event(1, camera), _event(2, camera)])
    assert [r["status"] for r in results] == ["duplicate", "created"] and lookups == [2, 2]
    assert Event.objects.filter(source_event_id="evt-1").count() == 1 and Event.objects.count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://frigate.college.fr:5000/api/events/1718987129.308396-fqk5ka/snapshot.jpg",
        "https://frigate.college.fr:5000/api/events/other/snapshot.jpg?h=200#top",  # same origin, other tail
        "https://frigate.college.fr:5000/api/events/with space/snapshot.jpg",  # same origin, a space after it
        "http://127.0.0.1:5000/snapshot.jpg",
        "http://[::1]:5000/x",
        "http://[::1:5000/x",
        "http://localhost",
        "http://user:pw@frigate.local.fr/x",
        "http://münchen.de/x",
        "http://-bad.fr/x",
        "http://a.fr:99999/x",
        "ftp://a.fr/x",
        "javascript:alert(1)",
        "http://a.fr/x\n",
        "http://",
        "http:/a.fr",
    ],
)
def test_a_snapshot_address_is_valid_exactly_when_djangos_url_validator_says_so(url):
    """The fast check (the host once per origin, then no space after it) gives the validator's answer."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["http", "https"])(url)
        expected = True
    except ValidationError:
        expected = False
    assert snapshot_url_is_valid(url) is expected
    assert snapshot_url_is_valid(url) is expected  # its origin remembered now


def test_an_event_with_an_invalid_snapshot_address_is_refused_even_after_a_valid_one_of_the_same_host(camera):
    good = _event(1, camera, snapshot_url="https://nvr.mairie.fr/api/events/1/snapshot.jpg")
    bad = _event(2, camera, snapshot_url="https://nvr.mairie.fr/api/events/1 2/snapshot.jpg")
    first, second = ingest_events(source=camera.source, events=[good, bad])
    assert first["status"] == "created"
    assert second["status"] == "error" and list(second["errors"]) == ["snapshot_url"]
    assert Event.objects.filter(source=camera.source).count() == 1

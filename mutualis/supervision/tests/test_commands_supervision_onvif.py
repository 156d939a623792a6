"""The ONVIF ingest process against a real HTTP ONVIF device: notifications reach alarms through the same
services, refused credentials and outages are technical states of the source, subscriptions that expire are
taken again, bad notifications are skipped and counted, and stopping unsubscribes."""

import datetime
import logging
import signal
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command

from mutualis.supervision.choices import AlarmCategory, AlarmStatus, EventKind, SourceKind, TechnicalKind
from mutualis.supervision.models import Alarm, Device, Event, EventSource
from mutualis.supervision.services.alarms import check_heartbeats
from mutualis.supervision.services.sources import source_create, source_update
from mutualis.supervision.tests import onvif_device as peer
from mutualis.supervision.tests.factories import DeviceFactory, supervision_operator
from mutualis.supervision.tests.onvif_device import notification, run_until

pytestmark = pytest.mark.django_db
onvif_device, onvif_ingestor = peer.onvif_device, peer.onvif_ingestor


def _camera(device, name: str, external_id: str) -> Device:
    """An ONVIF source at the peer's device service, with its credentials, and its one camera, supervised."""
    source, _token = source_create(
        name=name,
        kind=SourceKind.ONVIF,
        acting_user=None,
        onvif_url=device.url,
        onvif_username=device.username,
        onvif_password=device.password,
    )
    return DeviceFactory(source=source, external_id=external_id)


@pytest.fixture
def camera(onvif_device):
    """The source `onvif-entree` and its camera CAM-ENTREE."""
    return _camera(onvif_device, "onvif-entree", "CAM-ENTREE")


def _security():
    return Alarm.objects.filter(category=AlarmCategory.SECURITY)


def _offline_alarm():
    return Alarm.objects.filter(technical_kind=TechnicalKind.SOURCE_OFFLINE)


def test_motion_line_crossing_tamper_and_storage_failure_reach_alarms(camera, onvif_device, onvif_ingestor):
    """Motion, a line crossed and tamper pulled from the device raise security alarms on its camera, a storage
    failure a technical one, through ingest_events; a state back to normal is no event."""
    engine = onvif_ingestor()
    onvif_device.push(
        notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "true"}),
        notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "false"}),
        notification("RuleEngine/LineDetector/Crossed", {"ObjectId": "7"}, source={"Rule": "Portail"}),
        notification("RuleEngine/TamperDetector/Tamper", {"IsTamper": "true"}),
        notification("Device/HardwareFailure/StorageFailure", {"Failed": "true"}, source={"Token": "SD_01"}),
    )
    run_until(engine, lambda: Event.objects.exclude(kind=EventKind.HEARTBEAT).count() == 4)
    assert set(_security().values_list("kind", flat=True)) == {
        EventKind.MOTION,
        EventKind.LINE_CROSSING,
        EventKind.TAMPER,
    }
    assert Alarm.objects.get(category=AlarmCategory.TECHNICAL).technical_kind == TechnicalKind.STORAGE
    assert set(Event.objects.values_list("device__external_id", flat=True)) == {"CAM-ENTREE"}
    assert _security().get(kind=EventKind.LINE_CROSSING).zone == "Portail"
    assert engine.stats["ignored"] == 1 and engine.stats["bad_payloads"] == 0


def test_a_device_that_answers_is_a_camera_alive(camera, onvif_device, onvif_ingestor):
    """Camera health: a single-camera source that answers its pulls gives its camera a sign of life, which closes
    the camera's « no heartbeat » technical alarm."""
    Device.objects.filter(pk=camera.pk).update(last_heartbeat_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert check_heartbeats() == 1
    alarm = Alarm.objects.get(technical_kind=TechnicalKind.NO_HEARTBEAT)
    engine = onvif_ingestor()
    run_until(engine, lambda: Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.CLOSED)
    camera.refresh_from_db()
    assert camera.online and camera.last_heartbeat_at.year >= 2026 and engine.stats["heartbeats"] == 1


def test_a_wrong_password_marks_the_source_in_error_without_crashing(camera, onvif_device, onvif_ingestor, caplog):
    """Refused credentials: the source shows the error and is offline (a technical alarm), the log says so, the
    process goes on; once the password is corrected the source is back and its notifications flow."""
    source_update(source=camera.source, acting_user=supervision_operator(), onvif_password="pas-le-bon")
    caplog.set_level(logging.ERROR, logger="mutualis.supervision.onvif")
    engine = onvif_ingestor()
    run_until(engine, lambda: _offline_alarm().exists() and EventSource.objects.get().last_error != "")
    source = EventSource.objects.get()
    assert "Identifiants refusés" in source.last_error and not source.online
    assert any("credentials refused" in record.getMessage() for record in caplog.records)
    assert onvif_device.auth_failures >= 1 and not Event.objects.exists()
    source_update(source=source, acting_user=supervision_operator(), onvif_password=onvif_device.password)
    engine.reload()
    onvif_device.push(notification("RuleEngine/FieldDetector/ObjectsInside", {"IsInside": "true"}))
    run_until(engine, lambda: _security().filter(kind=EventKind.FIELD_DETECTOR).exists())
    source.refresh_from_db()
    assert source.online and source.last_error == "" and source.last_error_at is None
    assert _offline_alarm().get().status == AlarmStatus.CLOSED


def test_an_expired_subscription_is_taken_again(camera, onvif_device, onvif_ingestor):
    """The device forgets the subscription (expired, restarted): the process subscribes again and the next
    notification is ingested, without calling it an outage."""
    engine = onvif_ingestor()
    run_until(engine, lambda: engine.stats["pulls"] >= 1)
    onvif_device.expire_subscriptions()
    run_until(engine, lambda: engine.stats["subscriptions"] >= 2)
    onvif_device.push(notification("Device/Trigger/DigitalInput", {"LogicalState": "true"}, source={"InputToken": "1"}))
    run_until(engine, lambda: _security().filter(kind=EventKind.DIGITAL_INPUT).exists())
    assert engine.stats["expired"] >= 1 and not _offline_alarm().exists()


def test_the_subscription_is_renewed_before_it_ends(camera, onvif_device, onvif_ingestor):
    """A subscription close to its end is renewed (Renew); a device refusing Renew is kept alive by the pulls."""
    engine = onvif_ingestor(termination=2.0, renew_margin=1.9)
    run_until(engine, lambda: onvif_device.calls["Renew"] >= 1)
    onvif_device.renew_supported = False
    run_until(engine, lambda: onvif_device.calls["Renew"] >= 2 and engine.stats["pulls"] >= 6)
    onvif_device.push(notification("VideoSource/MotionAlarm", {"State": "true"}))
    run_until(engine, lambda: _security().exists())
    assert engine.stats["renewals"] >= 1 and not _offline_alarm().exists()


def test_a_device_down_is_a_technical_alarm_closed_when_it_is_back(camera, onvif_device, onvif_ingestor):
    """The device stops answering (connections refused): a technical alarm « source offline » on its site; back on
    the same address, the process subscribes again and the alarm is closed."""
    engine = onvif_ingestor()
    run_until(engine, lambda: engine.stats["pulls"] >= 1)
    onvif_device.stop()
    run_until(engine, lambda: _offline_alarm().filter(status=AlarmStatus.NEW).exists())
    assert not EventSource.objects.get().online and engine.stats["connection_errors"] >= 2
    onvif_device.start()
    run_until(engine, lambda: _offline_alarm().get().status == AlarmStatus.CLOSED)
    assert EventSource.objects.get().online


def test_dropped_connections_are_retried(camera, onvif_device, onvif_ingestor):
    """A device closing connections without answering is retried; a single drop is no outage."""
    engine = onvif_ingestor()
    run_until(engine, lambda: engine.stats["pulls"] >= 1)
    onvif_device.drop = True
    run_until(engine, lambda: engine.stats["connection_errors"] >= 1)
    onvif_device.drop = False
    onvif_device.push(notification("RuleEngine/MotionRegionDetector/Motion", {"State": "true"}))
    run_until(engine, lambda: _security().exists())


def test_a_malformed_notification_is_counted_and_skipped(camera, onvif_device, onvif_ingestor):
    """A notification without a readable state or time is logged, counted and skipped; the others of the same
    answer are ingested."""
    engine = onvif_ingestor()
    onvif_device.push(
        notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "peut-être"}),
        "<wsnt:NotificationMessage><wsnt:Topic>tns1:VideoSource/MotionAlarm</wsnt:Topic></wsnt:NotificationMessage>",
        notification("RuleEngine/TamperDetector/Tamper", {"IsTamper": "true"}),
    )
    run_until(engine, lambda: _security().exists())
    assert engine.stats["bad_payloads"] == 2
    assert list(Event.objects.exclude(kind=EventKind.HEARTBEAT).values_list("kind", flat=True)) == [EventKind.TAMPER]


def test_a_notification_the_mapping_fails_on_costs_only_itself(
    camera, onvif_device, onvif_ingestor, monkeypatch, caplog
):
    """An error the mapping did not foresee (not a MappingError) skips that notification with its trace in the log;
    the others of the same answer are ingested."""
    from mutualis.supervision.integrations.onvif.mapping import OnvifIntegration

    original = OnvifIntegration.map_notification

    def fragile(self, notification):
        if "Motion" in notification.topic:
            raise TypeError("unforeseen")
        return original(self, notification)

    monkeypatch.setattr(OnvifIntegration, "map_notification", fragile)
    engine = onvif_ingestor()
    onvif_device.push(
        notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "true"}),
        notification("RuleEngine/TamperDetector/Tamper", {"IsTamper": "true"}),
    )
    run_until(engine, lambda: _security().exists())
    assert engine.stats["bad_payloads"] == 1
    assert list(Event.objects.exclude(kind=EventKind.HEARTBEAT).values_list("kind", flat=True)) == [EventKind.TAMPER]
    assert "could not be mapped" in caplog.text


def test_a_device_that_ignores_message_limit_is_read_whole(camera, onvif_device, onvif_ingestor):
    """A device answering more messages than MessageLimit asked: all of them are ingested."""
    onvif_device.ignore_message_limit = True
    engine = onvif_ingestor(message_limit=1)
    onvif_device.push(*(notification("RuleEngine/LineDetector/Crossed", {"ObjectId": str(n)}) for n in range(5)))
    run_until(engine, lambda: Event.objects.filter(kind=EventKind.LINE_CROSSING).count() == 5)
    assert engine.stats["pulls"] >= 1


def test_a_skewed_device_clock_is_corrected(camera, onvif_device, onvif_ingestor):
    """A camera whose clock is two hours ahead: the digest is stamped in its time (accepted), and the alarm
    gets our time, the device's kept in the event."""
    onvif_device.clock_skew = datetime.timedelta(hours=2)
    engine = onvif_ingestor()
    onvif_device.push(notification("VideoSource/MotionAlarm", {"State": "true"}, at=onvif_device.now()))
    run_until(engine, lambda: _security().exists())
    event = Event.objects.get(kind=EventKind.MOTION)
    assert abs((event.occurred_at - event.received_at).total_seconds()) < 60
    assert event.data["device_utc_time"] > event.occurred_at.isoformat()
    assert onvif_device.auth_failures == 0


def test_sources_added_changed_and_removed_are_followed_on_reload(camera, onvif_device, onvif_ingestor):
    """A source deactivated while the process runs is unsubscribed; another added is subscribed on the next
    reading of the sources."""
    engine = onvif_ingestor()
    run_until(engine, lambda: engine.stats["pulls"] >= 1)
    source_update(source=camera.source, acting_user=supervision_operator(), is_active=False)
    engine.reload()
    assert len(onvif_device.unsubscribed) == 1 and engine.routes == {}
    _camera(onvif_device, "onvif-cour", "CAM-COUR")
    engine.reload()
    onvif_device.push(notification("VideoSource/MotionAlarm", {"State": "true"}))
    run_until(engine, lambda: _security().filter(device__external_id="CAM-COUR").exists())


def test_stopping_unsubscribes(camera, onvif_device, onvif_ingestor):
    """Stopping the engine unsubscribes from the device (it has few pull points)."""
    engine = onvif_ingestor()
    run_until(engine, lambda: engine.stats["pulls"] >= 1)
    [subscription] = list(onvif_device.subscriptions)
    engine.stop()
    assert onvif_device.unsubscribed == [subscription] and onvif_device.subscriptions == {}


# Committed data: the command's loop closes stale connections as a long-running process does, which on PostgreSQL
# would end a test's enclosing transaction.
@pytest.mark.django_db(transaction=True)
def test_the_command_ingests_until_sigterm_then_unsubscribes(camera, onvif_device, monkeypatch):
    """`manage.py supervision_onvif` ingests what the device sends and, on SIGTERM, unsubscribes and stops."""
    handlers: dict[int, Any] = {}
    # The handler the command installs is called as the signal would call it (a real signal would reach the
    # whole test process, and only its main thread may install handlers).
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.__setitem__(signum, handler))

    def drive() -> None:
        deadline = time.monotonic() + 30
        while onvif_device.calls["PullMessages"] < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        onvif_device.push(notification("RuleEngine/LineDetector/Crossed", {"ObjectId": "1"}))
        pulls = onvif_device.calls["PullMessages"]
        # Two pulls later the one that carried the notification has been answered and reported.
        while onvif_device.calls["PullMessages"] < pulls + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        handlers[signal.SIGTERM](signal.SIGTERM, None)

    thread = threading.Thread(target=drive)
    thread.start()
    try:
        call_command("supervision_onvif", "--pull-timeout=0.3", "--reload-every=3600", "--stats-every=3600")
    finally:
        thread.join()
    assert set(handlers) == {signal.SIGINT, signal.SIGTERM}
    assert _security().get().kind == EventKind.LINE_CROSSING
    assert len(onvif_device.unsubscribed) == 1


def test_a_device_ending_every_subscription_at_once_is_an_error_then_offline(camera, onvif_device, onvif_ingestor):
    """A device that forgets every subscription before the first pull is answered: the source shows why and,
    after repeated attempts (with a growing delay), is offline; once it behaves, the alarm is closed."""
    onvif_device.fault("PullMessages", "wsrf-rw:ResourceUnknownFault", "Unknown subscription", code="Receiver")
    engine = onvif_ingestor()
    run_until(engine, lambda: _offline_alarm().filter(status=AlarmStatus.NEW).exists())
    assert "met fin à chaque abonnement" in EventSource.objects.get().last_error
    onvif_device.clear_fault("PullMessages")
    run_until(engine, lambda: _offline_alarm().get().status == AlarmStatus.CLOSED)
    assert EventSource.objects.get().last_error == ""


def test_a_device_started_after_the_process_is_no_outage(camera, onvif_device, onvif_ingestor):
    """Within the grace period, a device not answering yet (started after the process, rebooting) raises no
    technical alarm; once it answers, its notifications flow."""
    onvif_device.stop()
    engine = onvif_ingestor(offline_grace=3600.0)
    run_until(engine, lambda: engine.stats["connection_errors"] >= 3)
    onvif_device.start()
    onvif_device.push(notification("VideoSource/MotionAlarm", {"State": "true"}))
    run_until(engine, lambda: _security().exists())
    assert not _offline_alarm().exists() and EventSource.objects.get().online

"""Camera health: a camera silent beyond its site's timeout gets a technical alarm, its return closes it; the clock
enqueues the check every minute, with supervision's other periodic checks."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutualis.supervision.choices import AlarmCategory, AlarmStatus, TechnicalKind
from mutualis.supervision.models import Alarm, Device
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tasks import check_camera_health
from mutualis.supervision.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def _silent_camera(minutes: int):
    last = timezone.now() - datetime.timedelta(minutes=minutes)
    return DeviceFactory(external_id="CAM-SANTE", last_heartbeat_at=last, online=True)


def test_a_silent_camera_gets_a_technical_alarm_once():
    """No heartbeat for longer than the site's timeout: one technical alarm « plus de signal de vie », not one
    per run, and the camera is marked offline."""
    camera = _silent_camera(60)
    assert camera.protected_site.heartbeat_timeout_minutes < 60
    assert check_camera_health.call() == 1
    assert check_camera_health.call() == 0
    alarm = Alarm.objects.get()
    assert (alarm.category, alarm.technical_kind, alarm.device) == (
        AlarmCategory.TECHNICAL,
        TechnicalKind.NO_HEARTBEAT,
        camera,
    )
    assert not Device.objects.get(pk=camera.pk).online


def test_a_camera_heard_within_its_timeout_is_left_alone():
    """A camera whose last heartbeat is recent raises nothing."""
    _silent_camera(1)
    assert check_camera_health.call() == 0
    assert not Alarm.objects.exists()


def test_the_cameras_return_closes_its_health_alarm():
    """A heartbeat from the camera after its silence closes the technical alarm and marks it online."""
    camera = _silent_camera(60)
    check_camera_health.call()
    event = {"id": "hb-1", "device": camera.external_id, "kind": "heartbeat", "occurred_at": timezone.now()}
    ingest_events(source=camera.source, events=[event])
    alarm = Alarm.objects.get()
    assert alarm.status == AlarmStatus.CLOSED
    assert Device.objects.get(pk=camera.pk).online


def test_the_clock_runs_the_health_check():
    """`manage.py clock --once` enqueues the health check (run at once by the tests' backend)."""
    _silent_camera(60)
    call_command("clock", "--once", stdout=io.StringIO())
    assert Alarm.objects.filter(technical_kind=TechnicalKind.NO_HEARTBEAT).exists()

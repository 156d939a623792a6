"""The ONVIF demo: `load_demo_supervision_onvif` declares `demo-onvif` (published credentials) and its camera on
DEMO-CAM-0001's site; the ingest engine pulls the simulated camera's notifications into alarms; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.members.choices import Competence
from mutualis.members.tests.factories import CompetenceTransferFactory
from mutualis.supervision import demo, demo_onvif
from mutualis.supervision.choices import AlarmCategory, EventKind
from mutualis.supervision.integrations.onvif.simulator import OnvifDevice, notification
from mutualis.supervision.models import Alarm, Device, EventSource
from mutualis.supervision.services.sources import source_onvif_password
from mutualis.supervision.tests import onvif_device as peer
from mutualis.supervision.tests.factories import AuthorisationFactory, DeviceFactory, EventSourceFactory

pytestmark = pytest.mark.django_db
onvif_ingestor = peer.onvif_ingestor


@pytest.fixture
def simulated_camera():
    """The demo's simulated camera, with the published demo credentials, on a free port."""
    device = OnvifDevice(username=demo_onvif.DEMO_ONVIF_USERNAME, password=demo_onvif.DEMO_ONVIF_PASSWORD)
    device.start()
    yield device
    device.stop()
    assert device.errors == []


@pytest.fixture
def supervision_demo():
    """What the ONVIF demo builds on: DEMO-CAM-0001 of `demo-webhook` on an authorised site, the demo operator."""
    anchor = DeviceFactory(source=EventSourceFactory(name="demo-webhook"), external_id="DEMO-CAM-0001")
    AuthorisationFactory(protected_site=anchor.protected_site)
    CompetenceTransferFactory(
        member=anchor.protected_site.site.member,
        competence=Competence.VIDEO_PROTECTION,
        start_date=datetime.date(2024, 1, 1),
    )
    StaffFactory(email=demo.DEMO_OPERATOR, staff_role="supervision_operator")
    return anchor


def test_the_onvif_demo_camera_reports_alarms(supervision_demo, simulated_camera, onvif_ingestor):
    """The demo source points at the simulated camera with its published credentials; its motion is an alarm on
    DEMO-CAM-0001's site; a second load adds nothing."""
    with override_settings(ONVIF_DEMO_PORT=simulated_camera.port):
        call_command("load_demo_supervision_onvif", stdout=io.StringIO())
    source = EventSource.objects.get(name=demo_onvif.DEMO_ONVIF_SOURCE)
    assert source.onvif_url == simulated_camera.url
    assert source_onvif_password(source) == demo_onvif.DEMO_ONVIF_PASSWORD
    camera = Device.objects.get(source=source)
    assert camera.protected_site == supervision_demo.protected_site and camera.is_supervised
    engine = onvif_ingestor()
    simulated_camera.push(notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "true"}))
    peer.run_until(engine, lambda: Alarm.objects.filter(category=AlarmCategory.SECURITY).exists())
    assert Alarm.objects.get(category=AlarmCategory.SECURITY).kind == EventKind.MOTION
    counts = (EventSource.objects.count(), Device.objects.count())
    call_command("load_demo_supervision_onvif", stdout=io.StringIO())
    assert (EventSource.objects.count(), Device.objects.count()) == counts


def test_the_onvif_demo_needs_the_supervision_demo():
    """Without supervision's demo (no DEMO-CAM-0001), nothing is made."""
    assert demo_onvif.load() == {} and not EventSource.objects.exists()

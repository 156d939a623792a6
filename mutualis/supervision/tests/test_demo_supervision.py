"""`load_demo_supervision`: about 1,300 cameras, the demo sources, DEMO-CAM-0001 on a site the demo operator is
habilitated for, collèges, authorisations, and alarms in every status; a second run adds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.members.choices import Competence, MemberKind, SiteKind
from mutualis.members.tests.factories import CompetenceTransferFactory, MemberFactory, SiteFactory, commune_member
from mutualis.supervision import demo
from mutualis.supervision.choices import CAMERA_KINDS, AlarmStatus
from mutualis.supervision.models import Alarm, Device, EventSource, Habilitation, ProtectedSite
from mutualis.supervision.services.sources import source_authenticate
from mutualis.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_members(territory):
    versailles = commune_member("78646")
    CompetenceTransferFactory(
        member=versailles, competence=Competence.VIDEO_PROTECTION, start_date=datetime.date(2024, 1, 1)
    )
    for name, kind in [
        ("Hôtel de ville", SiteKind.TOWN_HALL),
        ("Parking du centre", SiteKind.CAR_PARK),
        ("Centre technique municipal", SiteKind.TECHNICAL),
    ]:
        SiteFactory(member=versailles, name=name, kind=kind)
    hauts_de_seine = MemberFactory(
        name="Département des Hauts-de-Seine",
        kind=MemberKind.DEPARTEMENT,
        establishment_type="",
        departement=territory.boulogne.departement,
        communes=list(Commune.objects.filter(departement__code="92")),
    )
    CompetenceTransferFactory(
        member=hauts_de_seine, competence=Competence.VIDEO_PROTECTION, start_date=datetime.date(2024, 1, 1)
    )
    StaffFactory(email=demo.DEMO_OPERATOR, staff_role="supervision_operator")
    StaffFactory(email="admin@demo.mutualis.fr")


def test_demo_builds_1300_cameras_and_alarms_in_every_status(demo_members):
    """1,300 cameras, the published tokens work, DEMO-CAM-0001 is on a site the demo operator is habilitated for,
    the collèges, one lapsed authorisation suspends public-space cameras, every alarm status present; idempotent."""
    call_command("load_demo_supervision", stdout=io.StringIO())
    assert Device.objects.filter(kind__in=CAMERA_KINDS).count() == 1300
    # The test territory holds only some of the collèges' communes: one collège per commune present.
    present = Commune.objects.filter(insee_code__in=[insee for _name, insee in demo.COLLEGES]).count()
    assert present and ProtectedSite.objects.filter(is_college=True).count() == present
    webhook = source_authenticate(token=demo.DEMO_WEBHOOK_TOKEN)
    assert webhook is not None and webhook.name == "demo-webhook"
    assert source_authenticate(token=demo.DEMO_FRIGATE_TOKEN).mqtt_topic_prefix == "frigate"
    camera = Device.objects.get(source=webhook, external_id="DEMO-CAM-0001")
    assert Habilitation.objects.filter(protected_site=camera.protected_site, user__email=demo.DEMO_OPERATOR).exists()
    assert set(Alarm.objects.values_list("status", flat=True)) == set(AlarmStatus.values)
    assert Device.objects.filter(suspended_reason__contains="autorisation").exists()
    assert not Device.objects.filter(analytics_enabled=True).exists()
    counts = (Device.objects.count(), Alarm.objects.count(), EventSource.objects.count())
    call_command("load_demo_supervision", stdout=io.StringIO())
    assert (Device.objects.count(), Alarm.objects.count(), EventSource.objects.count()) == counts

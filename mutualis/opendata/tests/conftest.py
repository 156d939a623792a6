"""Data behind every dataset of the catalogue (fibre plan, active member, delivered equipment, a framework
agreement), and generated files kept in a temporary media folder."""

import datetime

import pytest

from mutualis.assets.choices import AssetKind
from mutualis.assets.tests.factories import AssetFactory
from mutualis.fibre.tests.factories import AddressFactory, PlanFactory, PMZoneFactory, TargetFactory
from mutualis.members.choices import Competence
from mutualis.members.tests.factories import CompetenceTransferFactory, MemberFactory, SiteFactory, commune
from mutualis.purchasing.tests.factories import LotFactory

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.10, 48.78], [2.16, 48.78], [2.16, 48.83], [2.10, 48.83], [2.10, 48.78]]],
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Generated files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def catalogue_data(db):
    """Versailles in the fibre plan, an active collège there with a site, two tablets and a camera delivered
    there in 2025, and a framework agreement in force."""
    place = commune("78646")
    place.contour = SQUARE
    place.latitude, place.longitude = 48.80, 2.13
    place.save()
    plan = PlanFactory(commune=place, premises_planned=10)
    TargetFactory(plan=plan, year=2026, premises=10)
    zone = PMZoneFactory(commune=place, reference="PM-78646-01")
    AddressFactory(pm_zone=zone, dwellings=3, connected_on=datetime.date(2025, 4, 1))
    member = MemberFactory(name="Collège Hoche", communes=[place])
    CompetenceTransferFactory(member=member, competence=Competence.DIGITAL_EDUCATION)
    site = SiteFactory(member=member, commune=place)
    for _ in range(2):
        AssetFactory(member=member, site=site, delivered_on=datetime.date(2025, 9, 1))
    AssetFactory(member=member, site=site, kind=AssetKind.CAMERA, delivered_on=datetime.date(2025, 9, 1))
    LotFactory()
    return {"commune": place, "member": member}

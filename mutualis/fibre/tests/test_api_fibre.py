"""The fibre API: plans and per-commune progress are public, PM zones scoped by the caller, all read-only."""

import datetime

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.fibre.choices import PMZoneState
from mutualis.fibre.tests.factories import AddressFactory, PlanFactory, PMZoneFactory, TargetFactory
from mutualis.members.testing import assert_role_matrix

pytestmark = pytest.mark.django_db

EVERYONE_200 = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


@pytest.fixture
def network(world):
    """Versailles (member A) and Boulogne (member B) in the plan, each with a PM zone; Versailles's is late."""
    versailles = PlanFactory(commune=world.site_a.commune, premises_planned=20)
    TargetFactory(plan=versailles, year=2025, premises=20)
    PlanFactory(commune=world.site_b.commune, premises_planned=5)
    late = PMZoneFactory(
        reference="PM-V-01",
        commune=world.site_a.commune,
        state=PMZoneState.IN_PROGRESS,
        commissioned_on=None,
        planned_on=datetime.date(2025, 1, 1),
    )
    commissioned = PMZoneFactory(reference="PM-V-02", commune=world.site_a.commune)
    boulogne = PMZoneFactory(reference="PM-B-01", commune=world.site_b.commune)
    AddressFactory(pm_zone=commissioned, dwellings=5, connected_on=datetime.date(2025, 5, 1))
    return {"late": late, "commissioned": commissioned, "boulogne": boulogne}


def test_plans_and_progress_are_public(world, network):
    """Anyone reads the plans and the per-commune progress, lists and details."""
    for url in (
        "/api/v1/fibre/plans/",
        "/api/v1/fibre/plans/78646/",
        "/api/v1/fibre/progress/",
        "/api/v1/fibre/progress/78646/",
    ):
        assert_role_matrix(world, method="get", url=url, expected=EVERYONE_200, api=True)


def test_a_pm_zone_is_read_by_staff_and_its_communes_members(world, network):
    """A Versailles PM zone: member A's users and staff read it; member B's user gets 404; visitors 401."""
    assert_role_matrix(
        world,
        method="get",
        url=f"/api/v1/fibre/pm-zones/{network['late'].pk}/",
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
        api=True,
    )


def test_the_api_is_read_only(world, network):
    """No write: POST answers 405 to staff, 401/403 to visitors."""
    for url in ("/api/v1/fibre/plans/", "/api/v1/fibre/pm-zones/", "/api/v1/fibre/progress/"):
        response = login_as(Client(), world.staff).post(url, {}, content_type="application/json")
        assert response.status_code == 405


def test_a_plan_comes_with_its_targets(client, network):
    """A plan: commune, premises to serve, contractor, completion year, yearly targets."""
    body = client.get("/api/v1/fibre/plans/78646/").json()
    assert body == {
        "commune": "78646",
        "commune_name": "Versailles",
        "premises_planned": 20,
        "contractor": "Titulaire fictif",
        "completion_year": 2025,
        "targets": [{"year": 2025, "premises": 20}],
    }


def test_pm_zones_filter_by_lateness_and_are_scoped(world, network):
    """?late=true lists the late zones; a member's user lists only its communes' zones."""
    staff = login_as(Client(), world.staff)
    late = staff.get("/api/v1/fibre/pm-zones/?late=true").json()["results"]
    assert [zone["reference"] for zone in late] == ["PM-V-01"]
    assert late[0]["pm_state"] == "in_progress" and late[0]["days_late"] > 300
    member = login_as(Client(), world.reader).get("/api/v1/fibre/pm-zones/").json()["results"]
    assert sorted(zone["reference"] for zone in member) == ["PM-V-01", "PM-V-02"]
    assert staff.get("/api/v1/fibre/pm-zones/?state=nowhere").status_code == 400


def test_progress_per_commune_and_by_quarter(client, network):
    """The progress list gives each commune's figures; a commune's detail adds its quarters against the plan."""
    rows = client.get("/api/v1/fibre/progress/?departement=78").json()["results"]
    assert [row["commune"] for row in rows] == ["78646"]
    assert rows[0] | {"commune_name": ""} == {
        "commune": "78646",
        "commune_name": "",
        "departement": "78",
        "epci": "247800584",
        "premises_to_serve": 20,
        "premises_counted": 5,
        "connectable": 5,
        "connected": 5,
        "connectable_rate": 25.0,
        "take_up_rate": 100.0,
        "pm_zones": 2,
        "pm_zones_commissioned": 1,
        "pm_zones_late": 1,
        "completion_year": 2025,
    }
    detail = client.get("/api/v1/fibre/progress/78646/").json()
    assert detail["quarters"][0] == {
        "label": "T1 2025",
        "end": "2025-03-31",
        "target": 5,
        "connectable": 5,
        "connected": 0,
    }
    assert client.get("/api/v1/fibre/progress/78686/").status_code == 404


def test_the_api_root_lists_the_fibre_collections(client):
    """The API root links the three fibre collections."""
    links = client.get("/api/v1/").json()
    assert links["fibre-plans"].endswith("/api/v1/fibre/plans/")
    assert links["fibre-pm-zones"].endswith("/api/v1/fibre/pm-zones/")
    assert links["fibre-progress"].endswith("/api/v1/fibre/progress/")

"""The read-only contributions API: scoped calls with their lines, rates for staff."""

import pytest
from rest_framework.test import APIClient

from mutualis.contributions.models import ContributionCall
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_staff_list_calls_with_nested_lines_and_filters(api, contribution_world):
    """Staff list every call, filtered by year, member and status, each with its due date and lines."""
    login_as(api, contribution_world.users["staff"])
    data = api.get("/api/v1/contribution-calls/", {"year": 2025}).json()
    assert data["count"] == 2
    versailles = next(c for c in data["results"] if c["member"] == contribution_world.member.pk)
    assert versailles["number"] == contribution_world.call.number
    assert versailles["total"] == "37763.10"
    assert versailles["due_date"] == contribution_world.call.due_date.isoformat()
    assert {line["competence"]: line["amount"] for line in versailles["lines"]} == {
        "central_purchasing": "12587.70",
        "broadband": "25175.40",
    }
    assert api.get("/api/v1/contribution-calls/", {"member": contribution_world.other_member.pk}).json()["count"] == 1
    assert api.get("/api/v1/contribution-calls/", {"status": "cancelled"}).json()["count"] == 0
    assert api.get("/api/v1/contribution-calls/", {"year": 2024}).json()["count"] == 0


def test_a_members_user_sees_only_their_calls(api, contribution_world):
    """A member's user lists only their member's calls; another member's call answers 404."""
    login_as(api, contribution_world.users["reader"])
    data = api.get("/api/v1/contribution-calls/").json()
    assert [c["id"] for c in data["results"]] == [contribution_world.call.pk]
    assert api.get(f"/api/v1/contribution-calls/{contribution_world.call.pk}/").status_code == 200
    assert api.get(f"/api/v1/contribution-calls/{contribution_world.other_call.pk}/").status_code == 404


def test_the_api_is_read_only(api, contribution_world):
    """Calls and rates cannot be written through the API, even by an administrator; nothing changes."""
    login_as(api, contribution_world.users["administrator"])
    url = f"/api/v1/contribution-calls/{contribution_world.call.pk}/"
    assert api.delete(url).status_code == 405
    assert api.patch(url, {"status": "cancelled"}, format="json").status_code == 405
    assert api.post("/api/v1/contribution-rates/", {"year": 2030}, format="json").status_code == 405
    assert ContributionCall.objects.filter(status="issued").count() == 2


def test_rates_are_read_by_staff_only(api, contribution_world):
    """Staff read the rates by year; members' users are refused."""
    login_as(api, contribution_world.users["staff"])
    data = api.get("/api/v1/contribution-rates/", {"year": 2025}).json()
    assert {(r["competence"], r["per_inhabitant"], r["floor"]) for r in data["results"]} == {
        ("central_purchasing", "0.1500", "500.00"),
        ("broadband", "0.3000", "800.00"),
    }
    assert api.get("/api/v1/contribution-rates/", {"year": 2024}).json()["count"] == 0
    api.logout()
    login_as(api, contribution_world.users["manager"])
    assert api.get("/api/v1/contribution-rates/").status_code == 403


def test_bad_filter_values_answer_400(api, contribution_world):
    """An unreadable filter value is a 400 with the field's error."""
    login_as(api, contribution_world.users["staff"])
    response = api.get("/api/v1/contribution-calls/", {"status": "paid"})
    assert response.status_code == 400
    assert "status" in response.json()

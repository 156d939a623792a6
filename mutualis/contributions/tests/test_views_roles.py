"""Role matrix over every contributions route (members' harness): each role gets the status its rights allow, and
a refused request changes nothing."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.contributions.services import call_issue_year
from mutualis.contributions.tests.factories import RateFactory
from mutualis.core.testing import login_as
from mutualis.members.choices import Competence
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db

MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}
OWN_MEMBER = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200}


@pytest.fixture
def calls(world):
    """The world's 2025 rates and calls: one call for member A (Versailles), one for member B (Boulogne)."""
    for competence in (Competence.CENTRAL_PURCHASING, Competence.VIDEO_PROTECTION, Competence.EV_CHARGING):
        RateFactory(year=2025, competence=competence, per_inhabitant="0.1500", floor="500")
    call_issue_year(year=2025, acting_user=world.staff)
    return SimpleNamespace(
        a=ContributionCall.objects.get(member=world.member_a), b=ContributionCall.objects.get(member=world.member_b)
    )


def state():
    return rows(ContributionCall.objects.all()) + rows(ContributionRate.objects.all())


def test_call_list_is_for_operator_staff_only(world, calls):
    """The calls back-office exists only for operator staff; members' users get 404."""
    url = reverse("contributions:call_list") + "?year=2025"
    assert_role_matrix(world, method="get", url=url, expected={**MEMBERS_404, "staff": 200})


def test_call_export_is_for_operator_staff_only(world, calls):
    """The CSV export holds every member's calls: operator staff only."""
    url = reverse("contributions:call_export") + "?year=2025"
    assert_role_matrix(world, method="get", url=url, expected={**MEMBERS_404, "staff": 200})


def test_issue_confirmation_is_for_administrators(world, calls):
    """Only administrators reach the issue confirmation page."""
    url = reverse("contributions:call_issue") + "?year=2025"
    assert_role_matrix(world, method="get", url=url, expected={**MEMBERS_404, "staff": 200})


def test_issuing_is_for_administrators_and_refusals_issue_nothing(world, calls):
    """Only administrators issue a year's calls; anyone else is refused and no call is created."""
    RateFactory(year=2026, competence=Competence.CENTRAL_PURCHASING)
    RateFactory(year=2026, competence=Competence.VIDEO_PROTECTION)
    RateFactory(year=2026, competence=Competence.EV_CHARGING)
    assert_role_matrix(
        world,
        method="post",
        url=reverse("contributions:call_issue"),
        data={"year": 2026},
        expected={**MEMBERS_404, "staff": 302},
        state=state,
    )
    assert ContributionCall.objects.filter(year=2026).count() == 2


def test_rate_table_is_for_operator_staff(world, calls):
    """The rate table is read by operator staff only."""
    url = reverse("contributions:rate_list") + "?year=2025"
    assert_role_matrix(world, method="get", url=url, expected={**MEMBERS_404, "staff": 200})


def test_rates_are_set_by_administrators_only(world, calls):
    """Only administrators change a rate; refused requests leave the rates as they were."""
    assert_role_matrix(
        world,
        method="post",
        url=reverse("contributions:rate_list") + "?year=2025",
        data={"competence": "broadband", "broadband-per_inhabitant": "0,25", "broadband-floor": "900"},
        expected={**MEMBERS_404, "staff": 302},
        state=state,
    )
    assert ContributionRate.objects.filter(year=2025, competence=Competence.BROADBAND).exists()


def test_a_call_is_seen_by_its_members_users_and_staff(world, calls):
    """Every user of the member (reader, agent, manager) and staff see its call; another member gets 404."""
    url = reverse("contributions:call_detail", args=[calls.a.pk])
    assert_role_matrix(world, method="get", url=url, expected={**OWN_MEMBER, "staff": 200})


def test_a_call_is_cancelled_by_administrators_only(world, calls):
    """Members' users may not cancel their call (403; another member 404); the call stays issued until staff do."""
    assert_role_matrix(
        world,
        method="post",
        url=reverse("contributions:call_cancel", args=[calls.a.pk]),
        data={"reason": "Essai"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 302},
        state=state,
    )
    calls.a.refresh_from_db()
    assert calls.a.status == "cancelled"


def test_a_members_calls_page_is_for_its_users_and_staff(world, calls):
    """A member's calls page is open to its users and staff; another member's user gets 404."""
    url = reverse("contributions:member_calls", args=[world.member_a.pk])
    assert_role_matrix(world, method="get", url=url, expected={**OWN_MEMBER, "staff": 200})


def test_api_call_list_is_scoped(world, calls):
    """Any signed-in user lists calls through the API (scoped to what they may see); anonymous is refused."""
    url = "/api/v1/contribution-calls/"
    expected = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=url, expected=expected, api=True)


def test_api_call_detail_answers_404_to_another_member(world, calls):
    """Through the API, another member's call is not found."""
    url = f"/api/v1/contribution-calls/{calls.a.pk}/"
    assert_role_matrix(world, method="get", url=url, expected={**OWN_MEMBER, "staff": 200}, api=True)


def test_api_is_read_only(world, calls):
    """No one writes calls through the API; nothing changes."""
    url = f"/api/v1/contribution-calls/{calls.a.pk}/"
    expected = {"other_member": 405, "reader": 405, "agent": 405, "manager": 405, "staff": 405}
    for method in ("patch", "delete"):
        assert_role_matrix(
            world, method=method, url=url, data={"status": "cancelled"}, expected=expected, api=True, state=state
        )


def test_api_rates_are_for_operator_staff(world, calls):
    """Rates are read through the API by operator staff only."""
    expected = {"other_member": 403, "reader": 403, "agent": 403, "manager": 403, "staff": 200}
    assert_role_matrix(world, method="get", url="/api/v1/contribution-rates/", expected=expected, api=True)


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("get", lambda c: reverse("contributions:call_list"), None, 200),
        ("get", lambda c: reverse("contributions:call_export"), None, 200),
        ("get", lambda c: reverse("contributions:rate_list"), None, 200),
        ("get", lambda c: reverse("contributions:call_detail", args=[c.a.pk]), None, 200),
        ("get", lambda c: reverse("contributions:call_issue") + "?year=2025", None, 403),
        ("post", lambda c: reverse("contributions:call_issue"), {"year": 2025}, 403),
        (
            "post",
            lambda c: reverse("contributions:rate_list") + "?year=2025",
            {"competence": "broadband", "broadband-per_inhabitant": "1", "broadband-floor": "1"},
            403,
        ),
        ("post", lambda c: reverse("contributions:call_cancel", args=[c.a.pk]), {"reason": "Essai"}, 403),
    ],
)
def test_other_staff_roles_read_but_do_not_write(world, calls, method, url, data, status):
    """Staff other than administrators (e.g. a purchasing officer) read contributions but set, issue, cancel nothing."""
    client = login_as(Client(), StaffFactory(staff_role="purchasing_officer"))
    before = state()
    response = getattr(client, method)(url(calls), data or {})
    assert response.status_code == status
    assert state() == before

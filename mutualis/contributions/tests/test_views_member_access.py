"""Members reach their calls: from their space, from the menu (« Cotisations », for users who belong to a member)
and from the back-office member page; the PDF follows the call's own role matrix.

Every role of a member — reader, agent, manager — reads its calls (`permissions.get_abilities`: a call is viewed
and printed by whoever `ContributionCall.objects.visible_to` lets see it), so all three get the links."""

from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from mutualis.accounts.tests.factories import UserFactory
from mutualis.contributions.models import ContributionCall
from mutualis.contributions.services import call_issue_year
from mutualis.contributions.tests.factories import RateFactory
from mutualis.core.navigation import navigation
from mutualis.core.testing import login_as
from mutualis.members.choices import Competence, MemberRole
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MEMBER_ROLES = ("reader", "agent", "manager")


@pytest.fixture
def calls(world):
    """The world's 2025 calls: one for member A, one for member B."""
    for competence in (Competence.CENTRAL_PURCHASING, Competence.VIDEO_PROTECTION, Competence.EV_CHARGING):
        RateFactory(year=2025, competence=competence)
    call_issue_year(year=2025, acting_user=world.staff)
    return SimpleNamespace(
        a=ContributionCall.objects.get(member=world.member_a), b=ContributionCall.objects.get(member=world.member_b)
    )


def signed_in(user) -> Client:
    return login_as(Client(), user)


def menu(user, path: str = "/") -> dict[str, str]:
    """The user's menu as label → URL (groups flattened)."""
    request = RequestFactory().get(path)
    request.user = user
    return {str(link["label"]): link["url"] for entry in navigation(request) for link in entry.get("children", [entry])}


def test_the_pdf_is_for_the_members_users_and_staff(world, calls):
    """Reader, agent and manager of member A and staff download its call's PDF; another member's user gets 404,
    anonymous visitors go to the login page; nothing changes."""
    assert_role_matrix(
        world,
        method="get",
        url=reverse("contributions:call_pdf", args=[calls.a.pk]),
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
        state=lambda: rows(ContributionCall.objects.all()),
    )


def test_the_member_space_links_the_calls_for_every_role(world, calls):
    """The member space of A shows a « Cotisations » section linking to A's calls, for each of its roles."""
    url = reverse("contributions:member_calls", args=[world.member_a.pk])
    for role in MEMBER_ROLES:
        page = signed_in(world.users[role]).get(reverse("members:space")).content.decode()
        assert 'id="calls-title">Cotisations</h2>' in page, role
        assert f'href="{url}"' in page, role
        assert signed_in(world.users[role]).get(url).status_code == 200, role


def test_the_menu_offers_the_calls_to_users_of_a_member_only(world, calls):
    """« Cotisations » is in the members' menu of every role of a member, not for an account attached to no member;
    staff keep theirs under « Adhérents » (the back-office list)."""
    for role in (*MEMBER_ROLES, "other_member"):
        assert menu(world.users[role])["Cotisations"] == reverse("contributions:my_calls"), role
    assert "Cotisations" not in menu(UserFactory())
    assert menu(world.staff)["Cotisations"] == reverse("contributions:call_list")


def test_my_calls_opens_the_members_calls(world, calls):
    """« Cotisations » leads each role to its member's calls, staff to the back-office list; anonymous to login."""
    expected = dict.fromkeys((*MEMBER_ROLES, "other_member", "staff"), 302)
    assert_role_matrix(world, method="get", url=reverse("contributions:my_calls"), expected=expected)
    targets = {
        "reader": reverse("contributions:member_calls", args=[world.member_a.pk]),
        "manager": reverse("contributions:member_calls", args=[world.member_a.pk]),
        "other_member": reverse("contributions:member_calls", args=[world.member_b.pk]),
        "staff": reverse("contributions:call_list"),
    }
    for role, target in targets.items():
        assert signed_in(world.users[role]).get(reverse("contributions:my_calls"))["Location"] == target, role


def test_a_user_of_several_members_sees_all_their_calls(world, calls):
    """A user of two members gets both members' calls in one table, each member named and linked."""
    MembershipFactory(user=world.reader, member=world.member_b, role=MemberRole.READER)
    response = signed_in(world.reader).get(reverse("contributions:my_calls"))
    assert response.status_code == 200
    assert {call.pk for call in response.context["page"].object_list} == {calls.a.pk, calls.b.pk}
    page = response.content.decode()
    assert reverse("contributions:member_calls", args=[world.member_b.pk]) in page
    assert reverse("contributions:call_pdf", args=[calls.b.pk]) in page


def test_an_account_without_member_has_no_calls(world, calls):
    """An account attached to no member sees an empty page, never another member's call."""
    response = signed_in(UserFactory()).get(reverse("contributions:my_calls"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "n'est rattaché à aucun adhérent" in response.content.decode().replace("&#x27;", "'")


def test_the_backoffice_member_page_links_the_calls(world, calls):
    """The back-office page of a member links to its calls."""
    page = signed_in(world.staff).get(reverse("members:backoffice_member_detail", args=[world.member_a.pk]))
    assert reverse("contributions:member_calls", args=[world.member_a.pk]) in page.content.decode()


def test_a_members_calls_page_lists_due_dates_and_pdfs(world, calls):
    """A member's calls page gives each call's due date and its PDF."""
    page = signed_in(world.agent).get(reverse("contributions:member_calls", args=[world.member_a.pk]))
    html = page.content.decode()
    assert calls.a.due_date.strftime("%d/%m/%Y") in html
    assert reverse("contributions:call_pdf", args=[calls.a.pk]) in html
    assert reverse("contributions:call_pdf", args=[calls.b.pk]) not in html

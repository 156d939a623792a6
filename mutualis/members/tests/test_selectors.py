"""Tenancy: every read of member data is scoped by the user; abilities follow the roles."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.members import selectors
from mutualis.members.choices import MemberStatus
from mutualis.members.models import Site
from mutualis.members.panels import commune_members_panel
from mutualis.members.permissions import get_abilities
from mutualis.members.tests import factories


def test_staff_see_every_member_and_a_member_user_only_theirs(world):
    """Operator staff see all members; a member's user sees only the members they belong to."""
    assert set(selectors.member_list(user=world.staff)) == {world.member_a, world.member_b}
    assert set(selectors.member_list(user=world.reader)) == {world.member_a}
    assert set(selectors.member_list(user=AnonymousUser())) == set()
    assert set(Site.objects.filter(member_id__in=selectors.member_ids_for(world.other_member))) == {world.site_b}


def test_another_member_object_is_not_found(world):
    """Another member's member, site, membership or competence answers 404, never 403."""
    transfer = world.member_b.competences.first()
    membership_b = world.member_b.memberships.first()
    for getter, pk in [
        (selectors.member_get, world.member_b.pk),
        (selectors.site_get, world.site_b.pk),
        (selectors.membership_get, membership_b.pk),
        (selectors.competence_get, transfer.pk),
        (selectors.member_get, "abc"),
    ]:
        with pytest.raises(Http404):
            getter(user=world.reader, pk=pk)
    assert list(selectors.site_list(user=world.reader, member=world.member_b)) == []
    assert list(selectors.membership_list(user=world.reader, member=world.member_b)) == []


def test_other_staff_roles_read_but_do_not_change(world):
    """A purchasing officer sees every member but changes nothing here."""
    officer = StaffFactory(staff_role="purchasing_officer")
    abilities = get_abilities(officer, world.member_b)
    assert abilities["view"] and not any(v for k, v in abilities.items() if k not in {"view", "view_audit"})
    assert get_abilities(officer, world.site_b) == {
        "view": True,
        "update": False,
        "deactivate": False,
        "reactivate": False,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reader", {"view"}),
        ("agent", {"view", "create_site"}),
        ("manager", {"view", "create_site", "invite_users", "manage_users"}),
        ("other_member", set()),
        (
            "staff",
            {
                "view",
                "update",
                "transition",
                "manage_competences",
                "invite_users",
                "manage_users",
                "create_site",
                "view_audit",
            },
        ),
    ],
)
def test_member_abilities_by_role(world, role, expected):
    """Readers only read, agents add sites, managers manage users, administrators manage everything."""
    abilities = get_abilities(world.users[role], world.member_a)
    assert {key for key, allowed in abilities.items() if allowed} == expected


def test_a_withdrawn_member_gets_no_new_site_or_user(world):
    """Once withdrawn, a member's buttons to add sites or invite users disappear."""
    world.member_a.status = MemberStatus.WITHDRAWN
    abilities = get_abilities(world.manager, world.member_a)
    assert not abilities["create_site"] and not abilities["invite_users"]


def test_commune_panel_shows_each_viewer_what_they_may_see(world):
    """Public visitors see the names of active members only; staff see links and sites; a member's user sees their
    own sites."""
    versailles = world.member_a.communes.get()
    requested = factories.MemberFactory(name="Collège en attente", status=MemberStatus.REQUESTED)
    factories.SiteFactory(member=requested, name="Bâtiment du collège", commune=versailles)

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return commune_members_panel(versailles, request)

    public = render(AnonymousUser())
    assert "Adhérents et sites dans cette commune" in public and "Commune de Versailles" in public
    assert "Collège en attente" not in public and "Hôtel de ville de Versailles" not in public
    own = render(world.reader)
    assert "Hôtel de ville de Versailles" in own and f"/espace/{world.member_a.pk}/" in own
    other = render(world.other_member)
    assert "Hôtel de ville de Versailles" not in other and "/espace/" not in other
    staff = render(world.staff)
    assert "Collège en attente" in staff and "Bâtiment du collège" in staff
    assert f"/back-office/adherents/{world.member_a.pk}/" in staff


def test_commune_panel_is_empty_without_members(world):
    """A commune without members gets no panel."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert commune_members_panel(factories.commune("78686"), request) == ""


def test_commune_page_shows_the_members_panel(world, client):
    """The public commune page carries the members' panel (registered by the members app)."""
    body = client.get("/territoire/communes/78646/").content.decode()
    assert "Adhérents et sites dans cette commune" in body and "Commune de Versailles" in body
    assert "Hôtel de ville de Versailles" not in body


def test_sites_and_users_are_sorted_in_french_order(world):
    """Sites are listed by member then name, and a member's users by name, accents and case ignored: « École
    Jules-Ferry » among the E, « gymnase » before « Hôtel de ville », « Élise Émery » before « Eve Zola »."""
    for name in ["Hôtel de ville", "École Jules-Ferry", "gymnase", "Ecole du Centre", "Zone technique"]:
        factories.SiteFactory(member=world.member_a, name=name)
    names = [site.name for site in selectors.site_list(user=world.staff, member=world.member_a)]
    assert names == [
        "Ecole du Centre",
        "École Jules-Ferry",
        "gymnase",
        "Hôtel de ville",
        "Hôtel de ville de Versailles",
        "Zone technique",
    ]
    members = [site.member.name for site in selectors.site_list(user=world.staff)]
    assert members.index("Commune de Boulogne-Billancourt") < members.index("Commune de Versailles")

    factories.MembershipFactory(member=world.member_a, user__first_name="Eve", user__last_name="Zola")
    factories.MembershipFactory(member=world.member_a, user__first_name="Élise", user__last_name="Émery")
    users = [str(m.user) for m in selectors.membership_list(user=world.staff, member=world.member_a)]
    assert users.index("Élise Émery") < users.index("Eve Zola")

"""Member space pages: who sees what, who may do what (role matrices), bad input refused with nothing written."""

from django.core import mail

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.testing import login_as
from mutualis.members.choices import MemberRole
from mutualis.members.models import Membership, Site
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests import factories

NOT_STAFF_PAGE = {"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200}


def site_data(role):
    return {
        "name": f"Parking {role}",
        "kind": "car_park",
        "address": "Rue de la Paroisse",
        "commune": factories.commune("78646").pk,
        "latitude": "48,8049",
        "longitude": "2,1204",
    }


def test_space_matrix(world):
    """/espace/ shows each user their own member; staff without membership go to the back-office."""
    expected = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 302}
    assert_role_matrix(world, method="get", url="/espace/", expected=expected)


def test_member_space_matrix(world):
    """A member's space is for its users and staff; another member's user gets 404."""
    expected = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=f"/espace/{world.member_a.pk}/", expected=expected)


def test_member_space_shows_identity_competences_sites_users_services(world, client):
    """The space shows the member's identity, competences with dates, sites, users and open services."""
    login_as(client, world.reader)
    body = client.get("/espace/").content.decode()
    for text in [
        "Commune de Versailles",
        "217806462",
        "CA Versailles Grand Parc",
        "Centrale d&#x27;achat",
        "01/01/2024",
        "Hôtel de ville de Versailles",
        world.manager.email,
        "Vidéoprotection",
        'href="/territoire/communes/78646/"',
    ]:
        assert text in body, text
    assert "Commune de Boulogne-Billancourt" not in body
    assert "Ajouter un site" not in body and "Inviter un utilisateur" not in body
    assert '<a href="/achats/catalogue/">Centrale d&#x27;achat</a>' in body  # the open service leads to its page


def test_manager_sees_management_buttons(world, client):
    """A manager sees the buttons to add sites and invite users; an agent only to add sites."""
    login_as(client, world.manager)
    body = client.get("/espace/").content.decode()
    assert "Ajouter un site" in body and "Inviter un utilisateur" in body and "Mettre hors service" in body
    login_as(client, world.agent)
    body = client.get("/espace/").content.decode()
    assert "Ajouter un site" in body and "Inviter un utilisateur" not in body


def test_a_user_of_several_members_chooses(world, client):
    """A user belonging to several members gets a chooser, then each member's space."""
    factories.MembershipFactory(user=world.reader, member=world.member_b, role=MemberRole.READER)
    login_as(client, world.reader)
    body = client.get("/espace/").content.decode()
    assert f"/espace/{world.member_a.pk}/" in body and f"/espace/{world.member_b.pk}/" in body
    assert "Changer d'adhérent" in client.get(f"/espace/{world.member_b.pk}/").content.decode()


def test_user_without_member_sees_an_empty_state(db, client):
    """An account attached to no member is told so."""
    login_as(client, UserFactory())
    assert "rattaché à aucun adhérent" in client.get("/espace/").content.decode()


# --- sites ---------------------------------------------------------------------------------------------------------


def test_site_create_page_matrix(world):
    """The site form is for agents, managers and administrators."""
    assert_role_matrix(world, method="get", url=f"/espace/{world.member_a.pk}/sites/nouveau/", expected=NOT_STAFF_PAGE)


def test_site_create_matrix(world):
    """Agents, managers and administrators add sites; readers and other members' users change nothing."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/espace/{world.member_a.pk}/sites/nouveau/",
        data=site_data,
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
        state=lambda: rows(Site.objects.all()),
    )
    assert Site.objects.filter(member=world.member_a, name="Parking agent", latitude=48.8049).exists()


def test_site_create_bad_input_is_400_and_writes_nothing(world, client):
    """A site outside the member's territory, or with a taken name, is refused in French with status 400."""
    login_as(client, world.manager)
    url = f"/espace/{world.member_a.pk}/sites/nouveau/"
    before = rows(Site.objects.all())
    response = client.post(url, site_data("x") | {"commune": factories.commune("78686").pk})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(url, site_data("x") | {"name": world.site_a.name})
    assert response.status_code == 400
    assert "Cet adhérent a déjà un site portant ce nom." in response.content.decode()
    response = client.post(url, site_data("x") | {"longitude": ""})
    assert response.status_code == 400 and "ou aucune des deux" in response.content.decode()
    assert rows(Site.objects.all()) == before


def test_site_update_matrix(world):
    """Agents, managers and administrators edit a site; no one else."""
    url = f"/espace/sites/{world.site_a.pk}/modifier/"
    assert_role_matrix(world, method="get", url=url, expected=NOT_STAFF_PAGE)
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data=lambda role: site_data(role) | {"name": f"Hôtel de ville ({role})"},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
        state=lambda: rows(Site.objects.all()),
    )
    world.site_a.refresh_from_db()
    assert world.site_a.name == "Hôtel de ville (staff)"


def test_site_deactivate_matrix(world):
    """Managers and administrators take a site out of service, after a confirmation page."""
    url = f"/espace/sites/{world.site_a.pk}/mise-hors-service/"
    expected_get = {"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=url, expected=expected_get)
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"reason": "Bâtiment vendu"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=lambda: rows(Site.objects.all()),
    )
    world.site_a.refresh_from_db()
    assert not world.site_a.is_active


# --- users ---------------------------------------------------------------------------------------------------------


def test_invite_page_matrix(world):
    """Only managers and administrators invite users."""
    url = f"/espace/{world.member_a.pk}/utilisateurs/inviter/"
    expected = {"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=url, expected=expected)


def test_invite_matrix(world):
    """Managers and administrators invite; the page shows the one-time link of the new account."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/espace/{world.member_a.pk}/utilisateurs/inviter/",
        data=lambda role: {"email": f"invite.{role}@versailles.fr", "role": "agent"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200},
        state=lambda: rows(Membership.objects.all()),
    )
    assert set(Membership.objects.filter(user__email__startswith="invite.").values_list("user__email", flat=True)) == {
        "invite.manager@versailles.fr",
        "invite.staff@versailles.fr",
    }
    assert len(mail.outbox) == 2


def test_invite_shows_the_link_once_and_bad_input_is_400(world, client):
    """The set-password link is shown on the confirmation page; a duplicate or bad address is a 400."""
    login_as(client, world.manager)
    url = f"/espace/{world.member_a.pk}/utilisateurs/inviter/"
    response = client.post(url, {"email": "nouvelle@versailles.fr", "role": "reader"})
    assert response.status_code == 200 and "/compte/activer/" in response.content.decode()
    before = rows(Membership.objects.all())
    response = client.post(url, {"email": world.reader.email, "role": "reader"})
    assert response.status_code == 400 and "fait déjà partie" in response.content.decode()
    response = client.post(url, {"email": "pas-une-adresse", "role": "reader"})
    assert response.status_code == 400
    assert rows(Membership.objects.all()) == before


def test_change_role_matrix(world):
    """Managers and administrators change roles; the page only accepts POST."""
    target = factories.MembershipFactory(member=world.member_a, role=MemberRole.READER)
    url = f"/espace/utilisateurs/{target.pk}/role/"
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={f"m{target.pk}-role": "agent"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=lambda: rows(Membership.objects.all()),
    )
    target.refresh_from_db()
    assert target.role == MemberRole.AGENT
    expected_get = {"other_member": 405, "reader": 405, "agent": 405, "manager": 405, "staff": 405}
    assert_role_matrix(world, method="get", url=url, expected=expected_get)


def test_last_manager_cannot_step_down_from_the_page(world, client):
    """The last manager's role change is refused in French (400), nothing changes."""
    login_as(client, world.manager)
    membership = world.membership("manager")
    response = client.post(f"/espace/utilisateurs/{membership.pk}/role/", {f"m{membership.pk}-role": "reader"})
    assert response.status_code == 400 and "au moins un gestionnaire" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == MemberRole.MANAGER


def test_remove_matrix(world):
    """Managers and administrators remove a user after a confirmation page."""
    fresh = lambda role: f"/espace/utilisateurs/{factories.MembershipFactory(member=world.member_a).pk}/retrait/"  # noqa: E731
    expected_get = {"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=fresh, expected=expected_get)
    assert_role_matrix(
        world,
        method="post",
        url=fresh,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=lambda: rows(Membership.objects.all()),
    )


def test_last_manager_cannot_be_removed_from_the_page(world, client):
    """Removing the last manager is refused (400) on the confirmation page."""
    login_as(client, world.staff)
    membership = world.membership("manager")
    response = client.post(f"/espace/utilisateurs/{membership.pk}/retrait/")
    assert response.status_code == 400 and "au moins un gestionnaire" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

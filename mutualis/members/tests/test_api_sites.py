"""API /api/v1/sites/: scoped reads; agents, managers and administrators write; bad input is a 400."""

from mutualis.core.testing import login_as
from mutualis.members.models import Site
from mutualis.members.testing import assert_role_matrix, rows

ALL_SIGNED_IN = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


def site_state():
    return rows(Site.objects.all())


def site_payload(world, role="x", **overrides):
    return {
        "member": world.member_a.pk,
        "name": f"Parking {role}",
        "kind": "car_park",
        "address": "Rue de la Paroisse",
        "commune": "78646",
        "latitude": 48.805,
        "longitude": 2.12,
    } | overrides


def test_site_list_matrix_and_scope(world, client):
    """Everyone signed in lists sites, but only their members' ones."""
    assert_role_matrix(world, method="get", url="/api/v1/sites/", expected=ALL_SIGNED_IN, api=True)
    login_as(client, world.other_member)
    data = client.get("/api/v1/sites/").json()
    assert [s["name"] for s in data["results"]] == ["Hôtel de ville de Boulogne-Billancourt"]
    login_as(client, world.staff)
    assert client.get("/api/v1/sites/", {"commune": "78646"}).json()["count"] == 1
    assert client.get("/api/v1/sites/", {"member": world.member_b.pk}).json()["count"] == 1


def test_site_retrieve_matrix(world):
    """Another member's site answers 404."""
    expected = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=f"/api/v1/sites/{world.site_a.pk}/", expected=expected, api=True)


def test_site_create_matrix(world):
    """Agents, managers and administrators add sites (201); readers get 403; another member's user cannot even
    name member A (400: unknown member)."""
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/sites/",
        data=lambda role: site_payload(world, role),
        expected={"other_member": 400, "reader": 403, "agent": 201, "manager": 201, "staff": 201},
        state=site_state,
        api=True,
    )
    assert Site.objects.filter(member=world.member_a, name__startswith="Parking").count() == 3


def test_site_create_bad_input_is_400(world, client):
    """Commune outside the member's territory, duplicate name, unknown commune, lone coordinate: 400, no write."""
    login_as(client, world.manager)
    before = site_state()
    for overrides, field in [
        ({"commune": "92012"}, "commune"),
        ({"commune": "00000"}, "commune"),
        ({"name": world.site_a.name}, "non_field_errors"),
        ({"longitude": None}, "longitude"),
        ({"latitude": 91}, "latitude"),
    ]:
        response = client.post("/api/v1/sites/", site_payload(world, **overrides), content_type="application/json")
        assert response.status_code == 400, overrides
        assert field in response.json(), response.json()
    assert site_state() == before


def test_site_update_matrix(world):
    """Agents, managers and administrators edit a site."""
    assert_role_matrix(
        world,
        method="patch",
        url=f"/api/v1/sites/{world.site_a.pk}/",
        data=lambda role: {"name": f"Mairie ({role})"},
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
        state=site_state,
        api=True,
    )
    assert Site.objects.get(pk=world.site_a.pk).name == "Mairie (staff)"


def test_site_cannot_move_to_another_member(world, client):
    """A site keeps its member."""
    login_as(client, world.staff)
    response = client.patch(
        f"/api/v1/sites/{world.site_a.pk}/", {"member": world.member_b.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "member" in response.json()


def test_site_deactivate_matrix(world):
    """Managers and administrators take a site out of service."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/sites/{world.site_a.pk}/deactivate/",
        data={"reason": "Vendu"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200},
        state=site_state,
        api=True,
    )
    assert not Site.objects.get(pk=world.site_a.pk).is_active


def test_delete_is_not_offered(world, client):
    """Sites are never deleted through the API (history is kept)."""
    login_as(client, world.staff)
    assert client.delete(f"/api/v1/sites/{world.site_a.pk}/").status_code == 405
    assert client.delete(f"/api/v1/members/{world.member_a.pk}/").status_code == 405


def test_site_put_matrix(world):
    """A full replacement (PUT) follows the same abilities as PATCH."""
    assert_role_matrix(
        world,
        method="put",
        url=f"/api/v1/sites/{world.site_a.pk}/",
        data=lambda role: site_payload(world, role, name=f"Mairie ({role})"),
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
        state=site_state,
        api=True,
    )

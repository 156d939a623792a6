"""The public commune page lists and maps the members' public sites (« Site visible du public », in service, of an
active member); a site not public never appears to the public, neither in the HTML nor in the map's data."""

import json
import re

import pytest

from mutualis.core.testing import login_as
from mutualis.members.choices import MemberKind, MemberStatus, SiteKind
from mutualis.members.tests import factories

PAGE = "/territoire/communes/78646/"


@pytest.fixture
def places(world, territory):
    """In Versailles: member A's public town hall, its private video-protected car park and a public school out of
    service; the Département's public Hôtel du Département (a member not linked to the commune); a requested
    collège's public building."""
    versailles = territory.versailles
    world.site_a.is_public, world.site_a.latitude, world.site_a.longitude = True, 48.8049, 2.1204
    world.site_a.save()
    factories.SiteFactory(
        member=world.member_a,
        name="Parking vidéoprotégé",
        kind=SiteKind.CAR_PARK,
        address="Rue Secrète",
        latitude=48.801,
        longitude=2.13,
    )
    factories.SiteFactory(
        member=world.member_a, name="École fermée", kind=SiteKind.SCHOOL, is_public=True, is_active=False
    )
    departement = factories.MemberFactory(
        name="Département des Yvelines", kind=MemberKind.DEPARTEMENT, establishment_type="", communes=[]
    )
    factories.SiteFactory(
        member=departement, name="Hôtel du Département", commune=versailles, is_public=True, latitude=48.803
    )
    requested = factories.MemberFactory(name="Collège en attente", status=MemberStatus.REQUESTED)
    factories.SiteFactory(member=requested, name="Bâtiment du collège", commune=versailles, is_public=True)
    return world


def map_points(body):
    """The names of the points the commune map draws (the members' panel's json_script)."""
    match = re.search(r'<script id="commune-map-layer-sites" type="application/json">(.*?)</script>', body, re.S)
    assert match, "no map layer of sites on the page"
    return [feature["properties"]["name"] for feature in json.loads(match.group(1))["features"]]


def test_anonymous_sees_public_sites_only(places, client):
    """A visitor sees the public, in-service sites of active members, listed and on the map: the town hall and the
    Hôtel du Département; never the private car park, the closed school or a requested member's building."""
    body = client.get(PAGE).content.decode()
    assert "Hôtel de ville de Versailles" in body and "Hôtel du Département" in body
    for hidden in ["Parking vidéoprotégé", "Rue Secrète", "École fermée", "Bâtiment du collège", "Collège en attente"]:
        assert hidden not in body, hidden
    assert map_points(body) == [
        "Hôtel de ville de Versailles — Hôtel de ville / mairie (Commune de Versailles)",
        "Hôtel du Département — Bâtiment administratif (Département des Yvelines)",
    ]


def test_a_private_site_never_appears_publicly(places, client):
    """Neither another member's user nor a visitor finds the private site, in the page or in the map's data."""
    for user in [None, places.other_member]:
        if user is not None:
            login_as(client, user)
        body = client.get(PAGE).content.decode()
        assert "Parking vidéoprotégé" not in body and "48.801" not in body and "Rue Secrète" not in body
        assert all("Parking" not in name for name in map_points(body))


def test_own_users_and_staff_see_every_site(places, client):
    """The member's own users see all its sites there (marked « Non public »); staff see every member's."""
    login_as(client, places.reader)
    body = client.get(PAGE).content.decode()
    assert "Parking vidéoprotégé" in body and "Non public" in body
    assert "Parking vidéoprotégé — Parking (Commune de Versailles)" in map_points(body)
    login_as(client, places.staff)
    body = client.get(PAGE).content.decode()
    assert "Parking vidéoprotégé" in body and "Bâtiment du collège" in body


def test_withdrawn_member_sites_leave_the_public_page(places, client):
    """A member that withdraws no longer shows its public sites to visitors."""
    places.member_a.status = MemberStatus.WITHDRAWN
    places.member_a.save(update_fields=["status"])
    body = client.get(PAGE).content.decode()
    assert "Hôtel de ville de Versailles" not in body
    assert map_points(body) == ["Hôtel du Département — Bâtiment administratif (Département des Yvelines)"]

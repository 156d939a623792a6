"""The site form's geocoding endpoint (/espace/<member>/sites/geocodage/): for those who place the member's sites,
server-side through the Base Adresse Nationale (a local fake here), with a French message for every failure."""

import socket

from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix
from mutualis.members.tests import factories

VERSAILLES_TOWN_HALL = {"label": "4 Avenue de Paris 78000 Versailles", "latitude": 48.8014, "longitude": 2.1301}


def url(world):
    return f"/espace/{world.member_a.pk}/sites/geocodage/"


def query(address="4 avenue de Paris"):
    return {"adresse": address, "commune": factories.commune("78646").pk}


def test_geocode_matrix(world, ban_geocoder):
    """Agents, managers and administrators may geocode for member A; readers get 403, other members' users 404."""
    ban_geocoder.answer(**VERSAILLES_TOWN_HALL)
    assert_role_matrix(
        world,
        method="get",
        url=lambda role: f"{url(world)}?adresse=4+avenue+de+Paris&commune={factories.commune('78646').pk}",
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
    )


def test_an_address_found_gives_its_point(world, ban_geocoder, client):
    """The point of the address, asked of the BAN within the commune's INSEE code."""
    ban_geocoder.answer(**VERSAILLES_TOWN_HALL)
    login_as(client, world.agent)
    data = client.get(url(world), query()).json()
    assert (data["latitude"], data["longitude"]) == (48.8014, 2.1301)
    assert data["message"] == "Adresse trouvée : 4 Avenue de Paris 78000 Versailles. Vérifiez le point sur la carte."
    assert ban_geocoder.queries[-1] == {"q": "4 avenue de Paris", "citycode": "78646", "limit": "1"}


def test_nothing_found_says_so(world, ban_geocoder, client):
    """An address the BAN does not know in the commune: 404 with a French message naming it."""
    login_as(client, world.agent)
    response = client.get(url(world), query("rue Imaginaire"))
    assert response.status_code == 404
    assert response.json()["message"].startswith(
        "Aucune adresse trouvée dans la commune de Versailles pour « rue Imaginaire »"
    )


def test_unreachable_says_so(world, client, settings):
    """The BAN does not answer: 503 with a French message proposing the map or the fields."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BAN_GEOCODER_URL = f"http://127.0.0.1:{port}/search/"
    login_as(client, world.agent)
    response = client.get(url(world), query())
    assert response.status_code == 503
    assert "ne répond pas" in response.json()["message"] and "carte" in response.json()["message"]


def test_off_by_default(world, client, settings):
    """Without BAN_GEOCODER_URL the endpoint answers 404 and the platform calls no one."""
    settings.BAN_GEOCODER_URL = ""
    login_as(client, world.agent)
    response = client.get(url(world), query())
    assert response.status_code == 404 and "pas activé" in response.json()["message"]


def test_bad_queries_are_400(world, ban_geocoder, client):
    """No address, no commune, or a commune outside the member's territory: 400, and the BAN is not asked."""
    login_as(client, world.agent)
    for params in [
        {"adresse": "", "commune": factories.commune("78646").pk},
        {"adresse": "4 avenue de Paris"},
        {"adresse": "4 avenue de Paris", "commune": "abc"},
        {"adresse": "4 avenue de Paris", "commune": factories.commune("92012").pk},
        {"adresse": "x" * 300, "commune": factories.commune("78646").pk},
    ]:
        response = client.get(url(world), params)
        assert response.status_code == 400, params
        assert response.json()["message"] == "Indiquez l'adresse et choisissez la commune du site."
    assert ban_geocoder.queries == []


def test_only_get(world, ban_geocoder, client):
    """The endpoint only reads: POST is 405."""
    login_as(client, world.agent)
    assert client.post(url(world), query()).status_code == 405


def test_form_offers_geocoding_when_on(world, ban_geocoder, client):
    """With BAN_GEOCODER_URL set, the site form's button points at the member's endpoint."""
    login_as(client, world.agent)
    body = client.get(f"/espace/{world.member_a.pk}/sites/nouveau/").content.decode()
    assert f'data-url="{url(world)}"' in body

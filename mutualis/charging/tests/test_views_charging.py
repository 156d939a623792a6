"""The charging pages: who opens them (staff back office, members' own stations, the public map), who writes
(network officers and administrators), what they show."""

import pytest
from django.test import Client

from mutualis.charging.choices import CommandAction, CommandStatus, ConnectorStatus
from mutualis.charging.models import ChargePoint, Command, IdTag, Station
from mutualis.charging.tests import factories
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db

MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


@pytest.fixture
def network(world):
    """Member A (Versailles) holds the EV charging competence: a station, an online point charging, a session."""
    station = factories.station_at(world.site_a, name="Place Hoche", id_station_itinerance="FRSYNP7864601")
    cp = factories.ChargePointFactory(station=station, ocpp_identity="SYN-78646-1", id_pdc_itinerance="FRSYNE78646011")
    ChargePoint.objects.filter(pk=cp.pk).update(is_online=True)
    cp.connectors.filter(connector_id=1).update(status=ConnectorStatus.CHARGING)
    session = factories.SessionFactory(charge_point=cp)
    factories.MeterValueFactory(session=session)
    tag = factories.IdTagFactory(member=world.member_a, id_tag="BADGE-A")
    command = factories.CommandFactory(charge_point=cp)
    return {"station": station, "cp": cp, "session": session, "tag": tag, "command": command}


def staff_pages(n):
    s, cp, session, _tag, command = n["station"].pk, n["cp"].pk, n["session"].pk, n["tag"].pk, n["command"].pk
    return [
        "/recharge/back-office/stations/",
        "/recharge/back-office/stations/?q=hoche&offline=false",
        f"/recharge/back-office/stations/{s}/",
        f"/recharge/back-office/stations/{s}/etat/",
        f"/recharge/back-office/points/{cp}/",
        f"/recharge/back-office/points/{cp}/etat/",
        f"/recharge/back-office/commandes/{command}/",
        "/recharge/back-office/sessions/",
        "/recharge/back-office/sessions/?status=completed",
        "/recharge/back-office/sessions.csv",
        f"/recharge/back-office/sessions/{session}/",
        f"/recharge/back-office/sessions/{session}/releves.json",
        "/recharge/back-office/badges/",
    ]


def test_every_back_office_page_is_for_staff_only(world, network):
    """Every back-office page opens for operator staff (any role); members' users get 404, anonymous the login."""
    other_staff = login_as(Client(), factories.purchasing_officer())
    for url in staff_pages(network):
        assert_role_matrix(world, method="get", url=url, expected=MEMBERS_404 | {"staff": 200})
        assert other_staff.get(url).status_code == 200, url


def test_public_pages_open_to_anyone(world, network):
    """The map, its GeoJSON and a published station's page open without login; an unpublished station is 404."""
    everyone = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    for url in ("/recharge/carte/", "/recharge/carte/stations.geojson", f"/recharge/stations/{network['station'].pk}/"):
        assert_role_matrix(world, method="get", url=url, expected=everyone)
    Station.objects.filter(pk=network["station"].pk).update(is_published=False)
    assert Client().get(f"/recharge/stations/{network['station'].pk}/").status_code == 404


def test_the_map_data_gives_each_point_its_live_availability(network):
    """The GeoJSON has the station as a point (longitude first) and its charging point as occupied."""
    data = Client().get("/recharge/carte/stations.geojson").json()
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.13, 48.8]}
    assert feature["properties"]["points"][0] == {
        "id": "FRSYNE78646011",
        "power_kw": 22.0,
        "sockets": ["Type 2"],
        "availability": "occupied",
    }


def test_a_member_sees_its_stations_and_their_use_and_nothing_of_another(world, network):
    """Member A's users see their station with its sessions and energy; member B's manager sees none of it."""
    html = login_as(Client(), world.reader).get("/recharge/espace/").content.decode()
    assert "Place Hoche" in html and "7,000\u00a0kWh" in html and "Taux d'utilisation" in html
    other = login_as(Client(), world.other_member).get("/recharge/espace/").content.decode()
    assert "Place Hoche" not in other and "Aucune borne de recharge" in other


WRITES = {
    "station_create": (
        lambda n: "/recharge/back-office/stations/nouvelle/",
        lambda n: {
            "site": n["station"].site_id,
            "id_station_itinerance": "FRSYNP7864602",
            "name": "Gare Rive Gauche",
            "address": "Place Lyautey",
            "latitude": "48.8",
            "longitude": "2.12",
            "implantation": "Voirie",
            "access_condition": "Accès libre",
            "opening_hours": "24/7",
            "pmr_accessibility": "Accessibilité inconnue",
            "height_restriction": "Inconnu",
            "grid_connection": "Direct",
            "payment_per_session": "on",
            "is_published": "on",
        },
        lambda: rows(Station.objects.all()),
    ),
    "badge_create": (
        lambda n: "/recharge/back-office/badges/nouveau/",
        lambda n: {"member": n["tag"].member_id, "id_tag": "BADGE-NEW", "status": "Accepted"},
        lambda: rows(IdTag.objects.all()),
    ),
    "reset": (
        lambda n: f"/recharge/back-office/points/{n['cp'].pk}/commandes/redemarrer/",
        lambda n: {"redemarrer-type": "Soft"},
        lambda: rows(Command.objects.all()),
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_network_officers_and_administrators_write(world, network, write):
    """Administrators and network officers register stations and badges and send commands (302); other staff get
    403, members' users 404, and a refused request changes nothing."""
    url, data, state = WRITES[write]
    for staff, code in ((factories.purchasing_officer(), 403), (factories.network_officer(), 302)):
        world.users["staff"] = staff
        assert_role_matrix(
            world,
            method="post",
            url=url(network),
            data=data(network),
            expected=MEMBERS_404 | {"staff": code},
            state=state,
        )


def test_a_bad_afirev_id_comes_back_in_french_and_nothing_is_written(network):
    """A station id without the operator's prefix is refused on the form with the rule's French message (400)."""
    client = login_as(Client(), factories.network_officer())
    data = dict(WRITES["station_create"][1](network), id_station_itinerance="FRABCP0001")
    before = rows(Station.objects.all())
    response = client.post("/recharge/back-office/stations/nouvelle/", data)
    assert response.status_code == 400
    assert "Cet identifiant n&#x27;est pas celui de l&#x27;opérateur" in response.content.decode()
    assert rows(Station.objects.all()) == before


def test_a_remote_start_is_recorded_and_its_row_polls_until_answered(network):
    """The start form sends RemoteStartTransaction; the command's row polls (HTMX) while pending, not once answered."""
    client = login_as(Client(), factories.network_officer())
    cp = network["cp"]
    response = client.post(
        f"/recharge/back-office/points/{cp.pk}/commandes/demarrer/",
        {"demarrer-id_tag": "BADGE-A", "demarrer-connector_id": "1"},
    )
    assert response.status_code == 302
    command = Command.objects.filter(action=CommandAction.REMOTE_START).get()
    assert command.payload == {"idTag": "BADGE-A", "connectorId": 1} and command.status == CommandStatus.PENDING
    row = client.get(f"/recharge/back-office/commandes/{command.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in row
    Command.objects.filter(pk=command.pk).update(status=CommandStatus.ACCEPTED, result={"status": "Accepted"})
    row = client.get(f"/recharge/back-office/commandes/{command.pk}/").content.decode()
    assert "hx-trigger" not in row and "Acceptée" in row


def test_a_command_the_point_version_lacks_is_not_offered(network):
    """A 2.0.1 point's page offers no GetConfiguration form (not in the 2.0.1 core profile)."""
    cp = factories.ChargePointFactory(
        station=network["station"], ocpp_version="2.0.1", id_pdc_itinerance="FRSYNE78646012"
    )
    html = (
        login_as(Client(), factories.network_officer()).get(f"/recharge/back-office/points/{cp.pk}/").content.decode()
    )
    assert "Redémarrer" in html and "Lire la configuration" not in html


def test_the_sessions_export_has_one_line_per_session(network):
    """The sessions CSV gives station, point, transaction, times, duration and energy with a decimal comma."""
    body = login_as(Client(), factories.network_officer()).get("/recharge/back-office/sessions.csv")
    lines = body.content.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("Station;Point de recharge;Transaction;Début;Fin;Durée (min);Énergie (kWh)")
    assert lines[1].startswith("Place Hoche;FRSYNE78646011;") and ";60;7,000;TAG-TEST;Local;non" in lines[1]

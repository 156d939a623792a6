"""The charging API: reads scoped to the caller, writes and commands for network officers, bad input → 400 with
field errors and nothing written."""

import json

import pytest
from django.test import Client

from mutualis.charging.models import Command, IdTag
from mutualis.charging.tests import factories
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db
MEMBER_READS = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


@pytest.fixture
def network(world):
    station = factories.station_at(world.site_a, id_station_itinerance="FRSYNP7864601")
    cp = factories.ChargePointFactory(station=station, id_pdc_itinerance="FRSYNE78646011")
    session = factories.SessionFactory(charge_point=cp)
    tag = factories.IdTagFactory(member=world.member_a)
    command = factories.CommandFactory(charge_point=cp)
    return {"station": station, "cp": cp, "session": session, "tag": tag, "command": command}


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_reads_are_scoped_to_the_member(world, network):
    """Member A's users and staff read A's station, point, session, badge and command; B's manager gets 404."""
    n = network
    for url in (
        f"/api/v1/charging/stations/{n['station'].pk}/",
        f"/api/v1/charging/charge-points/{n['cp'].pk}/",
        f"/api/v1/charging/sessions/{n['session'].pk}/",
        f"/api/v1/charging/id-tags/{n['tag'].pk}/",
        f"/api/v1/charging/commands/{n['command'].pk}/",
    ):
        assert_role_matrix(world, method="get", url=url, expected=MEMBER_READS, api=True)
    listed = login_as(Client(), world.other_member).get("/api/v1/charging/stations/").json()
    assert listed["count"] == 0


def test_a_command_is_posted_and_its_result_read_back(world, network):
    """POST …/commands/ (network officers and administrators) answers 201 with the pending command; others 403/404
    and nothing is written; GET …/commands/<id>/ gives its result once recorded."""
    url = f"/api/v1/charging/charge-points/{network['cp'].pk}/commands/"
    data = {"action": "Reset", "payload": {"type": "Hard"}}
    state = lambda: rows(Command.objects.all())  # noqa: E731
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data=data,
        api=True,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 201},
        state=state,
    )
    response = _post(login_as(Client(), factories.network_officer()), url, data)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert response.json()["payload"] == {"type": "Hard"}
    assert _post(login_as(Client(), factories.purchasing_officer()), url, data).status_code == 403
    Command.objects.filter(pk=response.json()["id"]).update(status="accepted", result={"status": "Accepted"})
    read = login_as(Client(), world.staff).get(f"/api/v1/charging/commands/{response.json()['id']}/").json()
    assert read["status"] == "accepted" and read["result"] == {"status": "Accepted"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "Explode", "payload": {}}, "action"),
        ({"action": "Reset", "payload": {"type": "Gentle"}}, "payload"),
        ({"action": "Reset", "payload": ["Soft"]}, "payload"),
        ({"action": "RemoteStartTransaction", "payload": {}}, "payload"),
    ],
)
def test_a_bad_command_is_400_with_field_errors_and_nothing_written(world, network, data, field):
    """An unknown action or a payload the OCPP 1.6 schema refuses: 400 with the field's error, no command."""
    before = rows(Command.objects.all())
    response = _post(
        login_as(Client(), world.staff), f"/api/v1/charging/charge-points/{network['cp'].pk}/commands/", data
    )
    assert response.status_code == 400 and field in response.json()
    assert rows(Command.objects.all()) == before


def test_badges_are_created_by_network_officers_with_field_errors_in_french(world, network):
    """A badge created through the API (201); a duplicate identifier is 400 and adds nothing."""
    client = login_as(Client(), factories.network_officer())
    created = _post(client, "/api/v1/charging/id-tags/", {"id_tag": "API-01", "member": world.member_a.pk})
    assert created.status_code == 201 and created.json()["status"] == "Accepted"
    before = rows(IdTag.objects.all())
    duplicate = _post(client, "/api/v1/charging/id-tags/", {"id_tag": "api-01", "member": world.member_a.pk})
    assert duplicate.status_code == 400 and "Un badge porte déjà cet identifiant." in json.dumps(
        duplicate.json(), ensure_ascii=False
    )
    assert rows(IdTag.objects.all()) == before


def test_a_station_with_a_foreign_afirev_prefix_is_refused(world, network):
    """Creating a station whose id lacks the operator's AFIREV prefix: 400 on id_station_itinerance."""
    client = login_as(Client(), factories.network_officer())
    data = {
        "site": world.site_a.pk,
        "id_station_itinerance": "FRXYZP0001",
        "name": "Ailleurs",
        "address": "1 rue",
        "latitude": 48.8,
        "longitude": 2.1,
    }
    response = _post(client, "/api/v1/charging/stations/", data)
    assert response.status_code == 400 and "id_station_itinerance" in response.json()


def test_the_schema_lists_the_charging_endpoints():
    """The OpenAPI schema has the charging collections and the commands action."""
    schema = Client().get("/api/v1/schema/?format=json").json()
    assert "/api/v1/charging/charge-points/{id}/commands/" in schema["paths"]
    assert "/api/v1/charging/sessions/" in schema["paths"]

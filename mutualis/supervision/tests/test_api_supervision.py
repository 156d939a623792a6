"""Supervision API: ingestion with the source's token (object, array, NDJSON; bad input refused, valid events kept)
and the alarms list scoped like the pages."""

import json

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.supervision.models import Alarm, Event, TimelineEntry
from mutualis.supervision.services.sources import source_rotate_token
from mutualis.supervision.tests.factories import (
    SOURCE_TOKEN,
    AlarmFactory,
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/supervision/events/"
AT = "2026-03-02T22:00:00+01:00"


@pytest.fixture
def camera():
    return DeviceFactory(
        external_id="DEMO-CAM-0001", source=EventSourceFactory(name="demo-webhook", token=SOURCE_TOKEN)
    )


def _post(body, content_type="application/json", token=SOURCE_TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token is not None else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(URL, data=data, content_type=content_type, **headers)


def _state():
    return (rows(Event.objects.all()), rows(Alarm.objects.all()), TimelineEntry.objects.count())


def test_one_event_as_a_json_object(camera):
    """A single JSON object is one event: 201, its result « created » with the alarm it raised."""
    response = _post({"id": "e1", "device": "DEMO-CAM-0001", "kind": "intrusion", "occurred_at": AT})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 1 and body["results"][0]["status"] == "created"
    assert Alarm.objects.filter(pk=body["results"][0]["alarm"]).exists()


def test_a_batch_as_a_json_array_then_again_is_duplicate(camera):
    """A JSON array is a batch; sent again, every event is « duplicate » and nothing changes."""
    batch = [{"id": f"e{n}", "device": "DEMO-CAM-0001", "kind": "motion", "occurred_at": AT} for n in range(3)]
    assert _post(batch).json()["created"] == 3
    before = _state()
    again = _post(batch)
    assert again.status_code == 201 and again.json()["duplicate"] == 3
    assert _state() == before


def test_ndjson_lines_each_an_event_a_bad_line_refused_alone(camera):
    """NDJSON: one event per line; a line that is not JSON is refused on its own, the others kept (207)."""
    lines = [
        json.dumps({"id": "n1", "device": "DEMO-CAM-0001", "kind": "motion", "occurred_at": AT}),
        "{pas du json",
        json.dumps({"id": "n2", "device": "DEMO-CAM-0001", "kind": "tamper", "occurred_at": AT}),
    ]
    response = _post("\n".join(lines) + "\n", content_type="application/x-ndjson")
    assert response.status_code == 207
    assert [r["status"] for r in response.json()["results"]] == ["created", "error", "created"]
    assert set(Event.objects.values_list("source_event_id", flat=True)) == {"n1", "n2"}


def test_unknown_device_is_that_events_error_the_valid_ones_kept(camera):
    """An unknown device is an error of that event only: 207, the batch's valid events stored."""
    batch = [
        {"id": "ok", "device": "DEMO-CAM-0001", "kind": "intrusion", "occurred_at": AT},
        {"id": "ko", "device": "CAM-INCONNUE", "kind": "intrusion", "occurred_at": AT},
    ]
    response = _post(batch)
    assert response.status_code == 207
    results = response.json()["results"]
    assert results[1]["status"] == "error" and "device" in results[1]["errors"]
    assert list(Event.objects.values_list("source_event_id", flat=True)) == ["ok"]


def test_malformed_json_is_400_and_writes_nothing(camera):
    """A body that is not JSON: 400 with a French message, nothing written."""
    before = _state()
    response = _post("{ceci n'est pas du JSON")
    assert response.status_code == 400 and "JSON invalide" in response.json()["detail"]
    assert _state() == before


def test_all_events_invalid_is_400(camera):
    """A batch whose every event is invalid answers 400 with each one's errors, nothing written."""
    before = _state()
    response = _post([{"id": "x", "kind": "intrusion"}])
    assert response.status_code == 400
    assert {"device", "occurred_at"} <= set(response.json()["results"][0]["errors"])
    assert _state() == before


@pytest.mark.parametrize("token", [None, "mauvais-jeton", ""])
def test_missing_or_wrong_token_is_401_and_writes_nothing(camera, token):
    """Without the source's token, or with a wrong one: 401, nothing written."""
    before = _state()
    response = _post({"id": "e1", "device": "DEMO-CAM-0001", "kind": "intrusion", "occurred_at": AT}, token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert _state() == before


def test_rotated_token_stops_the_old_one(camera, world):
    """Once the token is rotated the old one is refused and the new one accepted."""
    new = source_rotate_token(source=camera.source, acting_user=None)
    event = {"id": "e1", "device": "DEMO-CAM-0001", "kind": "intrusion", "occurred_at": AT}
    assert _post(event).status_code == 401
    assert _post(event, token=new).status_code == 201


def test_inactive_source_is_401(camera):
    """A deactivated source's token no longer works."""
    camera.source.is_active = False
    camera.source.save()
    assert _post({"id": "e1", "device": "DEMO-CAM-0001", "kind": "motion", "occurred_at": AT}).status_code == 401


@pytest.fixture
def alarm_a(world):
    site = ProtectedSiteFactory(site=world.site_a)
    return AlarmFactory(device=DeviceFactory(protected_site=site))


def test_alarm_list_role_matrix(world, alarm_a):
    """Everyone signed in may call the alarms list (each sees their own); anonymous callers are refused."""
    assert_role_matrix(
        world,
        method="get",
        url="/api/v1/supervision/alarms/",
        api=True,
        expected={"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def _ids(user, query=""):
    client = login_as(Client(), user)
    return [a["id"] for a in client.get(f"/api/v1/supervision/alarms/{query}").json()["results"]]


def test_alarm_list_scoped_members_see_theirs_operators_their_habilitated_sites(world, alarm_a):
    """Member A's users see member A's alarm, member B's not; operator staff see it only once habilitated; the
    snapshot only for the habilitated."""
    assert _ids(world.reader) == [alarm_a.pk]
    assert _ids(world.other_member) == []
    assert _ids(world.staff) == []
    HabilitationFactory(protected_site=alarm_a.protected_site, user=world.staff)
    assert _ids(world.staff) == [alarm_a.pk]
    client = login_as(Client(), world.reader)
    Alarm.objects.filter(pk=alarm_a.pk).update(snapshot_url="https://nvr.example.fr/snap.jpg")
    assert client.get("/api/v1/supervision/alarms/").json()["results"][0]["snapshot_url"] is None


def test_alarm_detail_of_another_member_is_404(world, alarm_a):
    """Another member's alarm answers 404, as one that does not exist."""
    client = login_as(Client(), world.other_member)
    assert client.get(f"/api/v1/supervision/alarms/{alarm_a.pk}/").status_code == 404


def test_alarm_list_filters(world, alarm_a):
    """Filters status, site, priority and since; a bad value is a 400 with a French message."""
    other = AlarmFactory(device=DeviceFactory(protected_site=alarm_a.protected_site), priority=4, status="closed")
    assert _ids(world.reader, "?status=closed") == [other.pk]
    assert _ids(world.reader, "?priority=2") == [alarm_a.pk]
    assert set(_ids(world.reader, f"?site={alarm_a.protected_site_id}")) == {alarm_a.pk, other.pk}
    assert _ids(world.reader, "?since=2999-01-01T00:00:00Z") == []
    client = login_as(Client(), world.reader)
    assert client.get("/api/v1/supervision/alarms/?status=perdu").status_code == 400

"""Live view and playback: only the people habilitated for a site's images (operators, the mayor and municipal
police of the site's own commune with an agrément in force) watch a camera, after stating a reason; every frame
re-checks the session and the habilitation; recordings stream with HTTP Range; every access is in the register."""

import datetime
import html
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix
from mutualis.supervision.choices import HabilitationKind, SourceKind
from mutualis.supervision.models import Habilitation
from mutualis.supervision.services.access import habilitation_revoke
from mutualis.supervision.simulator import FrigateHTTPServer
from mutualis.supervision.tests.evidence_factories import ago, isolate_files, recording
from mutualis.supervision.tests.factories import (
    AuthorisationFactory,
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
)
from mutualis.supervision.tests.masking_factories import needs_ffmpeg

pytestmark = pytest.mark.django_db

VIDEO = bytes(range(256)) * 40  # 10 240 bytes, each offset's value known


@pytest.fixture
def frigate_http():
    """Frigate's HTTP API for the camera « parvis », on a free loopback port: the demo simulator's, which
    `make run` starts."""
    server = FrigateHTTPServer(("127.0.0.1", 0), ["parvis"]).start()
    yield server.base_url
    server.stop()


@pytest.fixture
def camera(world, frigate_http, settings, tmp_path):
    """Member A's town hall under supervision, a Frigate camera « parvis », and the habilitations of the matrix:
    the operator (staff), the mayor of the commune (reader), the municipal police whose agrément lapsed (manager),
    member B's manager as mayor of another commune (other_member); member A's agent holds none."""
    isolate_files(settings, tmp_path)
    cache.clear()
    site = ProtectedSiteFactory(site=world.site_a)
    AuthorisationFactory(protected_site=site)
    source = EventSourceFactory(name="frigate-live", kind=SourceKind.FRIGATE, frigate_base_url=frigate_http)
    device = DeviceFactory(protected_site=site, source=source, external_id="parvis", name="Caméra parvis")
    commune = world.site_a.commune
    HabilitationFactory(protected_site=site, user=world.staff)
    HabilitationFactory(protected_site=site, user=world.reader, kind=HabilitationKind.MAYOR, commune=commune)
    HabilitationFactory(
        protected_site=site,
        user=world.manager,
        kind=HabilitationKind.MUNICIPAL_POLICE,
        commune=commune,
        agrement_reference="AGR-2020-12",
        agrement_expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    HabilitationFactory(
        protected_site=site, user=world.other_member, kind=HabilitationKind.MAYOR, commune=world.site_b.commune
    )
    return device


def _live_entries():
    return list(AuditEntry.objects.filter(action__startswith="supervision.live_view").values_list("seq", flat=True))


def _start(client, device, reason="Levée de doute, alarme intrusion"):
    response = client.post(f"/supervision/cameras/{device.pk}/direct/", {"reason": reason})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].split("session=")[1]


# --- Role matrices ---------------------------------------------------------------------------------------------


def test_live_page_matrix(world, camera):
    """The live page: the habilitated operator and the commune's mayor; member A's agent (no habilitation) and the
    municipal police with a lapsed agrément 403; member B's manager (another commune) 404; anonymous to login."""
    assert_role_matrix(
        world,
        method="get",
        url=f"/supervision/cameras/{camera.pk}/direct/",
        expected={"other_member": 404, "reader": 200, "agent": 403, "manager": 403, "staff": 200},
    )


def test_live_start_matrix(world, camera):
    """Opening a session: allowed (302) to the habilitated only; refusals log nothing."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/cameras/{camera.pk}/direct/",
        data={"reason": "Ronde vidéo"},
        expected={"other_member": 404, "reader": 302, "agent": 403, "manager": 403, "staff": 302},
        state=_live_entries,
    )


def test_unhabilitated_operator_and_mayor_of_another_commune_are_refused(world, camera):
    """An operator without habilitation for the site, and a mayor habilitated for another commune, get 403."""
    Habilitation.objects.filter(user__in=[world.staff, world.reader]).delete()
    HabilitationFactory(
        protected_site=camera.protected_site,
        user=world.reader,
        kind=HabilitationKind.MAYOR,
        commune=world.site_b.commune,
    )
    for user in (world.staff, world.reader):
        client = login_as(Client(), user)
        assert client.get(f"/supervision/cameras/{camera.pk}/direct/").status_code == 403
        assert client.post(f"/supervision/cameras/{camera.pk}/direct/", {"reason": "x"}).status_code == 403
    assert _live_entries() == []


def test_camera_list_shows_only_habilitated_cameras(world, camera):
    """The camera list: the habilitated see the camera with its live link; others an empty list."""
    assert "Caméra parvis" in login_as(Client(), world.reader).get("/supervision/cameras/").content.decode()
    for user in (world.agent, world.manager, world.other_member):
        page = login_as(Client(), user).get("/supervision/cameras/")
        assert page.status_code == 200 and "Caméra parvis" not in page.content.decode()


# --- Reason and session ----------------------------------------------------------------------------------------


def test_reason_is_required_with_a_french_message(world, camera):
    """Without a reason: 400, the French message, no session and nothing logged."""
    response = login_as(Client(), world.staff).post(f"/supervision/cameras/{camera.pk}/direct/", {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez le motif du visionnage en direct." in response.content.decode()
    assert _live_entries() == []


def test_a_session_shows_the_picture_and_logs_the_view(world, camera):
    """With a reason the session opens (logged: user, camera, start, reason) and its frames are the camera's
    current picture, never cached."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    entry = AuditEntry.objects.get(action="supervision.live_view")
    assert entry.actor == world.staff and entry.reason == "Levée de doute, alarme intrusion"
    assert entry.after["device"] == camera.pk and entry.after["device_name"] == "Caméra parvis"
    assert entry.after["starts_at"] and entry.after["session"] and entry.member_id == world.member_a.pk
    page = client.get(f"/supervision/cameras/{camera.pk}/direct/", {"session": token})
    assert page.status_code == 200 and "data-live" in page.content.decode()
    frame = client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token, "t": "1"})
    assert frame.status_code == 200 and frame["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(frame.content)).size == (640, 360)  # the simulator's picture
    assert "no-store" in frame["Cache-Control"]


def test_frame_denied_without_a_session(world, camera):
    """No session, a forged one or one of another user: 403, no picture."""
    client = login_as(Client(), world.staff)
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/").status_code == 403
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": "faux"}).status_code == 403
    mayor_token = _start(login_as(Client(), world.reader), camera)
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": mayor_token}).status_code == 403


def test_frame_denied_for_another_camera(world, camera):
    """A session opened for one camera shows no other, even on the same site."""
    other = DeviceFactory(protected_site=camera.protected_site, source=camera.source, external_id="cour")
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    assert client.get(f"/supervision/cameras/{other.pk}/direct/image/", {"session": token}).status_code == 403


def test_an_expired_session_asks_again(world, camera, settings):
    """Past its validity the session gives no frame and the page asks for the reason again."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    settings.SUPERVISION_LIVE_SECONDS = -1
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 403
    page = client.get(f"/supervision/cameras/{camera.pk}/direct/", {"session": token})
    assert page.status_code == 200 and "indiquez à nouveau le motif" in page.content.decode()


def test_a_revoked_habilitation_stops_the_next_frame_and_ends_the_session(world, camera):
    """Withdrawn during the session, the habilitation stops the very next frame; the end is logged."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 200
    habilitation = Habilitation.objects.get(user=world.staff)
    habilitation_revoke(habilitation=habilitation, acting_user=world.staff)
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 403
    end = AuditEntry.objects.get(action="supervision.live_view_end")
    assert end.after["end"] == "habilitation retirée ou échue" and end.after["frames"] == 1


def test_stopping_logs_the_end_once_from_start_to_last_frame(world, camera):
    """« Arrêter » logs the session's end once, with its start and last frame; the session then gives nothing."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    for _ in range(2):
        client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token})
    response = client.post(f"/supervision/cameras/{camera.pk}/direct/fin/", {"session": token, "why": "stop"})
    assert response.status_code == 302
    beacon = client.post(f"/supervision/cameras/{camera.pk}/direct/fin/", {"session": token, "beacon": "1"})
    assert beacon.status_code == 204
    start = AuditEntry.objects.get(action="supervision.live_view")
    end = AuditEntry.objects.get(action="supervision.live_view_end")
    assert end.after["session"] == start.after["session"] and end.after["frames"] == 2
    assert end.after["starts_at"] == start.after["starts_at"] and end.after["ends_at"] >= end.after["starts_at"]
    assert end.reason == start.reason
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 403


def test_end_refused_for_another_users_session(world, camera):
    """Nobody ends (or logs the end of) someone else's session."""
    token = _start(login_as(Client(), world.staff), camera)
    response = login_as(Client(), world.reader).post(
        f"/supervision/cameras/{camera.pk}/direct/fin/", {"session": token}
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="supervision.live_view_end").exists()


def test_camera_without_http_api_says_live_is_unavailable(world, camera):
    """A webhook camera: the page says the live view is not available, and no session opens."""
    webhook = DeviceFactory(protected_site=camera.protected_site, name="Caméra webhook")
    client = login_as(Client(), world.staff)
    page = client.get(f"/supervision/cameras/{webhook.pk}/direct/")
    assert page.status_code == 200 and "Le direct n'est pas disponible pour cette caméra" in page.content.decode()
    assert '<form method="post" novalidate>' not in page.content.decode()
    assert client.post(f"/supervision/cameras/{webhook.pk}/direct/", {"reason": "x"}).status_code == 200
    assert _live_entries() == []


def test_unreachable_frigate_is_502(world, camera):
    """When Frigate does not answer, the frame is 502 (the page says the picture is unavailable)."""
    camera.source.frigate_base_url = "http://127.0.0.1:9"
    camera.source.save()
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 502


# --- Recordings and playback -----------------------------------------------------------------------------------


@pytest.fixture
def stored(camera):
    return recording(camera, start=ago(hours=3), content=VIDEO)


def test_recordings_list_matrix(world, camera, stored):
    """A camera's recordings: the habilitated; others 403/404."""
    assert_role_matrix(
        world,
        method="get",
        url=f"/supervision/cameras/{camera.pk}/enregistrements/",
        expected={"other_member": 404, "reader": 200, "agent": 403, "manager": 403, "staff": 200},
    )


def test_recordings_filtered_by_period_and_empty_state(world, camera, stored):
    """The period filter keeps the recordings overlapping it; an empty period says why (retention)."""
    client = login_as(Client(), world.staff)
    day = timezone.localtime(stored.starts_at).date()
    listed = client.get(f"/supervision/cameras/{camera.pk}/enregistrements/", {"since": day, "until": day})
    assert stored in listed.context["page"].object_list
    # The day after it ends (it may run past midnight, depending on when the test runs).
    later = timezone.localtime(stored.ends_at).date() + datetime.timedelta(days=1)
    empty = client.get(f"/supervision/cameras/{camera.pk}/enregistrements/", {"since": later})
    assert not empty.context["page"].object_list and "durée de conservation" in empty.content.decode()
    bad = client.get(f"/supervision/cameras/{camera.pk}/enregistrements/", {"since": later, "until": day})
    assert bad.status_code == 400 and "La fin de la période précède son début." in bad.content.decode()


def _play(client, stored, reason="Plainte pour dégradation"):
    response = client.post(f"/supervision/enregistrements/{stored.pk}/lecture/", {"reason": reason})
    assert response.status_code == 302
    return response["Location"].split("jeton=")[1]


def _playbacks():
    return list(AuditEntry.objects.filter(action="supervision.recording_playback").values_list("seq", flat=True))


def test_playback_matrix(world, camera, stored):
    """Playback with a reason: the habilitated (302 to the player); refusals log nothing."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/enregistrements/{stored.pk}/lecture/",
        data={"reason": "Plainte"},
        expected={"other_member": 404, "reader": 302, "agent": 403, "manager": 403, "staff": 302},
        state=_playbacks,
    )


def test_playback_requires_a_reason_and_logs_its_fields(world, camera, stored):
    """No reason: 400 in French, nothing logged; with one, the playback is logged with user, camera, recording,
    period and reason, and the player page shows a captioned video."""
    client = login_as(Client(), world.staff)
    empty = client.post(f"/supervision/enregistrements/{stored.pk}/lecture/", {"reason": ""})
    assert empty.status_code == 400 and "Indiquez le motif de la relecture." in empty.content.decode()
    assert _playbacks() == []
    token = _play(client, stored)
    entry = AuditEntry.objects.get(action="supervision.recording_playback")
    assert entry.actor == world.staff and entry.reason == "Plainte pour dégradation"
    assert entry.after["device"] == camera.pk and entry.after["recording"] == stored.pk
    assert entry.after["starts_at"] == stored.starts_at.isoformat()
    assert entry.after["ends_at"] == stored.ends_at.isoformat()
    page = client.get(f"/supervision/enregistrements/{stored.pk}/lecture/", {"jeton": token}).content.decode()
    assert "<video controls" in page and "<figcaption" in page


def test_stream_supports_range_requests(world, camera, stored):
    """The stream answers a range with 206 and exactly those bytes, a suffix range with the last bytes, the whole
    file without Range, and 416 for a range past the end."""
    client = login_as(Client(), world.staff)
    url = f"/supervision/enregistrements/{stored.pk}/video/"
    token = _play(client, stored)
    whole = client.get(url, {"jeton": token})
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == VIDEO
    assert whole["Accept-Ranges"] == "bytes"
    part = client.get(url, {"jeton": token}, headers={"range": "bytes=100-299"})
    assert part.status_code == 206 and b"".join(part.streaming_content) == VIDEO[100:300]
    assert part["Content-Range"] == f"bytes 100-299/{len(VIDEO)}" and part["Content-Length"] == "200"
    tail = client.get(url, {"jeton": token}, headers={"range": "bytes=-16"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == VIDEO[-16:]
    open_ended = client.get(url, {"jeton": token}, headers={"range": "bytes=10200-"})
    assert b"".join(open_ended.streaming_content) == VIDEO[10200:]
    beyond = client.get(url, {"jeton": token}, headers={"range": f"bytes={len(VIDEO)}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_stream_refused_without_token_for_others_and_after_revocation(world, camera, stored):
    """No token, another user's token, or a habilitation withdrawn since: 403."""
    client = login_as(Client(), world.staff)
    url = f"/supervision/enregistrements/{stored.pk}/video/"
    assert client.get(url).status_code == 403
    token = _play(client, stored)
    assert login_as(Client(), world.reader).get(url, {"jeton": token}).status_code == 403
    habilitation_revoke(habilitation=Habilitation.objects.get(user=world.staff), acting_user=world.staff)
    assert client.get(url, {"jeton": token}).status_code == 403


# --- The access register ---------------------------------------------------------------------------------------


def test_access_register_lists_live_views_and_playbacks_searchably(world, camera, stored):
    """The access register shows the live view, its end and the playback with their labels, period and reason;
    searching by reason finds them."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera, reason="Ronde de nuit")
    client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token})
    client.post(f"/supervision/cameras/{camera.pk}/direct/fin/", {"session": token})
    _play(client, stored, reason="Plainte 2026-114")
    page = html.unescape(client.get("/supervision/registre-acces/").content.decode())
    for label in ("Images en direct consultées", "Fin d'un visionnage en direct", "Enregistrement relu"):
        assert label in page
    assert "arrêt par la personne, 1 image" in page
    found = client.get("/supervision/registre-acces/", {"q": "Ronde de nuit"}).context["rows"]
    assert {r["entry"].action for r in found} == {"supervision.live_view", "supervision.live_view_end"}
    only = client.get("/supervision/registre-acces/", {"action": "supervision.live_view_end"}).context["rows"]
    assert [r["entry"].action for r in only] == ["supervision.live_view_end"]
    csv = client.get("/supervision/registre-acces/", {"format": "csv"}).content.decode()
    assert "Fin d'un visionnage en direct" in csv and "Ronde de nuit" in csv


def test_a_camera_frigate_does_not_know_is_502(world, camera):
    """Frigate answers 404 for a camera it does not have: the frame is 502, nothing is shown."""
    client = login_as(Client(), world.staff)
    token = _start(client, camera)
    camera.external_id = "inconnue"
    camera.save()
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 502


def test_a_lapsed_agrement_stops_the_municipal_polices_next_frame(world, camera):
    """The municipal police watch while their agrément is in force; once it has lapsed the next frame is refused
    (CSI L511-1: the agrément conditions the access)."""
    police = Habilitation.objects.get(user=world.manager)
    police.agrement_expires_on = timezone.localdate() + datetime.timedelta(days=30)
    police.save()
    client = login_as(Client(), world.manager)
    token = _start(client, camera, reason="Réquisition orale, rixe place du marché")
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 200
    Habilitation.objects.filter(pk=police.pk).update(agrement_expires_on=timezone.localdate() - datetime.timedelta(1))
    assert client.get(f"/supervision/cameras/{camera.pk}/direct/image/", {"session": token}).status_code == 403


def test_several_ranges_get_the_whole_file(world, camera, stored):
    """A multi-range request (which this server does not split) gets the whole file with 200 (RFC 9110 § 14.2)."""
    client = login_as(Client(), world.staff)
    token = _play(client, stored)
    response = client.get(
        f"/supervision/enregistrements/{stored.pk}/video/", {"jeton": token}, headers={"range": "bytes=0-1,5-6"}
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == VIDEO


def test_the_demo_frigate_serves_event_snapshots(frigate_http):
    """The simulated Frigate API (the demo's) serves a tracked object's snapshot, as alarms' vignettes and evidence
    candidates fetch it; a path it does not know is 404."""
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{frigate_http}/api/events/1718987129.308396-fqk5ka/snapshot.jpg") as answer:
        assert answer.headers.get_content_type() == "image/jpeg" and answer.read(2) == b"\xff\xd8"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{frigate_http}/api/events/../snapshot.jpg")
    assert refused.value.code == 404


@needs_ffmpeg
def test_the_demo_frigate_serves_event_clips(frigate_http):
    """The simulated Frigate API serves a tracked object's clip (an MP4 made by ffmpeg), as the operator's « fetch
    the clip » stores it as an evidence candidate."""
    import urllib.request

    with urllib.request.urlopen(f"{frigate_http}/api/events/1718987129.308396-fqk5ka/clip.mp4", timeout=120) as answer:
        body = answer.read()
    assert answer.headers.get_content_type() == "video/mp4" and body[4:8] == b"ftyp"

"""The masking pages of an access request: habilitated operators only; regions typed (or drawn) on each file, the
masked result previewed, then the grant hands over the masked copies in a signed export whose manifest lists the
regions and the originals' digests."""

import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.supervision.models.evidence import AccessRequest
from mutualis.supervision.models.masking import MaskedCopy
from mutualis.supervision.services import evidence, masking
from mutualis.supervision.tests.evidence_factories import isolate_files
from mutualis.supervision.tests.masking_factories import needs_ffmpeg, noisy_image, open_request, sample_clip

pytestmark = pytest.mark.django_db

OPERATOR_GET = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
OPERATOR_POST = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}
REGIONS = {
    "style": "fill",
    "regions-TOTAL_FORMS": "2",
    "regions-INITIAL_FORMS": "0",
    "regions-MIN_NUM_FORMS": "0",
    "regions-MAX_NUM_FORMS": "20",
    "regions-0-x": "10",
    "regions-0-y": "20",
    "regions-0-w": "30",
    "regions-0-h": "40",
    "regions-1-x": "",
}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


@pytest.fixture
def scene(world):
    return open_request(world, content=noisy_image())


def _base(request, rec):
    return f"/supervision/demandes-acces/{request.pk}/occultation/{rec.pk}/"


def test_masking_routes_matrix(world, scene):
    """The masking page and its writes are for the operators habilitated for the site's images; others get 404 and
    change nothing."""
    request, rec = scene
    base = _base(request, rec)
    assert_role_matrix(world, method="get", url=base, expected=OPERATOR_GET)
    state = lambda: rows(MaskedCopy.objects.all())  # noqa: E731
    assert_role_matrix(world, method="post", url=base, data=REGIONS, expected=OPERATOR_POST, state=state)
    withdraw = {"confirm": "on"}
    assert_role_matrix(world, method="post", url=f"{base}retirer/", data=withdraw, expected=OPERATOR_POST, state=state)
    client = Client()
    login_as(client, world.staff)
    original = client.get(base).context["original_url"]
    assert_role_matrix(world, method="get", url=original, expected=OPERATOR_GET)


def test_images_need_the_page_token(world, scene):
    """The original's and the copy's pictures are served only with the page's signed, per-user token."""
    request, rec = scene
    client = Client()
    login_as(client, world.staff)
    page = client.get(_base(request, rec))
    url = page.context["original_url"]
    image = client.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client.get(_base(request, rec) + "original.jpg?jeton=faux").status_code == 404
    assert client.get(_base(request, rec) + "apercu.jpg?" + url.split("?")[1]).status_code == 404  # no copy yet
    other = Client()
    login_as(other, world.manager)
    assert other.get(url).status_code == 404


def test_grant_flow_end_to_end_with_regions(world, scene, tmp_path):
    """Open the masking page (logged in the access register), type a region, see the masked preview, grant: the
    export holds the masked file, its manifest lists the region and the original's SHA-256, and the signature and
    `evidence_verify` hold."""
    request, rec = scene
    client = Client()
    login_as(client, world.staff)
    detail = client.get(f"/supervision/demandes-acces/{request.pk}/")
    assert _base(request, rec) in detail.content.decode()
    page = client.get(_base(request, rec))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="supervision.recording_playback", reason__contains="Occultation").exists()
    response = client.post(_base(request, rec), REGIONS)
    assert response.status_code == 302
    copy = MaskedCopy.objects.get()
    page = client.get(_base(request, rec))
    assert page.context["preview_url"]
    preview = Image.open(io.BytesIO(client.get(page.context["preview_url"]).content)).convert("RGB")
    assert max(preview.getpixel((50, 40))) <= 16  # inside the region: the JPEG preview of a black fill
    granted = client.post(
        f"/supervision/demandes-acces/{request.pk}/",
        {"decision": "granted", "answer": "Voici les images.", "third_parties_visible": "on"},
    )
    assert granted.status_code == 302
    download = client.get(f"/supervision/demandes-acces/{request.pk}/export.zip")
    path = tmp_path / "acces.zip"
    path.write_bytes(b"".join(download.streaming_content))
    call_command("evidence_verify", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        (entry,) = manifest["files"]
        assert archive.read(entry["path"]) == evidence.read_stored(copy.file)
    assert entry["masking"]["regions"] == [{"x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0}]
    assert entry["masking"]["original_sha256"] == rec.sha256 == entry["source_sha256"]
    assert "Occultation des tiers" in [step["action"] for step in manifest["chain_of_custody"]]
    answered = client.get(f"/supervision/demandes-acces/{request.pk}/").content.decode()
    assert "1 fichier(s) occulté(s), 1 zone(s)" in answered
    assert "Copies occultées remises" in answered and copy.sha256 in answered
    # Once answered, the files no longer change.
    assert client.post(_base(request, rec), REGIONS).status_code == 302
    assert MaskedCopy.objects.get().pk == copy.pk


def test_bad_region_comes_back_in_french_and_nothing_is_stored(world, scene):
    """A region beyond the picture is sent back (400) with a French message naming the zone; no copy is made."""
    request, rec = scene
    client = Client()
    login_as(client, world.staff)
    response = client.post(_base(request, rec), REGIONS | {"regions-0-x": "90"})
    assert response.status_code == 400
    assert "Zone 1 : la zone dépasse de l" in response.content.decode()
    assert not MaskedCopy.objects.exists()
    empty = client.post(
        _base(request, rec), REGIONS | {"regions-0-x": "", "regions-0-y": "", "regions-0-w": "", "regions-0-h": ""}
    )
    assert empty.status_code == 400 and "au moins une zone" in empty.content.decode()


def test_add_row_without_javascript_and_withdraw_with_confirmation(world, scene):
    """« Ajouter une zone » sends the form back with one more row (nothing saved); withdrawing a copy needs its
    confirmation, then the original is handed over as it is."""
    request, rec = scene
    client = Client()
    login_as(client, world.staff)
    added = client.post(_base(request, rec), REGIONS | {"add_row": "1"})
    assert added.status_code == 200 and 'name="regions-2-x"' in added.content.decode()
    assert not MaskedCopy.objects.exists()
    masking.masked_copy_make(
        access_request=request, recording=rec, regions=[{"x": 1, "y": 1, "w": 5, "h": 5}], acting_user=world.staff
    )
    refused = client.post(_base(request, rec) + "retirer/", {})
    assert refused.status_code == 400 and MaskedCopy.objects.exists()
    assert client.post(_base(request, rec) + "retirer/", {"confirm": "on"}).status_code == 302
    assert not MaskedCopy.objects.exists()


def test_grant_refused_with_third_parties_and_nothing_masked(world, scene):
    """Third parties visible, no region and no note: the grant comes back in French and nothing changes."""
    request, _rec = scene
    client = Client()
    login_as(client, world.staff)
    before = rows(AccessRequest.objects.all())
    response = client.post(
        f"/supervision/demandes-acces/{request.pk}/",
        {"decision": "granted", "answer": "Voici.", "third_parties_visible": "on"},
    )
    assert response.status_code == 400
    assert re.search("occultez-les sur les fichiers", response.content.decode())
    assert rows(AccessRequest.objects.all()) == before


def test_a_file_that_is_no_picture_is_explained_not_drawn(world):
    """A placeholder segment (neither an image nor an MP4): the page says it cannot be masked; no picture served."""
    request, rec = open_request(world, content=b"segment sans image " * 40, content_type="application/octet-stream")
    client = Client()
    login_as(client, world.staff)
    page = client.get(_base(request, rec))
    assert page.status_code == 200 and "ne peut être occulté ici" in page.content.decode()
    assert client.get(page.context["original_url"]).status_code == 404


@needs_ffmpeg
def test_a_clip_shows_the_frame_chosen_and_masks_a_time_range(world, tmp_path, django_capture_on_commit_callbacks):
    """A clip: the page offers the frame at a chosen second and the time fields; a timed region is kept."""
    request, rec = open_request(world, content=sample_clip(tmp_path), content_type="video/mp4")
    client = Client()
    login_as(client, world.staff)
    page = client.get(_base(request, rec) + "?t=1.5")
    body = page.content.decode()
    assert 'name="t" value="1.5"' in body and 'name="regions-0-start"' in body
    assert 'value="pixelate"' not in body  # a clip is masked by a fill only
    frame = client.get(page.context["original_url"])
    assert Image.open(io.BytesIO(frame.content)).format == "JPEG"
    timed = REGIONS | {"regions-0-start": "0.5", "regions-0-end": "1.5"}
    response = client.post(_base(request, rec), timed)
    assert response.status_code == 302
    assert "Occultation de la vidéo en cours" in client.get(_base(request, rec)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_base(request, rec), timed)
    page = client.get(_base(request, rec))
    assert MaskedCopy.objects.get().status == "ready"
    assert client.get(page.context["preview_url"])["Content-Type"] == "image/jpeg"
    assert MaskedCopy.objects.get().regions == [{"x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0, "start": 0.5, "end": 1.5}]

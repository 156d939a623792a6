"""Masking third parties on what the right of access hands over (CSI L253-5 « droit des tiers »): the regions are
really hidden (no recoverable detail), nothing else changes, the original stays intact, and the copy is a new file
with its own digest linked to its original."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from mutualis.core.models import AuditEntry
from mutualis.members.testing import rows
from mutualis.supervision.models.masking import MaskedCopy
from mutualis.supervision.services import evidence, masking
from mutualis.supervision.tests.evidence_factories import isolate_files
from mutualis.supervision.tests.masking_factories import (
    decode_frame,
    needs_ffmpeg,
    noisy_image,
    open_request,
    sample_clip,
)

pytestmark = pytest.mark.django_db

REGION = {"x": "10", "y": "20", "w": "30", "h": "40"}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


def _pixels(picture, box):
    left, top, right, bottom = box
    return [picture.getpixel((x, y)) for y in range(top, bottom) for x in range(left, right)]


def _outside(picture, box):
    left, top, right, bottom = box
    return [
        picture.getpixel((x, y))
        for y in range(picture.height)
        for x in range(picture.width)
        if not (left <= x < right and top <= y < bottom)
    ]


def test_fill_hides_the_region_and_leaves_the_rest_untouched():
    """A filled region is one opaque colour (nothing to recover); every pixel outside it is the original's."""
    original = Image.open(io.BytesIO(noisy_image())).convert("RGB")
    masked = Image.open(io.BytesIO(masking.mask_image(noisy_image(), masking.parse_regions([REGION])))).convert("RGB")
    box = (20, 20, 80, 60)  # 10 %, 20 %, 30 %, 40 % of 200 × 100
    assert set(_pixels(masked, box)) == {masking.FILL_RGB}
    assert len(set(_pixels(original, box))) > 1000
    assert _outside(masked, box) == _outside(original, box)


def test_pixelation_keeps_at_most_the_cells_average_colours():
    """A pixelated region keeps at most PIXEL_CELLS × PIXEL_CELLS average colours — too few for a face — and the
    rest of the picture is unchanged."""
    original = Image.open(io.BytesIO(noisy_image())).convert("RGB")
    data = masking.mask_image(noisy_image(), masking.parse_regions([REGION]), style="pixelate")
    masked = Image.open(io.BytesIO(data)).convert("RGB")
    box = (20, 20, 80, 60)
    assert len(set(_pixels(masked, box))) <= masking.PIXEL_CELLS**2
    assert _outside(masked, box) == _outside(original, box)


def test_jpeg_input_gives_a_lossless_copy_without_metadata():
    """A JPEG is masked into a PNG (a re-encoded JPEG would smear the mask and every pixel around it), without the
    EXIF block whose thumbnail would show the unmasked picture."""
    source = Image.open(io.BytesIO(noisy_image(fmt="JPEG")))
    exif = Image.Exif()
    exif[0x010F] = "Caméra parvis"
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", exif=exif.tobytes())
    masked = Image.open(io.BytesIO(masking.mask_image(buffer.getvalue(), masking.parse_regions([REGION]))))
    assert masked.format == "PNG" and not masked.getexif()
    assert set(_pixels(masked.convert("RGB"), (20, 20, 80, 60))) == {masking.FILL_RGB}


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ({"x": "-1", "y": "0", "w": "10", "h": "10"}, "de 0 à 100"),
        ({"x": "10", "y": "101", "w": "10", "h": "10"}, "de 0 à 100"),
        ({"x": "10", "y": "10", "w": "0", "h": "10"}, "positives"),
        ({"x": "95", "y": "10", "w": "10", "h": "10"}, "dépasse"),
        ({"x": "a", "y": "10", "w": "10", "h": "10"}, "pourcentage"),
        ({"x": "1", "y": "1", "w": "10", "h": "10", "start": "2"}, "vidéo"),
    ],
)
def test_bad_regions_are_refused_in_french_and_nothing_is_stored(world, region, message):
    """A region out of the picture, of zero area, not a number, or timed on a still: a field error under
    `regions`, no copy made, the original untouched."""
    request, rec = open_request(world, content=noisy_image())
    with pytest.raises(ValidationError) as caught:
        masking.masked_copy_make(access_request=request, recording=rec, regions=[region], acting_user=world.staff)
    assert message in " ".join(caught.value.message_dict["regions"])
    assert not MaskedCopy.objects.exists()
    assert evidence.stored_digest(rec.file) == rec.sha256


def test_no_region_and_a_file_that_is_no_picture_are_refused(world):
    """No region at all, or a file neither an image nor an MP4: a French error, nothing stored."""
    request, rec = open_request(world, content=b"pas une image " * 40)
    with pytest.raises(ValidationError) as caught:
        masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    assert "ni une image" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as caught:
        masking.parse_regions([])
    assert "au moins une zone" in caught.value.message_dict["regions"][0]
    assert not MaskedCopy.objects.exists()


def test_masked_copy_is_a_new_file_linked_to_its_untouched_original(world):
    """The copy has its own SHA-256, names the original's, keeps the regions and who masked; the original file and
    digest are unchanged; the audit journal says so."""
    request, rec = open_request(world, content=noisy_image())
    copy = masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    assert copy.source_sha256 == rec.sha256 != copy.sha256
    assert evidence.stored_digest(copy.file) == copy.sha256
    assert evidence.stored_digest(rec.file) == rec.sha256
    assert copy.regions == [{"x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0}]
    assert copy.created_by == world.staff and copy.filename.endswith("-occulte.png")
    assert AuditEntry.objects.filter(action="supervision.masking_apply", object_id=str(copy.pk)).exists()
    entry = masking.custody_of(copy)
    assert entry["action"] == "Occultation des tiers" and rec.sha256 in entry["detail"]


def test_masking_again_replaces_the_preview_copy(world):
    """Before the answer, masking the same recording again replaces its copy (one per recording and request)."""
    request, rec = open_request(world, content=noisy_image())
    first = masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    second = masking.masked_copy_make(
        access_request=request,
        recording=rec,
        regions=[REGION, {"x": 0, "y": 0, "w": 5, "h": 5}],
        acting_user=world.staff,
    )
    assert list(MaskedCopy.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk and len(second.regions) == 2


def test_no_masking_once_answered_or_outside_the_request(world):
    """A request answered keeps the files it handed over; a recording outside its period is not masked for it."""
    from mutualis.supervision.services import access_requests
    from mutualis.supervision.tests.evidence_factories import ago, recording

    request, rec = open_request(world, content=noisy_image())
    other = recording(rec.device, start=ago(days=2), content=noisy_image(fmt="JPEG"))
    with pytest.raises(ValidationError, match="période"):
        masking.masked_copy_make(access_request=request, recording=other, regions=[REGION], acting_user=world.staff)
    access_requests.access_request_answer(
        request=request, decision="refused", answer="Non.", refusal_ground="proceedings", acting_user=world.staff
    )
    request.refresh_from_db()
    before = rows(MaskedCopy.objects.all())
    with pytest.raises(ValidationError, match="déjà reçu"):
        masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    assert rows(MaskedCopy.objects.all()) == before


def test_only_a_habilitated_operator_masks(world):
    """Masking handles images: only a supervision operator habilitated for the site."""
    from django.core.exceptions import PermissionDenied

    request, rec = open_request(world, content=noisy_image())
    with pytest.raises(PermissionDenied):
        masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.manager)
    assert not MaskedCopy.objects.exists()


@needs_ffmpeg
def test_video_region_is_filled_on_every_frame(world, tmp_path, django_capture_on_commit_callbacks):
    """An MP4 is masked by the worker on every frame: decoded frames at the start and the end are black inside the
    region and keep the test pattern's colours outside; the copy is an MP4 with its own digest."""
    clip = sample_clip(tmp_path)
    request, rec = open_request(world, content=clip, content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        pending = masking.masked_copy_make(
            access_request=request, recording=rec, regions=[REGION], acting_user=world.staff
        )
        assert pending.status == "pending" and not pending.file
    copy = MaskedCopy.objects.get()
    assert copy.status == "ready" and copy.content_type == "video/mp4" and copy.sha256 != rec.sha256
    assert evidence.stored_digest(copy.file) == copy.sha256
    assert AuditEntry.objects.filter(action="supervision.masking_apply", object_id=str(copy.pk)).exists()
    data = evidence.read_stored(copy.file)
    box = (16 + 2, 24 + 2, 64 - 2, 72 - 2)  # 160 × 120, inset by the chroma subsampling's edge
    for at in (0.1, 1.5):
        frame = decode_frame(data, tmp_path, at=at)
        inside = _pixels(frame, box)
        assert max(max(p) for p in inside) <= 24, "the region must be black"
        assert len(set(_outside(frame, (16, 24, 64, 72)))) > 100, "the pattern outside must remain"
    assert evidence.stored_digest(rec.file) == rec.sha256


def test_a_pending_clip_blocks_the_grant(world, tmp_path):
    """While the worker masks a clip (or after it failed), access is not granted: the export would lack it."""
    from mutualis.supervision.services import access_requests

    request, rec = open_request(world, content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500)
    masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    with pytest.raises(ValidationError, match="en cours ou a échoué"):
        access_requests.access_request_answer(
            request=request, decision="granted", answer="Voici.", third_parties_visible=True, acting_user=world.staff
        )


@needs_ffmpeg
def test_video_time_range_masks_only_then(tmp_path):
    """A region limited to a time range is filled during it only."""
    source, target = tmp_path / "in.mp4", tmp_path / "out.mp4"
    source.write_bytes(sample_clip(tmp_path, seconds=3))
    regions = masking.parse_regions([REGION | {"start": "0", "end": "1"}], kind=masking.VIDEO)
    masking.mask_video(source, target, regions)
    box = (18, 26, 62, 70)
    early = _pixels(decode_frame(target.read_bytes(), tmp_path, at=0.3), box)
    late = _pixels(decode_frame(target.read_bytes(), tmp_path, at=2.5), box)
    assert max(max(p) for p in early) <= 24
    assert len(set(late)) > 50


@needs_ffmpeg
def test_unreadable_video_and_timeout_are_french_errors(world, tmp_path, settings, django_capture_on_commit_callbacks):
    """A clip ffmpeg cannot read, or one that takes too long: a French error (on the copy, for the page) and no
    file left behind."""
    request, rec = open_request(world, content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500)
    with django_capture_on_commit_callbacks(execute=True):
        masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    failed = MaskedCopy.objects.get()
    assert failed.status == "failed" and "ffmpeg" in failed.error and not failed.file
    settings.SUPERVISION_MASKING_TIMEOUT = 0
    source = tmp_path / "in.mp4"
    source.write_bytes(sample_clip(tmp_path))
    with pytest.raises(ValidationError, match="dépassé"):
        masking.mask_video(source, tmp_path / "out.mp4", masking.parse_regions([REGION], kind=masking.VIDEO))
    assert not (tmp_path / "out.mp4").exists()
    assert not list((tmp_path / "media").rglob("*-occulte*"))


@needs_ffmpeg
def test_preview_of_a_clip_is_a_jpeg_frame(world, tmp_path):
    """The masking page shows a clip's frame as a JPEG (to draw the regions on)."""
    _request, rec = open_request(world, content=sample_clip(tmp_path), content_type="video/mp4")
    frame = masking.preview(rec.file, at=1)
    assert Image.open(io.BytesIO(frame)).format == "JPEG"


def test_grant_hands_over_the_masked_copy_and_its_manifest_says_what_was_masked(world, tmp_path):
    """Granted with a masked copy: the ZIP holds the masked file (not the original), the manifest lists its regions
    and the original's SHA-256, the chain of custody has « Occultation des tiers », and the signature and
    `manage.py evidence_verify` accept it."""
    import json
    import zipfile

    from django.core.management import call_command

    from mutualis.supervision.services import access_requests

    request, rec = open_request(world, content=noisy_image())
    copy = masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    answered = access_requests.access_request_answer(
        request=request,
        decision="granted",
        answer="Voici les images vous concernant.",
        third_parties_visible=True,
        acting_user=world.staff,
    )
    path = tmp_path / "acces.zip"
    path.write_bytes(evidence.read_stored(answered.export))
    assert evidence.verify_export(archive_file=path).ok
    out = io.StringIO()
    call_command("evidence_verify", str(path), stdout=out)
    assert "Export intact : 1 fichier(s)" in out.getvalue()
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        (entry,) = manifest["files"]
        handed = archive.read(entry["path"])
    assert handed == evidence.read_stored(copy.file) != evidence.read_stored(rec.file)
    assert entry["sha256"] == copy.sha256 and entry["source_sha256"] == rec.sha256
    assert entry["masking"]["regions"] == copy.regions and entry["masking"]["original_sha256"] == rec.sha256
    assert manifest["masking"]["masked_files"] == 1 and manifest["masking"]["regions"] == 1
    steps = [step["action"] for step in manifest["chain_of_custody"]]
    assert steps == ["Demande enregistrée", "Occultation des tiers", "Accès accordé"]
    assert answered.masking_note == "1 fichier(s) occulté(s), 1 zone(s)"


def test_grant_with_third_parties_visible_needs_regions_or_a_note(world):
    """Third parties visible, no region masked and no note: refused in French, nothing answered."""
    from mutualis.supervision.models.evidence import AccessRequest
    from mutualis.supervision.services import access_requests

    request, _rec = open_request(world, content=noisy_image())
    before = rows(AccessRequest.objects.all())
    with pytest.raises(ValidationError) as caught:
        access_requests.access_request_answer(
            request=request, decision="granted", answer="Voici.", third_parties_visible=True, acting_user=world.staff
        )
    assert "occultez-les" in caught.value.message_dict["masking_note"][0]
    assert rows(AccessRequest.objects.all()) == before


def test_a_masked_copy_altered_in_storage_is_not_handed_over(world):
    """A masked copy whose file no longer matches its digest is refused at the grant (chain of custody)."""
    from mutualis.supervision.services import access_requests

    request, rec = open_request(world, content=noisy_image())
    copy = masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    with open(copy.file.path, "wb") as handle:
        handle.write(noisy_image(fmt="JPEG"))
    with pytest.raises(ValidationError, match="empreinte"):
        access_requests.access_request_answer(
            request=request, decision="granted", answer="Voici.", third_parties_visible=True, acting_user=world.staff
        )


def test_a_refusal_discards_the_masked_copies(world, tmp_path, django_capture_on_commit_callbacks):
    """Refused: the copies made for the request go, files included (images kept for nothing, RGPD art. 5-1-c)."""
    from mutualis.supervision.services import access_requests

    request, rec = open_request(world, content=noisy_image())
    copy = masking.masked_copy_make(access_request=request, recording=rec, regions=[REGION], acting_user=world.staff)
    path = copy.file.path
    with django_capture_on_commit_callbacks(execute=True):
        access_requests.access_request_answer(
            request=request, decision="refused", answer="Non.", refusal_ground="third_parties", acting_user=world.staff
        )
    assert not MaskedCopy.objects.exists()
    assert not Path(path).exists() and evidence.stored_digest(rec.file) == rec.sha256

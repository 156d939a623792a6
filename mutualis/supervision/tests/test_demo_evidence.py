"""`load_demo_supervision_evidence`: six recorded segments of DEMO-CAM-0001 that the player can play (ffmpeg's test
pattern in H.264; `make test` installs ffmpeg), a requisition handed over, an access request; a second run adds
nothing."""

import io
import shutil

import pytest
from django.core.management import call_command

from mutualis.supervision import demo_evidence
from mutualis.supervision.demo import DEMO_OPERATOR
from mutualis.supervision.models.evidence import Recording, Requisition
from mutualis.supervision.tests.evidence_factories import habilitated_site, isolate_files
from mutualis.supervision.tests.factories import EventSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the demo's clips")
def test_demo_segments_are_playable_clips_each_with_its_own_fingerprint(world):
    """Each segment is an MP4 (not a file without images the player refuses), each with its own SHA-256; the
    requisition is handed over; a second run adds nothing."""
    world.staff.email = DEMO_OPERATOR
    world.staff.save()
    _protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    camera.external_id, camera.source = "DEMO-CAM-0001", EventSourceFactory(name="demo-webhook")
    camera.save()
    out = io.StringIO()
    call_command("load_demo_supervision_evidence", stdout=out)
    originals = [r for r in Recording.objects.filter(device=camera) if r.file.name.endswith(".mp4")]
    assert len(originals) == 6
    for recording in originals:
        assert recording.content_type == "video/mp4"
        with recording.file.open("rb") as handle:
            assert handle.read(12)[4:8] == b"ftyp"
    assert len({r.sha256 for r in originals}) == len(originals)
    assert Requisition.objects.get(number=demo_evidence.DEMO_REQUISITION).handovers.exists()
    count = Recording.objects.count()
    call_command("load_demo_supervision_evidence", stdout=out)
    assert Recording.objects.count() == count and "rien à ajouter" in out.getvalue()

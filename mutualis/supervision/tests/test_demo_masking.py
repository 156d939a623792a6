"""`load_demo_supervision_masking`: a still (and a clip with ffmpeg) of DEMO-CAM-0001 inside the demo access
request's period, ready to be masked; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from mutualis.supervision import demo_masking
from mutualis.supervision.services import access_requests, masking
from mutualis.supervision.tests.evidence_factories import isolate_files
from mutualis.supervision.tests.factories import EventSourceFactory
from mutualis.supervision.tests.masking_factories import open_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


def test_demo_adds_files_to_mask_to_the_open_request_once(world):
    """The demo request's period gains a maskable still (and a clip when ffmpeg is there); idempotent."""
    request, rec = open_request(world, content=b"segment sans image " * 40, content_type="application/octet-stream")
    camera = rec.device
    camera.external_id, camera.source = "DEMO-CAM-0001", EventSourceFactory(name="demo-webhook")
    camera.save()
    request.requester_name = demo_masking.REQUESTER
    request.save()
    out = io.StringIO()
    call_command("load_demo_supervision_masking", stdout=out)
    files = access_requests.recordings_concerned(request)
    kinds = sorted(masking.kind_of(r.file) for r in files)
    assert masking.IMAGE in kinds and len(files) >= 2
    call_command("load_demo_supervision_masking", stdout=out)
    assert len(access_requests.recordings_concerned(request)) == len(files)
    assert "rien à ajouter" in out.getvalue()

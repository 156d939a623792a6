"""Snapshots and clips fetched from Frigate's HTTP API on the operator's request: stored through the storage API
with their SHA-256, noted in the alarm's timeline and the audit log, refused to whoever may not see the images."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from mutualis.core.models import AuditEntry
from mutualis.supervision.choices import SourceKind, TimelineKind
from mutualis.supervision.integrations.frigate.media import fetch_frigate_media
from mutualis.supervision.models import Event, TimelineEntry
from mutualis.supervision.tests.factories import (
    AlarmFactory,
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    supervision_operator,
)

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"image de test" * 100


class _Frigate(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/api/events/1718987129.308396-fqk5ka/snapshot.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(JPEG)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def frigate_http():
    """A Frigate HTTP API on a free loopback port serving one snapshot."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Frigate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def alarm(frigate_http, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = EventSourceFactory(name="frigate-media", kind=SourceKind.FRIGATE, frigate_base_url=frigate_http)
    device = DeviceFactory(source=source, external_id="hall")
    alarm = AlarmFactory(device=device)
    Event.objects.create(
        source=source,
        source_event_id="review:r1:new:x",
        device=device,
        kind="intrusion",
        occurred_at=alarm.first_event_at,
        data={"detections": ["1718987129.308396-fqk5ka"]},
        alarm=alarm,
    )
    return alarm


def test_a_habilitated_operator_fetches_a_snapshot_stored_with_its_hash(alarm):
    """The snapshot of the alarm's detection is stored with its SHA-256, in the timeline and the audit log."""
    operator = supervision_operator()
    HabilitationFactory(protected_site=alarm.protected_site, user=operator)
    media = fetch_frigate_media(alarm=alarm, kind="snapshot", acting_user=operator)
    assert media.sha256 == hashlib.sha256(JPEG).hexdigest() and media.size == len(JPEG)
    with default_storage.open(media.storage_name) as stored:
        assert stored.read() == JPEG
    entry = TimelineEntry.objects.get(alarm=alarm, kind=TimelineKind.EVIDENCE)
    assert entry.data["evidence"] == media.reference and entry.user == operator
    assert AuditEntry.objects.filter(action="supervision.frigate_media_fetch", actor=operator).exists()


def test_an_operator_without_image_habilitation_is_refused_and_nothing_stored(alarm, tmp_path):
    """An operator not habilitated for the site's images gets a refusal; nothing is fetched nor recorded."""
    operator = supervision_operator()
    HabilitationFactory(protected_site=alarm.protected_site, user=operator, can_view_images=False)
    with pytest.raises(PermissionDenied):
        fetch_frigate_media(alarm=alarm, kind="snapshot", acting_user=operator)
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EVIDENCE).exists()
    assert not list(tmp_path.rglob("*.jpg"))


@pytest.mark.parametrize(
    ("options", "field"),
    [({"frigate_event_id": "autre-detection"}, "frigate_event_id"), ({"kind": "clip"}, "kind")],
)
def test_a_foreign_detection_or_a_missing_file_is_refused(alarm, options, field):
    """A detection that is not the alarm's own is refused; a file Frigate does not have (404) is a clear error."""
    operator = supervision_operator()
    HabilitationFactory(protected_site=alarm.protected_site, user=operator)
    with pytest.raises(ValidationError) as error:
        fetch_frigate_media(alarm=alarm, acting_user=operator, **{"kind": "snapshot", **options})
    assert field in error.value.message_dict
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EVIDENCE).exists()

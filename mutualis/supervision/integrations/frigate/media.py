"""Snapshots and clips fetched from a Frigate server's HTTP API when the operator asks, stored behind Django's
storage API with their SHA-256, as evidence candidates of the alarm.

`store_evidence_candidate` is the one place the stored file is recorded (timeline + audit). When the evidence app's
model lands, that function is the one to point at it (an evidence item with camera, time range and SHA-256).
"""

import hashlib
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.accounts.types import User
from mutualis.core.services import audit_record
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.models import Alarm
from mutualis.supervision.permissions import can_view_images, is_supervision_operator
from mutualis.supervision.services.alarms import alarm_attach_evidence

MEDIA = {
    "snapshot": ("snapshot.jpg", "image/jpeg", gettext_lazy("Vignette Frigate")),
    "clip": ("clip.mp4", "video/mp4", gettext_lazy("Extrait vidéo Frigate")),
}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FetchedMedia:
    """A file fetched from Frigate and stored: where, its fingerprint, and the reference put in the timeline."""

    storage_name: str
    sha256: str
    size: int
    content_type: str
    frigate_event_id: str
    reference: str


def alarm_frigate_event_ids(alarm: Alarm) -> list[str]:
    """The Frigate tracked-object ids behind an alarm (its reviews' detections), oldest first."""
    ids: list[str] = []
    for data in alarm.events.order_by("occurred_at", "pk").values_list("data", flat=True):
        for event_id in (data or {}).get("detections", []) + [(data or {}).get("frigate_event")]:
            if isinstance(event_id, str) and event_id and event_id not in ids:
                ids.append(event_id)
    return ids


def store_evidence_candidate(
    *,
    alarm: Alarm,
    content: File,
    name: str,
    sha256: str,
    label: object,
    details: dict[str, object],
    acting_user: User,
) -> tuple[str, str]:
    """Store a file as an evidence candidate of the alarm (storage API), note it in the timeline and the audit
    log; returns (storage name, timeline reference)."""
    storage_name = default_storage.save(f"supervision/candidates/{alarm.pk}/{sha256[:16]}-{name}", content)
    reference = f"candidate:{storage_name}#sha256={sha256}"
    alarm_attach_evidence(
        alarm=alarm, reference=reference, label=f"{label} (SHA-256 {sha256[:16]}…)", acting_user=acting_user
    )
    audit_record(
        actor=acting_user,
        action="supervision.frigate_media_fetch",
        obj=alarm,
        after={"storage_name": storage_name, "sha256": sha256, **details},
    )
    return storage_name, reference


def fetch_frigate_media(
    *, alarm: Alarm, kind: str, acting_user: User, frigate_event_id: str = "", timeout: float | None = None
) -> FetchedMedia:
    """Fetch the snapshot (`/api/events/<id>/snapshot.jpg`) or the clip (`/clip.mp4`) of one of the alarm's Frigate
    detections and store it with its SHA-256. Only an operator habilitated for the site's images may ask."""
    if not (is_supervision_operator(acting_user) and can_view_images(acting_user, alarm.protected_site)):
        raise PermissionDenied(_("Vous n'êtes pas habilité à voir les images de ce site."))
    if kind not in MEDIA:
        raise ValidationError({"kind": [_("Vignette (snapshot) ou extrait (clip).")]})
    source = alarm.device.source if alarm.device is not None else None
    if source is None or source.kind != SourceKind.FRIGATE or not source.frigate_base_url:
        raise ValidationError({"alarm": [_("Cette alarme ne vient pas d'un serveur Frigate dont l'API est connue.")]})
    known = alarm_frigate_event_ids(alarm)
    event_id = frigate_event_id or (known[0] if known else "")
    if event_id not in known:
        # Only this alarm's own detections: the operator's habilitation is for this site, not any of Frigate's.
        raise ValidationError({"frigate_event_id": [_("Cette détection n'appartient pas à l'alarme.")]})
    filename, content_type, label = MEDIA[kind]
    url = f"{source.frigate_base_url.rstrip('/')}/api/events/{urllib.parse.quote(event_id, safe='')}/{filename}"
    limit = settings.FRIGATE_MAX_MEDIA_BYTES
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as buffer:
        try:
            with urllib.request.urlopen(  # noqa: S310 - the source's http(s) API address, checked by its URLField
                url, timeout=timeout or settings.FRIGATE_HTTP_TIMEOUT
            ) as response:
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise ValidationError({"kind": [_("Fichier trop volumineux.")]})
                    digest.update(chunk)
                    buffer.write(chunk)
        except urllib.error.HTTPError as exc:
            raise ValidationError(
                {"kind": [_("Frigate a répondu %(status)s pour %(what)s.") % {"status": exc.code, "what": filename}]}
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise ValidationError({"kind": [_("Frigate injoignable : %(error)s.") % {"error": exc}]}) from None
        if size == 0:
            raise ValidationError({"kind": [_("Frigate a renvoyé un fichier vide.")]})
        buffer.seek(0)
        sha256 = digest.hexdigest()
        storage_name, reference = store_evidence_candidate(
            alarm=alarm,
            content=File(buffer, name=filename),
            name=f"{event_id}-{filename}",
            sha256=sha256,
            label=label,
            details={"kind": kind, "frigate_event_id": event_id, "source": source.name, "size": size, "url": url},
            acting_user=acting_user,
        )
    return FetchedMedia(storage_name, sha256, size, content_type, event_id, reference)

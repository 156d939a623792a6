"""Evidence demo: recorded segments of DEMO-CAM-0001 (a site the demo operator is habilitated for), a requisition
extracted and handed over with its signed export, an open right-of-access request. The segments are short clips of
ffmpeg's test pattern (`make run` installs it), so that « Relire » plays them; without ffmpeg, small files without
images. Stored and hashed like real ones. Idempotent."""

import datetime

from django.utils import timezone

from mutualis.accounts.models import User
from mutualis.supervision.demo import DEMO_OPERATOR
from mutualis.supervision.demo_masking import clip
from mutualis.supervision.models import Device
from mutualis.supervision.models.evidence import Requisition
from mutualis.supervision.services import access_requests, evidence, requisitions

DEMO_REQUISITION = "PV-DEMO-2026-0001"


def load() -> dict[str, int]:
    """Create the evidence demo; returns what was made (nothing when it exists or supervision's demo is absent)."""
    camera = Device.objects.filter(external_id="DEMO-CAM-0001", source__name="demo-webhook").first()
    operator = User.objects.filter(email=DEMO_OPERATOR).first()
    if camera is None or operator is None or Requisition.objects.filter(number=DEMO_REQUISITION).exists():
        return {}
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - datetime.timedelta(hours=6)
    segments = []
    for n in range(6):
        begin = start + datetime.timedelta(minutes=10 * n)
        name = f"{camera.external_id}-{begin:%Y%m%d-%H%M}"
        video = clip(seconds=3 + n)  # each its own length, so its own fingerprint
        if video is not None:
            content, filename, content_type = video, f"{name}.mp4", "video/mp4"
        else:
            placeholder = f"Segment de démonstration {camera.external_id} {begin.isoformat()} (aucune image)\n"
            content, filename, content_type = placeholder.encode() * 64, f"{name}.bin", "application/octet-stream"
        segments.append(
            evidence.recording_register(
                device=camera,
                starts_at=begin,
                ends_at=begin + datetime.timedelta(minutes=10),
                content=content,
                filename=filename,
                content_type=content_type,
            )
        )
    site = camera.protected_site
    requisition = requisitions.requisition_create(
        protected_site=site,
        acting_user=operator,
        number=DEMO_REQUISITION,
        legal_basis="cpp_77_1_1",
        officer_name="Lieutenant Claire Martin",
        officer_quality="OPJ",
        service="Commissariat de police de Versailles",
        service_email="commissariat-versailles@example.fr",
        received_on=timezone.localdate(),
    )
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=segments[1].starts_at,
        ends_at=segments[2].ends_at,
        acting_user=operator,
    )
    items = requisitions.requisition_extract(requisition=requisition, acting_user=operator)
    requisitions.requisition_handover(
        requisition=requisition,
        support="usb",
        recipient_name="Lieutenant Claire Martin",
        recipient_quality="OPJ",
        confirm=True,
        acting_user=operator,
    )
    access_requests.access_request_create(
        protected_site=site,
        acting_user=operator,
        device=camera,
        kind="access",
        requester_name="Mme Jeanne Durand (fictive)",
        requester_contact="jeanne.durand@example.fr",
        identity_checked=True,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        starts_at=segments[4].starts_at,
        ends_at=segments[4].ends_at,
        description="Passage devant l'entrée de la mairie, manteau rouge.",
    )
    return {"recordings": len(segments), "evidence": len(items)}

"""Builders for the evidence tests: storage and signing key under a temporary folder, an operator habilitated for
a site with a camera, and recordings stored through the service."""

import datetime
from typing import Any

from django.utils import timezone

from mutualis.supervision.services import evidence
from mutualis.supervision.tests.factories import (
    AuthorisationFactory,
    DeviceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
)


def isolate_files(settings: Any, tmp_path: Any) -> None:
    """Media files and the platform's key in the test's own folder (never var/)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SUPERVISION_EVIDENCE_KEY_FILE = str(tmp_path / "key" / "evidence_ed25519.pem")


def habilitated_site(*, site: Any, user: Any, retention_days: int = 30) -> tuple[Any, Any]:
    """A protected site with an authorisation in force, `user` habilitated with images, and one camera."""
    protected = ProtectedSiteFactory(site=site)
    AuthorisationFactory(protected_site=protected, retention_days=retention_days)
    HabilitationFactory(protected_site=protected, user=user)
    camera = DeviceFactory(protected_site=protected, name="Caméra parvis")
    return protected, camera


def recording(camera: Any, *, start: datetime.datetime, minutes: int = 10, content: bytes | None = None) -> Any:
    """A recorded segment of `camera` from `start`, stored through the service."""
    return evidence.recording_register(
        device=camera,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        content=content or f"segment {camera.pk} {start.isoformat()}".encode() * 50,
        filename=f"cam{camera.pk}-{start:%Y%m%d%H%M%S}.mp4",
    )


def ago(**kwargs: Any) -> datetime.datetime:
    """A moment in the past, to the minute."""
    return (timezone.now() - datetime.timedelta(**kwargs)).replace(second=0, microsecond=0)


def evidence_tenant_rows(site: Any, *, user: Any) -> None:
    """One row of every evidence tenant model for a member's site (the house scoping test); the file fields name
    files that are never written, so the test leaves nothing in storage."""
    from mutualis.purchasing.tests.factories import CatalogueItemFactory
    from mutualis.supervision.models.evidence import (
        AccessRequest,
        EvidenceItem,
        Handover,
        Recording,
        RegisterEntry,
        Requisition,
        RequisitionRange,
        RiskStudy,
        RiskStudyLine,
    )

    protected = ProtectedSiteFactory(site=site)
    camera = DeviceFactory(protected_site=protected)
    now = timezone.now()
    Recording.objects.create(device=camera, starts_at=now, ends_at=now, file="r.mp4", sha256="0" * 64, size=1)
    requisition = Requisition.objects.create(
        protected_site=protected,
        number=f"PV-{site.pk}",
        legal_basis="cpp_60_1",
        officer_name="Lt",
        officer_quality="OPJ",
        service="Commissariat",
        received_on=now.date(),
        created_by=user,
    )
    RequisitionRange.objects.create(requisition=requisition, device=camera, starts_at=now, ends_at=now)
    EvidenceItem.objects.create(
        protected_site=protected,
        kind="extract",
        label="e",
        file="e.mp4",
        filename="e.mp4",
        content_type="video/mp4",
        sha256="0" * 64,
        size=1,
    )
    Handover.objects.create(
        requisition=requisition,
        support="usb",
        recipient_name="Lt",
        recipient_quality="OPJ",
        handed_over_at=now,
        handed_over_by=user,
        export="x.zip",
        export_sha256="0" * 64,
    )
    AccessRequest.objects.create(
        protected_site=protected,
        kind="access",
        requester_name="P",
        requester_contact="p@example.fr",
        received_on=now.date(),
        deadline=now.date(),
        starts_at=now,
        ends_at=now,
        created_by=user,
    )
    RegisterEntry.objects.create(at=now, kind="recording", protected_site=protected)
    study = RiskStudy.objects.create(site=site, request_note="Besoin", requested_by=user)
    RiskStudyLine.objects.create(study=study, item=CatalogueItemFactory(), quantity=1)

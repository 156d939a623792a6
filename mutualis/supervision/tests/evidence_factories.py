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

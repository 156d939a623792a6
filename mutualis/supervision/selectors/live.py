"""Reads of the cameras a person may watch live and of a camera's stored recordings."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.choices import CAMERA_KINDS
from mutualis.supervision.models import Device
from mutualis.supervision.models.evidence import Recording
from mutualis.supervision.permissions import habilitated_site_ids, is_supervision_operator


def _cameras(user: Viewer) -> QuerySet[Device]:
    """Cameras of the sites the user may read (operator staff: only the supervision centre's)."""
    devices = Device.objects.visible_to(user).filter(kind__in=CAMERA_KINDS)
    if is_operator_staff(user) and not is_supervision_operator(user):
        return devices.none()
    return devices


def camera_list(*, user: Viewer, q: str = "", site: int | None = None) -> QuerySet[Device]:
    """The cameras whose images the user is habilitated to see (in force today), by site then name."""
    cameras = _cameras(user).filter(protected_site__in=habilitated_site_ids(user, images=True))
    if q:
        cameras = cameras.filter(
            Q(name__icontains=q) | Q(location__icontains=q) | Q(protected_site__site__name__icontains=q)
        )
    if site:
        cameras = cameras.filter(protected_site_id=site)
    return cameras.select_related("protected_site__site__commune", "source").order_by(
        french("protected_site__site__name"), french("name")
    )


def camera_get(*, user: Viewer, pk: int) -> Device:
    """One camera of a site the user may read, or 404 (whether they may see its images is the services' check)."""
    camera = _cameras(user).select_related("protected_site__site", "source").filter(pk=pk).first()
    if camera is None:
        raise Http404
    return camera


def camera_recordings(
    *,
    user: Viewer,
    device: Device,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Recording]:
    """A camera's recordings still kept, newest first, overlapping the days asked; none unless habilitated."""
    recordings = Recording.objects.visible_to(user).filter(
        device=device, device__protected_site__in=habilitated_site_ids(user, images=True)
    )
    if since:
        recordings = recordings.filter(ends_at__date__gte=since)
    if until:
        recordings = recordings.filter(starts_at__date__lte=until)
    return recordings.order_by("-starts_at", "-pk")


def recording_get(*, user: Viewer, pk: int) -> Recording:
    """One recording of a camera of a site the user may read, or 404."""
    recording = (
        Recording.objects.visible_to(user)
        .filter(pk=pk, device__in=_cameras(user))
        .select_related("device__protected_site__site", "device__source")
        .first()
    )
    if recording is None:
        raise Http404
    return recording

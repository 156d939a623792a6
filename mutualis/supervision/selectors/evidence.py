"""Reads of recordings, evidence, requisitions, access requests, the register, the access register and risk studies.
Images and what derives from them are for operators habilitated for the site's images; other users get nothing."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.models import AuditEntry
from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.models import ProtectedSite
from mutualis.supervision.models.evidence import (
    AccessRequest,
    Handover,
    Recording,
    RegisterEntry,
    Requisition,
    RiskStudy,
)
from mutualis.supervision.permissions import habilitated_site_ids, is_supervision_operator

# The audit actions the access register lists: every look at, export or deletion of images.
ACCESS_ACTIONS = (
    "supervision.live_view",
    "supervision.live_view_end",
    "supervision.snapshot_view",
    "supervision.recording_playback",
    "supervision.evidence_export",
    "supervision.export_download",
    "supervision.recording_destroy",
    "supervision.evidence_destroy",
)


def image_site_ids(user: Viewer) -> QuerySet:
    """The protected sites whose images the user may handle (supervision operators habilitated with images)."""
    if not is_supervision_operator(user):
        return ProtectedSite.objects.none().values("pk")
    return habilitated_site_ids(user, images=True)


def image_sites(*, user: Viewer) -> QuerySet[ProtectedSite]:
    """Those sites, by name."""
    return (
        ProtectedSite.objects.visible_to(user)
        .filter(pk__in=image_site_ids(user))
        .select_related("site")
        .order_by("site__name")
    )


def recording_list(
    *, user: Viewer, q: str = "", site: int | None = None, day: datetime.date | None = None
) -> QuerySet[Recording]:
    """Recordings of the sites the user may see images of, newest first."""
    recordings = Recording.objects.visible_to(user).filter(device__protected_site__in=image_site_ids(user))
    if q:
        recordings = recordings.filter(Q(device__name__icontains=q) | Q(device__external_id__icontains=q))
    if site:
        recordings = recordings.filter(device__protected_site_id=site)
    if day:
        recordings = recordings.filter(starts_at__date=day)
    return recordings.select_related("device__protected_site__site").order_by("-starts_at")


def recording_get(*, user: Viewer, pk: int) -> Recording:
    """One recording the user may play back, or 404."""
    recording = recording_list(user=user).filter(pk=pk).first()
    if recording is None:
        raise Http404
    return recording


def requisition_list(*, user: Viewer, q: str = "") -> QuerySet[Requisition]:
    """Requisitions of the user's image sites, newest first."""
    requisitions = Requisition.objects.visible_to(user).filter(protected_site__in=image_site_ids(user))
    if q:
        requisitions = requisitions.filter(
            Q(number__icontains=q) | Q(service__icontains=q) | Q(officer_name__icontains=q)
        )
    return requisitions.select_related("protected_site__site").order_by("-received_on", "-pk")


def requisition_get(*, user: Viewer, pk: int) -> Requisition:
    """One requisition, or 404."""
    requisition = requisition_list(user=user).filter(pk=pk).first()
    if requisition is None:
        raise Http404
    return requisition


def handover_get(*, user: Viewer, pk: int) -> Handover:
    """One handover (its export), or 404."""
    handover = (
        Handover.objects.visible_to(user)
        .filter(requisition__protected_site__in=image_site_ids(user), pk=pk)
        .select_related("requisition__protected_site__site")
        .first()
    )
    if handover is None:
        raise Http404
    return handover


def access_request_list(*, user: Viewer, open_only: bool = False) -> QuerySet[AccessRequest]:
    """Access requests of the user's image sites, the nearest deadline first."""
    requests = AccessRequest.objects.visible_to(user).filter(protected_site__in=image_site_ids(user))
    if open_only:
        requests = requests.filter(answered_at__isnull=True)
    return requests.select_related("protected_site__site", "device").order_by("answered_at", "deadline", "pk")


def access_request_get(*, user: Viewer, pk: int) -> AccessRequest:
    """One access request, or 404."""
    request = access_request_list(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def register_list(
    *,
    user: Viewer,
    q: str = "",
    kind: str = "",
    site: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[RegisterEntry]:
    """The legal register of the user's sites (operators of supervision: every site they may see), filtered."""
    if not is_supervision_operator(user):
        return RegisterEntry.objects.none()
    lines = RegisterEntry.objects.visible_to(user).filter(protected_site__in=habilitated_site_ids(user))
    if q:
        lines = lines.filter(
            Q(device_label__icontains=q)
            | Q(reference__icontains=q)
            | Q(recipient__icontains=q)
            | Q(detail__icontains=q)
        )
    if kind:
        lines = lines.filter(kind=kind)
    if site:
        lines = lines.filter(protected_site_id=site)
    if since:
        lines = lines.filter(at__date__gte=since)
    if until:
        lines = lines.filter(at__date__lte=until)
    return lines.select_related("protected_site__site", "user").order_by("-at", "-pk")


def access_register(
    *,
    user: Viewer,
    q: str = "",
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Every live view, playback, export and deletion of images, from the append-only audit log."""
    if not is_supervision_operator(user):
        return AuditEntry.objects.none()
    members = ProtectedSite.objects.filter(pk__in=habilitated_site_ids(user)).values("site__member_id")
    entries = AuditEntry.objects.filter(
        action__in=[action] if action in ACCESS_ACTIONS else ACCESS_ACTIONS, member_id__in=members
    )
    if q:
        entries = entries.filter(Q(actor_label__icontains=q) | Q(object_repr__icontains=q) | Q(reason__icontains=q))
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries.order_by("-seq")


def study_list(*, user: Viewer) -> QuerySet[RiskStudy]:
    """Risk studies: operators of supervision see all; members' users their own members'; other staff nothing."""
    studies = RiskStudy.objects.visible_to(user)
    if is_operator_staff(user) and not is_supervision_operator(user):
        return studies.none()
    return studies.select_related("site__member", "requested_by").order_by("-created_at")


def study_get(*, user: Viewer, pk: int) -> RiskStudy:
    """One study, or 404."""
    study = study_list(user=user).filter(pk=pk).first()
    if study is None:
        raise Http404
    return study

"""Legal retention: recordings and evidence older than their site's authorised retention are destroyed (files and
rows), unless on legal hold, and each destruction is written into the register (CSI L252-5, L252-3)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.services import audit_record
from mutualis.supervision import rules_evidence
from mutualis.supervision.choices_evidence import AccessRequestKind, RegisterKind
from mutualis.supervision.models import ProtectedSite
from mutualis.supervision.models.evidence import AccessRequest, EvidenceItem, Recording
from mutualis.supervision.services import evidence


def site_retention(protected_site: ProtectedSite, day: datetime.date | None = None) -> int:
    """Days a site's recordings are kept: what its authorisation in force sets (else its latest one), 30 at most."""
    current = protected_site.current_authorisation(day or timezone.localdate())
    if current is None:
        current = protected_site.authorisations.order_by("-valid_from").first()
    return rules_evidence.site_retention_days(authorised_days=[current.retention_days] if current else [])


def _destroy(
    obj: Recording | EvidenceItem, protected_site: ProtectedSite, retention: int, now: datetime.datetime
) -> None:
    device = obj.device
    evidence.delete_stored(obj.file)
    evidence.register_write(
        kind=RegisterKind.DESTRUCTION,
        protected_site=protected_site,
        at=now,
        device_label=device.name if device else "",
        starts_at=obj.starts_at,
        ends_at=obj.ends_at,
        reference=f"{obj._meta.model_name}:{obj.pk}",
        detail=_("Destruction à l'échéance de la durée de conservation autorisée (%(d)s jours).") % {"d": retention},
        sha256=obj.sha256,
    )
    audit_record(
        actor=None,
        action="supervision.recording_destroy" if isinstance(obj, Recording) else "supervision.evidence_destroy",
        obj=obj,
        member_id=protected_site.site.member_id,
        before={
            "device": device.pk if device else None,
            "device_name": device.name if device else "",
            "starts_at": obj.starts_at.isoformat() if obj.starts_at else "",
            "ends_at": obj.ends_at.isoformat() if obj.ends_at else "",
            "sha256": obj.sha256,
        },
        reason=_("Durée de conservation échue (CSI L252-5)"),
    )
    obj.delete()


def purge_site(*, protected_site: ProtectedSite, now: datetime.datetime | None = None) -> dict[str, int]:
    """Destroy one site's recordings and evidence whose retention has run out, held ones kept."""
    now = now or timezone.now()
    retention = site_retention(protected_site, now.date())
    cutoff = now - datetime.timedelta(days=retention)
    counts = {"recordings": 0, "evidence": 0}
    recordings = Recording.objects.filter(
        device__protected_site=protected_site, legal_hold=False, ends_at__lte=cutoff
    ).select_related("device")
    # Periods a person asked to see (and is still waiting for): their recordings wait for the answer.
    asked = list(
        AccessRequest.objects.filter(
            protected_site=protected_site, kind=AccessRequestKind.ACCESS, answered_at__isnull=True
        ).values_list("device_id", "starts_at", "ends_at")
    )
    for recording in recordings.iterator(chunk_size=200):
        overlaps = any(
            (device_id in (None, recording.device_id)) and start < recording.ends_at and recording.starts_at < end
            for device_id, start, end in asked
        )
        if rules_evidence.frozen_by_access_request(overlaps_open_access_request=overlaps):
            continue
        if rules_evidence.recording_destroy_due(
            ends_at=recording.ends_at, retention_days=retention, legal_hold=recording.legal_hold, now=now
        ):
            with transaction.atomic():
                _destroy(recording, protected_site, retention, now)
            counts["recordings"] += 1
    items = EvidenceItem.objects.filter(protected_site=protected_site, legal_hold=False).select_related("device")
    for item in items.iterator(chunk_size=200):
        # An evidence item's clock runs from the end of what it shows, else from when it was stored.
        ends_at = item.ends_at or item.created_at
        if rules_evidence.recording_destroy_due(
            ends_at=ends_at, retention_days=retention, legal_hold=item.legal_hold, now=now
        ):
            with transaction.atomic():
                _destroy(item, protected_site, retention, now)
            counts["evidence"] += 1
    return counts


def purge_expired(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Destroy, on every site, what its retention no longer allows to keep (the scheduled task)."""
    now = now or timezone.now()
    totals = {"recordings": 0, "evidence": 0}
    sites = ProtectedSite.objects.filter(
        pk__in=Recording.objects.values("device__protected_site")
    ) | ProtectedSite.objects.filter(pk__in=EvidenceItem.objects.values("protected_site"))
    for protected_site in sites.distinct().select_related("site"):
        for key, value in purge_site(protected_site=protected_site, now=now).items():
            totals[key] += value
    return totals

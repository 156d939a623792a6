"""Judicial requisitions (CPP 60-1, 77-1-1, 99-3): recorded by a habilitated operator, their cameras and ranges,
the extraction that copies the recordings into evidence on legal hold, and the handover of the signed export."""

import datetime
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.supervision import rules_evidence
from mutualis.supervision.choices import CAMERA_KINDS
from mutualis.supervision.choices_evidence import EvidenceKind, RegisterKind, RequisitionStatus
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.models.evidence import EvidenceItem, Handover, Requisition, RequisitionRange
from mutualis.supervision.services import evidence

REQUISITION_FIELDS = (
    "number",
    "legal_basis",
    "officer_name",
    "officer_quality",
    "service",
    "service_email",
    "received_on",
    "note",
)


def _member_id(requisition: Requisition) -> int:
    return requisition.protected_site.site.member_id


@transaction.atomic
def requisition_create(*, protected_site: ProtectedSite, acting_user: User, **fields: object) -> Requisition:
    """Record a requisition received for a site, by an operator habilitated for its images."""
    evidence.require_images(acting_user, protected_site)
    requisition = Requisition(
        protected_site=protected_site,
        created_by=acting_user,
        **{k: v for k, v in fields.items() if k in REQUISITION_FIELDS},
    )
    errors = Errors()
    if not rules_evidence.requisition_basis_allowed(requisition.legal_basis):
        errors.add("legal_basis", _("Une réquisition d'images se fonde sur l'article 60-1, 77-1-1 ou 99-3 du CPP."))
    if requisition.received_on and requisition.received_on > timezone.localdate():
        errors.add("received_on", _("La date de réception ne peut être dans le futur."))
    errors.full_clean(requisition)
    errors.raise_if_any()
    requisition.save()
    audit_record(
        actor=acting_user,
        action="supervision.requisition_create",
        obj=requisition,
        member_id=_member_id(requisition),
        after=snapshot(requisition, ["number", "legal_basis", "officer_name", "service", "received_on"]),
    )
    return requisition


def _require_open(requisition: Requisition) -> None:
    if requisition.status == RequisitionStatus.HANDED_OVER:
        raise ValidationError(_("Cette réquisition a déjà été remise : enregistrez-en une nouvelle."))


@transaction.atomic
def requisition_range_add(
    *,
    requisition: Requisition,
    device: Device,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    acting_user: User,
) -> RequisitionRange:
    """Add a camera and period the requisition asks for."""
    evidence.require_images(acting_user, requisition.protected_site)
    _require_open(requisition)
    errors = Errors()
    if device.protected_site_id != requisition.protected_site_id or device.kind not in CAMERA_KINDS:
        errors.add("device", _("Choisissez une caméra du site de la réquisition."))
    if not rules_evidence.range_allowed(starts_at=starts_at, ends_at=ends_at):
        errors.add("ends_at", _("La période doit aller de son début à sa fin, sur 24 heures au plus."))
    errors.raise_if_any()
    entry = RequisitionRange.objects.create(
        requisition=requisition, device=device, starts_at=starts_at, ends_at=ends_at
    )
    audit_record(
        actor=acting_user,
        action="supervision.requisition_range_add",
        obj=requisition,
        member_id=_member_id(requisition),
        after={"device": device.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return entry


@transaction.atomic
def requisition_extract(*, requisition: Requisition, acting_user: User) -> list[EvidenceItem]:
    """Copy the recordings that cover each requested range into evidence items on legal hold (each recording's
    digest checked first), and register the extraction. Recordings already extracted are not copied twice."""
    site = requisition.protected_site
    evidence.require_images(acting_user, site)
    _require_open(requisition)
    ranges = list(requisition.ranges.select_related("device"))
    errors = Errors()
    if not ranges:
        errors.add(None, _("Ajoutez au moins une caméra et une période à extraire."))
    done = set(requisition.evidence.values_list("source_sha256", "device_id"))
    created: list[EvidenceItem] = []
    for entry in ranges:
        recordings = list(
            evidence.recordings_overlapping(device=entry.device, starts_at=entry.starts_at, ends_at=entry.ends_at)
        )
        if not recordings:
            errors.add(
                None,
                _(
                    "Aucun enregistrement de « %(d)s » du %(s)s au %(e)s (détruit ou jamais enregistré : voir le registre)."
                )
                % {
                    "d": entry.device.name,
                    "s": f"{entry.starts_at:%d/%m/%Y %H:%M}",
                    "e": f"{entry.ends_at:%d/%m/%Y %H:%M}",
                },
            )
            continue
        for recording in recordings:
            if (recording.sha256, entry.device.pk) in done:
                continue
            content = evidence.read_stored(recording.file)
            if evidence.digest_bytes(content) != recording.sha256:
                errors.add(
                    None, _("L'enregistrement n° %(pk)s a été altéré : il n'est pas extrait.") % {"pk": recording.pk}
                )
                continue
            done.add((recording.sha256, entry.device.pk))
            item = evidence.evidence_store(
                protected_site=site,
                content=content,
                filename=os.path.basename(str(recording.file.name)),
                content_type=recording.content_type,
                kind=EvidenceKind.EXTRACT,
                label=_("%(d)s, %(s)s – %(e)s")
                % {
                    "d": entry.device.name,
                    "s": f"{recording.starts_at:%d/%m/%Y %H:%M:%S}",
                    "e": f"{recording.ends_at:%H:%M:%S}",
                },
                device=entry.device,
                starts_at=recording.starts_at,
                ends_at=recording.ends_at,
                requisition=requisition,
                source_sha256=recording.sha256,
                legal_hold=rules_evidence.evidence_on_hold(under_requisition=True, manual_hold=False),
                acting_user=acting_user,
            )
            created.append(item)
            evidence.register_write(
                kind=RegisterKind.EXTRACTION,
                protected_site=site,
                device_label=entry.device.name,
                starts_at=recording.starts_at,
                ends_at=recording.ends_at,
                reference=_("Réquisition %(n)s") % {"n": requisition.number},
                recipient=requisition.service,
                detail=_("Copie sous conservation judiciaire (élément n° %(pk)s).") % {"pk": item.pk},
                sha256=item.sha256,
                user=acting_user,
            )
    errors.raise_if_any()
    if created or requisition.evidence.exists():
        requisition.status = RequisitionStatus.EXTRACTED
        requisition.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action="supervision.evidence_extract",
        obj=requisition,
        member_id=_member_id(requisition),
        after={"evidence": [i.pk for i in created]},
    )
    return created


def requisition_custody(requisition: Requisition) -> list[dict[str, object]]:
    """The chain of custody so far: the requisition received and recorded, each extraction."""
    steps = [
        evidence.custody_entry(
            at=requisition.created_at,
            action=_("Réquisition enregistrée"),
            by=requisition.created_by,
            detail=_("%(n)s — %(b)s, %(o)s (%(q)s), %(s)s, reçue le %(r)s")
            % {
                "n": requisition.number,
                "b": requisition.get_legal_basis_display(),
                "o": requisition.officer_name,
                "q": requisition.officer_quality,
                "s": requisition.service,
                "r": f"{requisition.received_on:%d/%m/%Y}",
            },
        )
    ]
    for item in requisition.evidence.select_related("created_by").order_by("created_at", "pk"):
        steps.append(
            evidence.custody_entry(
                at=item.created_at,
                action=_("Extraction"),
                by=item.created_by,
                detail=_("%(l)s — SHA-256 de l'enregistrement source %(s)s")
                % {"l": item.label, "s": item.source_sha256},
            )
        )
    return steps


@transaction.atomic
def requisition_handover(
    *,
    requisition: Requisition,
    support: str,
    recipient_name: str,
    recipient_quality: str,
    confirm: bool,
    acting_user: User,
) -> Handover:
    """Hand over the signed export of a requisition's evidence (support, recipient, date), once confirmed; the
    transmission goes into the register and the export into the access register."""
    site = requisition.protected_site
    evidence.require_images(acting_user, site)
    _require_open(requisition)
    items = list(requisition.evidence.select_related("device").order_by("created_at", "pk"))
    errors = Errors()
    if not items:
        errors.add(None, _("Extrayez les images avant de les remettre."))
    if not confirm:
        errors.add("confirm", _("Confirmez la remise : elle est définitive et inscrite au registre."))
    if not recipient_name.strip():
        errors.add("recipient_name", _("Indiquez à qui les images sont remises."))
    if not recipient_quality.strip():
        errors.add("recipient_quality", _("Indiquez la qualité du destinataire."))
    errors.raise_if_any()
    now = timezone.now()
    files = []
    for item in items:
        content = evidence.read_stored(item.file)
        if evidence.digest_bytes(content) != item.sha256:
            errors.add(None, _("L'élément de preuve « %(l)s » a été altéré depuis son extraction.") % {"l": item.label})
        files.append(
            evidence.ExportFile(
                name=item.filename,
                content=content,
                meta={
                    "evidence_id": item.pk,
                    "label": item.label,
                    "device": item.device.name if item.device else "",
                    "device_external_id": item.device.external_id if item.device else "",
                    "starts_at": item.starts_at.isoformat() if item.starts_at else None,
                    "ends_at": item.ends_at.isoformat() if item.ends_at else None,
                    "source_sha256": item.source_sha256,
                    "content_type": item.content_type,
                },
            )
        )
    errors.raise_if_any()
    custody = requisition_custody(requisition)
    custody.append(
        evidence.custody_entry(
            at=now,
            action=_("Remise"),
            by=acting_user,
            detail=_("À %(n)s (%(q)s), support : %(s)s")
            % {"n": recipient_name.strip(), "q": recipient_quality.strip(), "s": support},
        )
    )
    header = {
        "site": str(site),
        "member": site.site.member.name,
        "requisition": {
            "number": requisition.number,
            "legal_basis": requisition.get_legal_basis_display(),
            "officer": requisition.officer_name,
            "officer_quality": requisition.officer_quality,
            "service": requisition.service,
            "received_on": requisition.received_on.isoformat(),
        },
        "handover": {
            "recipient": recipient_name.strip(),
            "recipient_quality": recipient_quality.strip(),
            "support": support,
            "at": now.isoformat(),
            "by": str(acting_user),
        },
    }
    data = evidence.build_export(files=files, header=header, custody=custody)
    handover = Handover(
        requisition=requisition,
        support=support,
        recipient_name=recipient_name.strip(),
        recipient_quality=recipient_quality.strip(),
        handed_over_at=now,
        handed_over_by=acting_user,
        export_sha256=evidence.digest_bytes(data),
        manifest={"files": [f.meta | {"name": f.name} for f in files], "custody": custody},
    )
    handover.full_clean(exclude=["export"])
    handover.export.save(f"preuves-{requisition.pk}-{now:%Y%m%d%H%M%S}.zip", evidence.ContentFile(data), save=False)
    handover.save()
    requisition.status = RequisitionStatus.HANDED_OVER
    requisition.save(update_fields=["status", "updated_at"])
    evidence.register_write(
        kind=RegisterKind.TRANSMISSION,
        protected_site=site,
        device_label=", ".join(sorted({i.device.name for i in items if i.device})),
        starts_at=min((i.starts_at for i in items if i.starts_at), default=None),
        ends_at=max((i.ends_at for i in items if i.ends_at), default=None),
        reference=_("Réquisition %(n)s (%(b)s)")
        % {"n": requisition.number, "b": requisition.get_legal_basis_display()},
        recipient=f"{recipient_name.strip()} ({recipient_quality.strip()}), {requisition.service}",
        detail=_("Export signé de %(c)s fichier(s), support : %(s)s.")
        % {"c": len(files), "s": handover.get_support_display()},
        sha256=handover.export_sha256,
        user=acting_user,
    )
    for item in items:
        evidence.access_log(
            action="supervision.evidence_export",
            acting_user=acting_user,
            device=item.device,
            protected_site=site,
            obj=item,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            reason=_("Réquisition %(n)s") % {"n": requisition.number},
            recipient=f"{recipient_name.strip()} ({recipient_quality.strip()})",
        )
    audit_record(
        actor=acting_user,
        action="supervision.requisition_handover",
        obj=requisition,
        member_id=_member_id(requisition),
        after={"handover": handover.pk, "export_sha256": handover.export_sha256, "recipient": handover.recipient_name},
    )
    return handover

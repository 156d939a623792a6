"""The right of access (CSI L253-5): a person asks to see the recordings concerning them or to check their
destruction; the request is tracked against its deadline and answered — access granted (a signed export that says
what was masked for third parties), refused on a ground the law allows, or destruction confirmed from the register —
and the answer itself goes into the register."""

import datetime
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.supervision import rules_evidence
from mutualis.supervision.choices_evidence import AccessDecision, AccessRequestKind, RefusalGround, RegisterKind
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.models.evidence import AccessRequest, RegisterEntry
from mutualis.supervision.models.masking import MaskedCopy, MaskStatus
from mutualis.supervision.services import evidence, masking

REQUEST_FIELDS = (
    "kind",
    "requester_name",
    "requester_contact",
    "identity_checked",
    "received_on",
    "starts_at",
    "ends_at",
    "description",
)


@transaction.atomic
def access_request_create(
    *, protected_site: ProtectedSite, acting_user: User, device: Device | None = None, **fields: object
) -> AccessRequest:
    """Record a person's request; its deadline follows from the day it was received."""
    evidence.require_images(acting_user, protected_site)
    request = AccessRequest(
        protected_site=protected_site,
        device=device,
        created_by=acting_user,
        **{k: v for k, v in fields.items() if k in REQUEST_FIELDS},
    )
    errors = Errors()
    if request.received_on:
        request.deadline = rules_evidence.access_answer_deadline(request.received_on)
        if request.received_on > timezone.localdate():
            errors.add("received_on", _("La date de réception ne peut être dans le futur."))
    if device is not None and device.protected_site_id != protected_site.pk:
        errors.add("device", _("Choisissez une caméra de ce site."))
    if request.starts_at and request.ends_at and request.starts_at >= request.ends_at:
        errors.add("ends_at", _("La fin de la période doit suivre son début."))
    errors.full_clean(request)
    errors.raise_if_any()
    request.save()
    audit_record(
        actor=acting_user,
        action="supervision.access_request_create",
        obj=request,
        member_id=protected_site.site.member_id,
        after=snapshot(request, ["kind", "received_on", "deadline", "device_id"]),
    )
    return request


def destructions_covering(request: AccessRequest) -> list[RegisterEntry]:
    """The register's destruction lines for the request's site (and camera) over its period."""
    lines = RegisterEntry.objects.filter(
        protected_site=request.protected_site,
        kind=RegisterKind.DESTRUCTION,
        starts_at__lt=request.ends_at,
        ends_at__gt=request.starts_at,
    )
    if request.device_id:
        lines = lines.filter(device_label=request.device.name if request.device else "")
    return list(lines.order_by("starts_at"))


def recordings_concerned(request: AccessRequest) -> list:
    """The recordings of the request's site (and camera) over its period: the files an access grant hands over."""
    from mutualis.supervision.models.evidence import Recording

    recordings = Recording.objects.filter(
        device__protected_site=request.protected_site, starts_at__lt=request.ends_at, ends_at__gt=request.starts_at
    ).select_related("device")
    if request.device_id:
        recordings = recordings.filter(device_id=request.device_id)
    return list(recordings.order_by("starts_at"))


def _export_file(recording: Any, copy: MaskedCopy | None) -> evidence.ExportFile:
    """A file of the access export: the masked copy when there is one (checked against its digest), else the
    recording itself; the manifest gives the original's SHA-256 and the regions masked either way."""
    meta: dict[str, Any] = {
        "recording_id": recording.pk,
        "device": recording.device.name,
        "starts_at": recording.starts_at.isoformat(),
        "ends_at": recording.ends_at.isoformat(),
        "source_sha256": recording.sha256,
    }
    if copy is None:
        return evidence.ExportFile(
            name=os.path.basename(recording.file.name),
            content=masking.original_bytes(recording),
            meta=meta | {"masking": {"masked": False, "regions": [], "original_sha256": recording.sha256}},
        )
    content = evidence.read_stored(copy.file)
    if evidence.digest_bytes(content) != copy.sha256:
        raise ValidationError(
            _("La copie occultée %(f)s ne correspond plus à son empreinte : occultez de nouveau.")
            % {"f": copy.filename}
        )
    return evidence.ExportFile(
        name=copy.filename, content=content, meta=meta | {"masking": masking.manifest_entry(copy)}
    )


@transaction.atomic
def access_request_answer(
    *,
    request: AccessRequest,
    decision: str,
    answer: str,
    acting_user: User,
    refusal_ground: str = "",
    masking_note: str = "",
    third_parties_visible: bool = False,
) -> AccessRequest:
    """Answer a request: grant (a signed export of the recordings concerned, with what was masked), refuse on a
    ground of CSI L253-5, or confirm the destruction from the register; the answer goes into the register."""
    site = request.protected_site
    evidence.require_images(acting_user, site)
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    errors = Errors()
    if request.answered_at is not None:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse."))
    if not request.identity_checked and decision != AccessDecision.REFUSED:
        errors.add("decision", _("Vérifiez l'identité du demandeur avant de lui répondre sur le fond."))
    if not (answer or "").strip():
        errors.add("answer", _("Rédigez la réponse adressée au demandeur."))
    now = timezone.now()
    export_data: bytes | None = None
    detail = ""
    if decision == AccessDecision.GRANTED:
        recordings = recordings_concerned(request)
        if request.kind != AccessRequestKind.ACCESS:
            errors.add("decision", _("La demande porte sur la destruction : confirmez-la ou refusez."))
        elif not recordings:
            errors.add(
                "decision", _("Aucun enregistrement de cette période n'existe encore : confirmez la destruction.")
            )
        copies = {c.recording_id: c for c in request.masked_copies.select_related("created_by")}
        copies = {r.pk: copies[r.pk] for r in recordings if r.pk in copies}
        if any(c.status != MaskStatus.READY for c in copies.values()):
            errors.add(
                "decision",
                _("Une occultation est en cours ou a échoué : attendez son aperçu, occultez de nouveau ou retirez-la."),
            )
        if rules_evidence.access_export_masking_missing(
            third_parties_visible=third_parties_visible,
            masked_regions=sum(len(c.regions) for c in copies.values()),
            note=masking_note,
        ):
            errors.add(
                "masking_note",
                _("Des tiers apparaissent : occultez-les sur les fichiers ou indiquez ce qui a été fait pour eux."),
            )
        errors.raise_if_any()
        files = [_export_file(r, copies.get(r.pk)) for r in recordings]
        note = masking_note.strip() or (
            masking.summary(copies.values()) if copies else _("Aucun tiers n'apparaît : rien n'a été occulté.")
        )
        header = {
            "site": str(site),
            "access_request": {
                "id": request.pk,
                "requester": request.requester_name,
                "received_on": request.received_on.isoformat(),
                "period": [request.starts_at.isoformat(), request.ends_at.isoformat()],
                "legal_basis": "CSI L253-5",
            },
            "masking": {
                "third_parties_visible": third_parties_visible,
                "note": note,
                "masked_files": len(copies),
                "regions": sum(len(c.regions) for c in copies.values()),
            },
        }
        custody = [
            evidence.custody_entry(at=request.created_at, action=_("Demande enregistrée"), by=request.created_by),
            *(masking.custody_of(c) for c in copies.values()),
            evidence.custody_entry(at=now, action=_("Accès accordé"), by=acting_user, detail=note),
        ]
        export_data = evidence.build_export(files=files, header=header, custody=custody)
        detail = _("Accès accordé : %(c)s enregistrement(s) ; occultations : %(m)s") % {
            "c": len(files),
            "m": note if (copies or masking_note.strip()) else _("aucune"),
        }
        masking_note = note if (copies or masking_note.strip()) else ""
        for r in recordings:
            evidence.access_log(
                action="supervision.evidence_export",
                acting_user=acting_user,
                device=r.device,
                protected_site=site,
                obj=r,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                reason=_("Droit d'accès (CSI L253-5), demande n° %(pk)s") % {"pk": request.pk},
                recipient=request.requester_name,
            )
    elif decision == AccessDecision.REFUSED:
        if not rules_evidence.refusal_ground_allowed(refusal_ground):
            errors.add("refusal_ground", _("Un refus se fonde sur l'un des motifs de l'article L253-5 du CSI."))
        errors.raise_if_any()
        detail = _("Accès refusé : %(g)s") % {"g": RefusalGround(refusal_ground).label}
    elif decision == AccessDecision.DESTRUCTION_CONFIRMED:
        if recordings_concerned(request):
            errors.add(
                "decision", _("Des enregistrements de cette période existent encore : ils ne sont pas détruits.")
            )
        errors.raise_if_any()
        lines = destructions_covering(request)
        if lines:
            dates = ", ".join(sorted({f"{line.at:%d/%m/%Y}" for line in lines}))
            detail = _("Destruction confirmée par le registre (%(c)s ligne(s), le %(d)s).") % {
                "c": len(lines),
                "d": dates,
            }
        else:
            detail = _("Aucun enregistrement de cette période au registre : aucune image n'est conservée.")
    else:
        errors.add("decision", _("Choisissez la réponse."))
        errors.raise_if_any()
    if decision != AccessDecision.GRANTED:
        masking.masked_copies_discard(access_request=request)
    request.decision = decision
    request.refusal_ground = refusal_ground if decision == AccessDecision.REFUSED else ""
    request.masking_note = masking_note.strip() if decision == AccessDecision.GRANTED else ""
    request.answer = answer.strip()
    request.answered_at = now
    request.answered_by = acting_user
    if export_data is not None:
        request.export.save(f"acces-{request.pk}-{now:%Y%m%d%H%M%S}.zip", evidence.ContentFile(export_data), save=False)
    request.save()
    evidence.register_write(
        kind=RegisterKind.ACCESS_ANSWER,
        protected_site=site,
        at=now,
        device_label=request.device.name if request.device else "",
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        reference=_("Demande d'accès n° %(pk)s") % {"pk": request.pk},
        recipient=request.requester_name,
        detail=detail,
        sha256=evidence.digest_bytes(export_data) if export_data is not None else "",
        user=acting_user,
    )
    audit_record(
        actor=acting_user,
        action="supervision.access_request_answer",
        obj=request,
        member_id=site.site.member_id,
        after={"decision": decision, "refusal_ground": request.refusal_ground},
    )
    return request


def access_request_overdue(request: AccessRequest, day: datetime.date | None = None) -> bool:
    """Whether the request is late (rules_evidence.access_request_overdue)."""
    return rules_evidence.access_request_overdue(
        deadline=request.deadline, answered=request.answered_at is not None, day=day or timezone.localdate()
    )

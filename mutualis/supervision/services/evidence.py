"""Recordings and evidence as files behind Django's storage API, the legal register, the platform's Ed25519 key,
and the signed ZIP export (files, manifest with each file's SHA-256 and the chain of custody, detached signature)
with its verification.

The private key lives in a file (SUPERVISION_EVIDENCE_KEY_FILE, under var/ by default), made on first use with
mode 0600 and never committed; its public half is published at /supervision/preuves/cle-publique/ so that a court
verifies an export without trusting the platform.
"""

import base64
import datetime
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.models import AuditEntry
from mutualis.core.services import audit_record
from mutualis.supervision.choices import CAMERA_KINDS
from mutualis.supervision.choices_evidence import EvidenceKind, RegisterKind
from mutualis.supervision.models import Alarm, Device, ProtectedSite
from mutualis.supervision.models.evidence import EvidenceItem, Recording, RegisterEntry
from mutualis.supervision.permissions import can_view_images
from mutualis.supervision.services.common import require_operator

EXPORT_FORMAT = "mutualis-preuves/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.sig"
PUBLIC_KEY_NAME = "cle-publique.pem"
README_NAME = "LISEZMOI.txt"
CHUNK = 1024 * 1024


# --- Files -----------------------------------------------------------------------------------------------------


def sha256_of(stream: IO[bytes] | File) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a file read from its start, in chunks."""
    digest, size = hashlib.sha256(), 0
    if hasattr(stream, "seek"):
        stream.seek(0)
    chunks: Iterable[bytes] = (
        stream.chunks(CHUNK) if isinstance(stream, File) else iter(lambda: stream.read(CHUNK), b"")
    )
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    if hasattr(stream, "seek"):
        stream.seek(0)
    return digest.hexdigest(), size


def digest_bytes(data: bytes) -> str:
    """The SHA-256 (hex) of bytes in memory."""
    return hashlib.sha256(data).hexdigest()


def _as_file(content: bytes | File, filename: str) -> File:
    return ContentFile(content, name=filename) if isinstance(content, bytes) else content


def stored_digest(field_file: Any) -> str:
    """The SHA-256 of a stored file as it is now (to check it against the digest recorded when it was stored)."""
    with field_file.open("rb") as handle:
        return sha256_of(handle)[0]


def read_stored(field_file: Any) -> bytes:
    """A stored file's bytes."""
    with field_file.open("rb") as handle:
        return handle.read()


def delete_stored(field_file: Any) -> None:
    """Remove a file from storage (the row is the caller's)."""
    if field_file and field_file.name:
        field_file.storage.delete(field_file.name)


# --- The register ----------------------------------------------------------------------------------------------


def register_write(
    *,
    kind: str,
    protected_site: ProtectedSite,
    at: datetime.datetime | None = None,
    device_label: str = "",
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    reference: str = "",
    recipient: str = "",
    detail: str = "",
    sha256: str = "",
    user: User | None = None,
) -> RegisterEntry:
    """Append one line to the legal register of a site's system (rules_evidence: CSI L252-3)."""
    return RegisterEntry.objects.create(
        at=at or timezone.now(),
        kind=kind,
        protected_site=protected_site,
        device_label=device_label[:150],
        starts_at=starts_at,
        ends_at=ends_at,
        reference=reference[:150],
        recipient=recipient[:255],
        detail=detail,
        sha256=sha256,
        user=user,
    )


# --- Recordings and evidence -------------------------------------------------------------------------------------


@transaction.atomic
def recording_register(
    *,
    device: Device,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    content: bytes | File,
    filename: str,
    content_type: str = "video/mp4",
) -> Recording:
    """Store a recorded segment of a camera (from its NVR or Frigate) with its digest, and register it."""
    if device.kind not in CAMERA_KINDS:
        raise ValidationError({"device": _("Seule une caméra produit des enregistrements.")})
    if not starts_at < ends_at:
        raise ValidationError({"ends_at": _("La fin de l'enregistrement doit suivre son début.")})
    upload = _as_file(content, filename)
    digest, size = sha256_of(upload)
    recording = Recording(
        device=device, starts_at=starts_at, ends_at=ends_at, content_type=content_type, sha256=digest, size=size
    )
    recording.file.save(os.path.basename(filename), upload, save=False)
    recording.full_clean()
    recording.save()
    register_write(
        kind=RegisterKind.RECORDING,
        protected_site=device.protected_site,
        device_label=device.name,
        starts_at=starts_at,
        ends_at=ends_at,
        reference=f"enregistrement:{recording.pk}",
        sha256=digest,
    )
    return recording


@transaction.atomic
def evidence_store(
    *,
    protected_site: ProtectedSite,
    content: bytes | File,
    filename: str,
    content_type: str,
    kind: str = EvidenceKind.CLIP,
    label: str = "",
    device: Device | None = None,
    alarm: Alarm | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    requisition: Any = None,
    source_sha256: str = "",
    legal_hold: bool = False,
    acting_user: User | None = None,
) -> EvidenceItem:
    """Keep a file as evidence (a snapshot or clip fetched for an alarm, an extract for a requisition): stored with
    its SHA-256, noted in the alarm's timeline when it belongs to one."""
    upload = _as_file(content, filename)
    digest, size = sha256_of(upload)
    item = EvidenceItem(
        protected_site=protected_site,
        device=device,
        alarm=alarm,
        requisition=requisition,
        kind=kind,
        label=label or os.path.basename(filename),
        filename=os.path.basename(filename)[:200],
        content_type=content_type,
        sha256=digest,
        size=size,
        starts_at=starts_at,
        ends_at=ends_at,
        source_sha256=source_sha256,
        legal_hold=legal_hold,
        created_by=acting_user,
    )
    item.file.save(item.filename, upload, save=False)
    item.full_clean()
    item.save()
    if alarm is not None:
        from mutualis.supervision.services.alarms import alarm_attach_evidence

        alarm_attach_evidence(alarm=alarm, reference=f"evidence:{item.pk}", label=item.label, acting_user=acting_user)
    return item


def require_images(user: User, protected_site: ProtectedSite) -> None:
    """Recordings and evidence are for the supervision operators habilitated for the site's images."""
    require_operator(user)
    if not can_view_images(user, protected_site):
        raise PermissionDenied(_("Vous n'êtes pas habilité à voir les images de ce site."))


def _device_site(obj: Recording | EvidenceItem) -> ProtectedSite:
    return obj.device.protected_site if isinstance(obj, Recording) else obj.protected_site


@transaction.atomic
def legal_hold_set(*, obj: Recording | EvidenceItem, hold: bool, reason: str, acting_user: User) -> Any:
    """Put a recording or evidence item on legal hold (kept past the retention for a proceeding), or release it
    once the proceeding no longer needs it; the register says so either way."""
    site = _device_site(obj)
    require_images(acting_user, site)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif (procédure, référence).")})
    obj.legal_hold = hold
    fields = ["legal_hold", "updated_at"]
    if isinstance(obj, Recording):
        obj.legal_hold_reason = reason.strip()[:255] if hold else ""
        fields.append("legal_hold_reason")
    obj.save(update_fields=fields)
    register_write(
        kind=RegisterKind.HOLD,
        protected_site=site,
        device_label=obj.device.name if obj.device else "",
        starts_at=obj.starts_at,
        ends_at=obj.ends_at,
        reference=f"{obj._meta.model_name}:{obj.pk}",
        detail=(_("Mise sous conservation judiciaire : %(r)s") if hold else _("Conservation levée : %(r)s"))
        % {"r": reason.strip()},
        sha256=obj.sha256,
        user=acting_user,
    )
    audit_record(
        actor=acting_user,
        action="supervision.legal_hold_set" if hold else "supervision.legal_hold_release",
        obj=obj,
        member_id=site.site.member_id,
        after={"legal_hold": hold},
        reason=reason.strip(),
    )
    return obj


def access_log(
    *,
    action: str,
    acting_user: User,
    device: Device | None,
    protected_site: ProtectedSite,
    obj: models.Model | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    reason: str = "",
    recipient: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Log one access to images (live view, playback, export, download, deletion) in the append-only audit log:
    who, when, which camera, which period, why, for whom — what the access register shows an inspector (`extra`:
    what an access adds, e.g. a live session's id)."""
    return audit_record(
        actor=acting_user,
        action=action,
        obj=obj or device,
        member_id=protected_site.site.member_id,
        after={
            "device": device.pk if device else None,
            "device_name": device.name if device else "",
            "site": str(protected_site),
            "starts_at": starts_at.isoformat() if starts_at else "",
            "ends_at": ends_at.isoformat() if ends_at else "",
            "recipient": recipient,
        }
        | (extra or {}),
        reason=reason,
    )


# --- The platform's key ------------------------------------------------------------------------------------------


def signing_key_path() -> Path:
    """Where the platform's private Ed25519 key is kept."""
    configured = getattr(settings, "SUPERVISION_EVIDENCE_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "evidence_ed25519.pem"


def signing_key() -> Ed25519PrivateKey:
    """The platform's private key, made on first use (exclusive create, mode 0600)."""
    path = signing_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return loaded


def public_key() -> Ed25519PublicKey:
    """The platform's public key."""
    return signing_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    """The public key in PEM (SubjectPublicKeyInfo), as published."""
    key = key or public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_key_fingerprint(key: Ed25519PublicKey | None = None) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits (read aloud, printed on the handover record)."""
    key = key or public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """A public key read from PEM (the one published, given to the verifier)."""
    loaded = serialization.load_pem_public_key(pem)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


# --- The signed export -------------------------------------------------------------------------------------------


@dataclass
class ExportFile:
    """One file of an export and what the manifest says of it."""

    name: str
    content: bytes
    meta: dict[str, Any] = field(default_factory=dict)


def _safe_name(index: int, name: str) -> str:
    base = os.path.basename(name).replace("\\", "_").replace("/", "_") or "fichier"
    return f"fichiers/{index:03d}-{base}"


README = """Export de preuves signé — Mutualis

Contenu :
- manifest.json : la liste des fichiers (empreinte SHA-256, taille, caméra, période), la chaîne de possession
  (réception de la réquisition, extractions, remise) et les mentions (occultations des tiers).
- manifest.json.sig : la signature Ed25519 détachée du fichier manifest.json (en base 64).
- fichiers/ : les fichiers remis.
- cle-publique.pem : une copie de la clé publique ; vérifiez-la contre celle publiée par l'opérateur (empreinte
  ci-dessous), une copie jointe ne prouve rien à elle seule.

Vérifier :
  manage.py evidence_verify export.zip [--public-key cle-publique.pem]
ou, sans la plateforme : vérifier la signature de manifest.json avec la clé publique (Ed25519), puis comparer
l'empreinte SHA-256 de chaque fichier (sha256sum) à celle du manifeste.

Empreinte de la clé publique : {fingerprint}
"""


def build_export(*, files: list[ExportFile], header: dict[str, Any], custody: list[dict[str, Any]]) -> bytes:
    """A ZIP with the files, a manifest (each file's SHA-256, the chain of custody) and the detached Ed25519
    signature of the manifest by the platform's key."""
    key = signing_key()
    entries = []
    for index, item in enumerate(files, start=1):
        path = _safe_name(index, item.name)
        entries.append(
            {"path": path, "sha256": hashlib.sha256(item.content).hexdigest(), "size": len(item.content)} | item.meta
        )
    manifest = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "platform": "Mutualis",
        "public_key_fingerprint": public_key_fingerprint(key.public_key()),
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE_NAME, "signed": MANIFEST_NAME},
        **header,
        "files": entries,
        "chain_of_custody": custody,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False, default=str).encode()
    signature = base64.b64encode(key.sign(manifest_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST_NAME, manifest_bytes)
        archive.writestr(SIGNATURE_NAME, signature + b"\n")
        archive.writestr(PUBLIC_KEY_NAME, public_key_pem(key.public_key()))
        archive.writestr(README_NAME, README.format(fingerprint=public_key_fingerprint(key.public_key())))
        for entry, item in zip(entries, files, strict=True):
            archive.writestr(str(entry["path"]), item.content)
    return buffer.getvalue()


@dataclass
class VerifyReport:
    """What `verify_export` found: the signature, and every file altered, missing or added."""

    signature_valid: bool = False
    manifest: dict[str, Any] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the export is intact: signed by the key, every file as listed, nothing added."""
        return self.signature_valid and not (self.altered or self.missing or self.unexpected or self.errors)


def _file_digest(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_export(*, archive_file: str | Path | IO[bytes], key: Ed25519PublicKey | None = None) -> VerifyReport:
    """Check an export: the manifest's signature by `key` (the platform's by default — never the copy inside the
    ZIP), then every listed file's SHA-256; name whatever was altered, removed or slipped in."""
    report = VerifyReport()
    key = key or public_key()
    try:
        archive = zipfile.ZipFile(archive_file)
    except (zipfile.BadZipFile, OSError) as exc:
        report.errors.append(_("Ce fichier n'est pas une archive ZIP lisible : %(e)s") % {"e": exc})
        return report
    with archive:
        names = set(archive.namelist())
        if MANIFEST_NAME not in names or SIGNATURE_NAME not in names:
            report.errors.append(_("Le manifeste ou sa signature manque dans l'archive."))
            return report
        manifest_bytes = archive.read(MANIFEST_NAME)
        try:
            key.verify(base64.b64decode(archive.read(SIGNATURE_NAME).strip(), validate=True), manifest_bytes)
            report.signature_valid = True
        except (InvalidSignature, ValueError):
            report.errors.append(_("La signature du manifeste n'est pas valide pour cette clé publique."))
        try:
            report.manifest = json.loads(manifest_bytes)
        except ValueError:
            report.errors.append(_("Le manifeste n'est pas un JSON lisible."))
            return report
        listed = set()
        for entry in report.manifest.get("files", []):
            path = str(entry.get("path", ""))
            listed.add(path)
            if path not in names:
                report.missing.append(path)
            elif _file_digest(archive, path) != entry.get("sha256"):
                report.altered.append(path)
            else:
                report.checked.append(path)
        own = {MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME, README_NAME}
        report.unexpected = sorted(n for n in names - listed - own if not n.endswith("/"))
    return report


def custody_entry(*, at: datetime.datetime, action: str, by: Any, detail: str = "") -> dict[str, Any]:
    """One step of the chain of custody: when, what, by whom."""
    return {"at": at.isoformat(), "action": action, "by": str(by) if by else "système", "detail": detail}


def recordings_overlapping(
    *, device: Device, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Iterator[Recording]:
    """The device's recordings that overlap a period, oldest first."""
    return iter(
        Recording.objects.filter(device=device, starts_at__lt=ends_at, ends_at__gt=starts_at).order_by("starts_at")
    )

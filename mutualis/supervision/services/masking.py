"""Masking third parties on the files handed over for the right of access (CSI L253-5 « droit des tiers »).

A region is a rectangle in percent of the picture's width and height (so that it holds for a preview of any size),
optionally limited to a time range on a video. Images (JPEG, PNG) are masked with Pillow, MP4 clips with ffmpeg on
every frame. The output is always a new file: the original is never altered — it may be on legal hold, and its
SHA-256 is in the chain of custody — and the copy has its own digest, linked to its original's (models/masking.py).

Why an opaque fill or a coarse pixelation, never a blur: a Gaussian or box blur is a known linear filter, which
deconvolution partly undoes, and a fine pixelation (small blocks) can be matched against candidate faces; a fill
leaves nothing, and a pixelation of at most PIXEL_CELLS cells across the region keeps only a few average colours —
far below what recognises a face.
"""

import io
import json
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from mutualis.accounts.types import User
from mutualis.core.services import audit_record
from mutualis.supervision.choices_evidence import AccessRequestKind
from mutualis.supervision.models.evidence import AccessRequest, Recording
from mutualis.supervision.models.masking import MaskedCopy, MaskStatus, MaskStyle
from mutualis.supervision.services import evidence

# The most cells a pixelated region keeps across its longer side (see the module's docstring).
PIXEL_CELLS = 8
FILL_RGB = (0, 0, 0)
MAX_REGIONS = 20
# Decompression bombs: an evidence still is at most a few tens of megapixels.
MAX_PIXELS = 80_000_000
PREVIEW_WIDTH = 1280
IMAGE, VIDEO = "image", "video"


# --- Regions -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A rectangle to hide, in percent of the width (x, w) and height (y, h); on a video, from `start` to `end`
    seconds when given (else the whole clip)."""

    x: float
    y: float
    w: float
    h: float
    start: float | None = None
    end: float | None = None

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The pixel box (left, top, right, bottom) it covers, rounded outwards so that a mask never falls short."""
        left = math.floor(width * self.x / 100)
        top = math.floor(height * self.y / 100)
        right = min(width, math.ceil(width * (self.x + self.w) / 100))
        bottom = min(height, math.ceil(height * (self.y + self.h) / 100))
        return left, top, max(right, left + 1), max(bottom, top + 1)

    def as_dict(self) -> dict[str, Any]:
        """What the manifest and the custody entry say of it."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def label(self) -> str:
        """« x 10 %, y 20 %, 30 × 40 % (de 1 s à 3 s) »."""
        text = _("x %(x)s %%, y %(y)s %%, %(w)s × %(h)s %%") % {
            "x": _num(self.x),
            "y": _num(self.y),
            "w": _num(self.w),
            "h": _num(self.h),
        }
        if self.start is not None or self.end is not None:
            text += " " + _("(de %(s)s s à %(e)s s)") % {
                "s": _num(self.start or 0),
                "e": _num(self.end) if self.end is not None else _("la fin"),
            }
        return text


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return math.nan
    return float(number) if number.is_finite() else math.nan


def parse_regions(raw: Iterable[Mapping[str, Any]], *, kind: str = IMAGE) -> list[Region]:
    """Regions from what the form (or the API) gives, checked: inside the picture, a positive area, a time range
    that runs forward (videos only); any error is a French message under `regions`, naming the zone."""
    errors: list[str] = []
    regions: list[Region] = []
    items = list(raw)
    if not items:
        raise ValidationError({"regions": _("Ajoutez au moins une zone à occulter.")})
    if len(items) > MAX_REGIONS:
        raise ValidationError({"regions": _("%(n)s zones au plus par fichier.") % {"n": MAX_REGIONS}})
    for index, item in enumerate(items, start=1):
        x, y, w, h = (_number(item.get(k)) for k in ("x", "y", "w", "h"))
        start, end = _number(item.get("start")), _number(item.get("end"))
        prefix = _("Zone %(n)s : ") % {"n": index}
        if any(v is None or math.isnan(v) for v in (x, y, w, h)):
            errors.append(prefix + _("indiquez x, y, largeur et hauteur en pourcentage."))
            continue
        assert x is not None and y is not None and w is not None and h is not None
        if x < 0 or y < 0 or x > 100 or y > 100:
            errors.append(prefix + _("x et y vont de 0 à 100 %."))
        elif w <= 0 or h <= 0:
            errors.append(prefix + _("la largeur et la hauteur doivent être positives (une zone vide ne masque rien)."))
        elif x + w > 100.0001 or y + h > 100.0001:
            errors.append(prefix + _("la zone dépasse de l'image (x + largeur et y + hauteur au plus 100 %)."))
        elif (start is not None or end is not None) and kind != VIDEO:
            errors.append(prefix + _("les bornes de temps ne valent que pour une vidéo."))
        elif (start is not None and (math.isnan(start) or start < 0)) or (end is not None and math.isnan(end)):
            errors.append(prefix + _("les bornes de temps sont des secondes positives."))
        elif start is not None and end is not None and end <= start:
            errors.append(prefix + _("la fin de l'occultation doit suivre son début."))
        else:
            regions.append(Region(x=x, y=y, w=min(w, 100 - x), h=min(h, 100 - y), start=start, end=end))
    if errors:
        raise ValidationError({"regions": errors})
    return regions


# --- Files -------------------------------------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """IMAGE for a JPEG or PNG, VIDEO for an MP4 (ISO base media), "" for anything else."""
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE
    if head[4:8] == b"ftyp":
        return VIDEO
    return ""


def kind_of(field_file: Any) -> str:
    """IMAGE, VIDEO or "" for a stored file, from its first bytes (its name or declared type may say otherwise)."""
    with field_file.open("rb") as handle:
        return sniff(handle.read(16))


def _not_maskable() -> ValidationError:
    return ValidationError(
        {"file": _("Ce fichier n'est ni une image (JPEG, PNG) ni une vidéo MP4 lisible : il ne peut être occulté.")}
    )


def _open_image(data: bytes) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        if picture.width * picture.height > MAX_PIXELS:
            raise _not_maskable()
        picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise _not_maskable() from exc
    return picture


def mask_image(data: bytes, regions: list[Region], *, style: str = MaskStyle.FILL) -> bytes:
    """The image with each region filled (or coarsely pixelated), as PNG: lossless, so every pixel outside the
    regions is the original's and a filled region stays one colour (JPEG would smear both); the metadata is left
    out, EXIF thumbnails included (they would show the unmasked picture)."""
    picture = _open_image(data)
    picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
    for region in regions:
        left, top, right, bottom = box = region.box(picture.width, picture.height)
        if style == MaskStyle.PIXELATE:
            cell = max(right - left, bottom - top) / PIXEL_CELLS
            cells = (max(1, round((right - left) / cell)), max(1, round((bottom - top) / cell)))
            # BOX averages each cell; NEAREST blows it back up without reintroducing any detail.
            small = picture.crop(box).resize(cells, Image.Resampling.BOX)
            picture.paste(small.resize((right - left, bottom - top), Image.Resampling.NEAREST), box)
        else:
            picture.paste(FILL_RGB + ((255,) if picture.mode == "RGBA" else ()), box)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _ffmpeg() -> str:
    binary = getattr(settings, "SUPERVISION_FFMPEG", "") or shutil.which("ffmpeg") or ""
    if not binary:
        raise ValidationError(
            {"file": _("ffmpeg n'est pas installé sur ce serveur : les vidéos ne peuvent être occultées.")}
        )
    return binary


def _timeout() -> int:
    return int(getattr(settings, "SUPERVISION_MASKING_TIMEOUT", 300))


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        # An argument list, no shell: ffmpeg or ffprobe on our own temporary files, with numbers we formatted.
        done = subprocess.run(  # noqa: S603 - fixed binary, our own files
            args, capture_output=True, timeout=_timeout(), check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise ValidationError(
            {
                "file": _("Le traitement de la vidéo a dépassé %(s)s secondes : rien n'a été produit.")
                % {"s": _timeout()}
            }
        ) from exc
    if done.returncode != 0:
        raise ValidationError(
            {"file": _("ffmpeg n'a pas pu traiter cette vidéo (fichier illisible ou codec inconnu).")}
        )
    return done


def video_size(path: Path) -> tuple[int, int]:
    """The width and height of a clip's first video stream (ffprobe)."""
    configured = getattr(settings, "SUPERVISION_FFMPEG", "")
    probe = str(Path(configured).with_name("ffprobe")) if configured else shutil.which("ffprobe") or "ffprobe"
    done = _run(
        [
            probe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height",
            "-of",
            "json",
            str(path),
        ]
    )
    try:
        stream = json.loads(done.stdout)["streams"][0]
        return int(stream["width"]), int(stream["height"])
    except (ValueError, KeyError, IndexError) as exc:
        raise _not_maskable() from exc


def mask_video(source: Path, target: Path, regions: list[Region]) -> None:
    """Write `target`: the clip with each region filled on every frame (or its time range), re-encoded in H.264;
    sound and metadata are left out (a third party's voice is not masked by a rectangle, and the CNIL rules out
    sound recording in video protection). Written to `target` only once ffmpeg succeeded."""
    width, height = video_size(source)
    boxes = []
    for region in regions:
        left, top, right, bottom = region.box(width, height)
        drawbox = f"drawbox=x={left}:y={top}:w={right - left}:h={bottom - top}:color=black:t=fill"
        if region.start is not None or region.end is not None:
            end = region.end if region.end is not None else 10**9
            drawbox += f":enable='between(t,{region.start or 0:g},{end:g})'"
        boxes.append(drawbox)
    partial = target.with_name(target.name + ".part.mp4")
    try:
        _run(
            [
                _ffmpeg(),
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(source),
                "-map",
                "0:v:0",
                "-vf",
                ",".join(boxes),
                "-an",
                "-map_metadata",
                "-1",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                str(partial),
            ]
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def video_frame(source: Path, *, at: float = 0.0) -> bytes:
    """One frame of a clip as JPEG, at `at` seconds (the first one when the clip is shorter)."""
    args = [_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error"]
    frame = _run(
        [*args, "-ss", f"{max(at, 0):g}", "-i", str(source), "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "-"]
    ).stdout
    if not frame and at > 0:
        frame = _run([*args, "-i", str(source), "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "-"]).stdout
    if not frame:
        raise _not_maskable()
    return frame


@contextmanager
def local_copy(field_file: Any, *, sha256: str = "") -> Iterator[Path]:
    """A stored file as a local path for ffmpeg: the file itself on the local disk, else a temporary copy made in
    chunks; checked against `sha256` when given (chain of custody), without loading it in memory."""
    try:
        path = Path(field_file.path)
    except (NotImplementedError, ValueError):
        path = None
    with tempfile.TemporaryDirectory(prefix="mutualis-masking-") as folder:
        if path is None or not path.is_file():
            path = Path(folder) / "source"
            with field_file.open("rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target, evidence.CHUNK)
        if sha256:
            with path.open("rb") as handle:
                if evidence.sha256_of(handle)[0] != sha256:
                    raise _altered()
        yield path


def _altered() -> ValidationError:
    return ValidationError(
        {"file": _("L'enregistrement ne correspond plus à son empreinte SHA-256 : il ne peut être remis.")}
    )


def _still_preview(data: bytes) -> bytes:
    picture = _open_image(data).convert("RGB")
    if picture.width > PREVIEW_WIDTH:
        picture = picture.resize((PREVIEW_WIDTH, round(picture.height * PREVIEW_WIDTH / picture.width)))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def preview(field_file: Any, *, at: float = 0.0) -> bytes:
    """A JPEG to show on the masking page: the stored image itself, or the clip's frame at `at` seconds."""
    kind = kind_of(field_file)
    if kind == VIDEO:
        with local_copy(field_file) as path:
            return video_frame(path, at=at)
    if kind != IMAGE:
        raise _not_maskable()
    return _still_preview(evidence.read_stored(field_file))


def preview_or_none(field_file: Any, *, at: float = 0.0) -> bytes | None:
    """`preview`, or None when the file cannot be shown (not a picture, or a clip ffmpeg cannot read): the page
    then says so instead of an image."""
    try:
        return preview(field_file, at=at)
    except ValidationError:
        return None


def _check_style(style: str, kind: str) -> None:
    if style not in MaskStyle.values:
        raise ValidationError({"style": _("Choisissez l'aplat ou la pixelisation.")})
    if kind == VIDEO and style != MaskStyle.FILL:
        raise ValidationError({"style": _("Une vidéo s'occulte par aplat : la pixelisation vaut pour les images.")})


# --- Masked copies -----------------------------------------------------------------------------------------------


def _require_open_access(access_request: AccessRequest, recording: Recording) -> None:
    from mutualis.supervision.services.access_requests import recordings_concerned

    if access_request.answered_at is not None:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse : ses fichiers ne changent plus."))
    if access_request.kind != AccessRequestKind.ACCESS:
        raise ValidationError(_("Seule une demande d'accès aux images donne lieu à des occultations."))
    if recording.pk not in {r.pk for r in recordings_concerned(access_request)}:
        raise ValidationError(_("Cet enregistrement n'entre pas dans la période de la demande."))


def original_bytes(recording: Recording) -> bytes:
    """The recording's bytes, checked against the digest recorded when it was stored (chain of custody)."""
    data = evidence.read_stored(recording.file)
    if evidence.digest_bytes(data) != recording.sha256:
        raise _altered()
    return data


def _store(copy: MaskedCopy, content: File, *, acting_user: User | None) -> None:
    """Write the copy's file, then its row and the audit entry; whatever fails after the file is written, the file
    goes too (nothing half-written is kept)."""
    copy.sha256, copy.size = evidence.sha256_of(content)
    copy.status, copy.error = MaskStatus.READY, ""
    copy.file.save(copy.filename, content, save=False)
    try:
        copy.save()
        audit_record(
            actor=acting_user,
            action="supervision.masking_apply",
            obj=copy,
            member_id=copy.access_request.protected_site.site.member_id,
            after={
                "recording": copy.recording_id,
                "regions": copy.regions,
                "style": copy.style,
                "sha256": copy.sha256,
                "source_sha256": copy.source_sha256,
            },
            reason=_("Droit d'accès, demande n° %(pk)s") % {"pk": copy.access_request_id},
        )
    except BaseException:
        evidence.delete_stored(copy.file)
        raise


@transaction.atomic
def masked_copy_make(
    *,
    access_request: AccessRequest,
    recording: Recording,
    regions: Iterable[Mapping[str, Any]],
    acting_user: User,
    style: str = MaskStyle.FILL,
) -> MaskedCopy:
    """Mask regions of a recording for an access request: a new file with its own SHA-256, linked to the original,
    replacing the request's earlier copy of that recording (a preview until the access is granted). A still is
    masked at once; a clip is handed to the worker (`tasks_masking`), the copy waiting meanwhile."""
    site = access_request.protected_site
    evidence.require_images(acting_user, site)
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    _require_open_access(access_request, recording)
    kind = kind_of(recording.file)
    if not kind:
        raise _not_maskable()
    checked = parse_regions(regions, kind=kind)
    _check_style(style, kind)
    previous = MaskedCopy.objects.filter(access_request=access_request, recording=recording).first()
    stem = os.path.splitext(os.path.basename(recording.file.name or ""))[0] or "enregistrement"
    extension = ".png" if kind == IMAGE else ".mp4"
    copy = MaskedCopy(
        access_request=access_request,
        recording=recording,
        filename=f"{stem}-occulte{extension}"[:200],
        content_type="image/png" if kind == IMAGE else "video/mp4",
        source_sha256=recording.sha256,
        regions=[r.as_dict() for r in checked],
        style=style,
        status=MaskStatus.PENDING,
        created_by=acting_user,
    )
    if kind == IMAGE:
        content = mask_image(original_bytes(recording), checked, style=style)
    if previous is not None:
        old_name, old_storage = previous.file.name or "", previous.file.storage
        previous.delete()
        if old_name:
            transaction.on_commit(lambda: old_storage.delete(old_name))
    copy.full_clean(exclude=["file", "sha256"])
    if kind == IMAGE:
        _store(copy, ContentFile(content), acting_user=acting_user)
        return copy
    copy.save()
    from mutualis.supervision.tasks_masking import mask_video_copy

    transaction.on_commit(lambda: mask_video_copy.enqueue(copy.pk))
    return copy


def masked_copy_process(*, copy_id: int) -> MaskedCopy | None:
    """The worker's part for a clip: mask it with ffmpeg and store the copy, or record why it failed (in French,
    shown on the page); nothing when the copy was withdrawn or replaced meanwhile."""
    pending = MaskedCopy.objects.select_related("recording", "access_request__protected_site__site").filter(pk=copy_id)
    found = pending.filter(status=MaskStatus.PENDING).first()
    if found is None:
        return None
    if found.recording is None:
        found.status, found.error = MaskStatus.FAILED, _("L'enregistrement d'origine n'existe plus.")
        found.save(update_fields=["status", "error", "updated_at"])
        return found
    recording = found.recording
    try:
        with tempfile.TemporaryDirectory(prefix="mutualis-masking-") as folder:
            target = Path(folder) / "masked.mp4"
            with local_copy(recording.file, sha256=recording.sha256) as source:
                mask_video(source, target, [Region(**r) for r in found.regions])
            with transaction.atomic():
                # By primary key alone: the default ordering joins the request and recording, which PostgreSQL
                # refuses to lock on the nullable side of an outer join.
                locked = (
                    MaskedCopy.objects.select_for_update(of=("self",))
                    .filter(pk=copy_id, status=MaskStatus.PENDING)
                    .order_by("pk")
                    .first()
                )
                if locked is None:
                    return None
                with target.open("rb") as handle:
                    _store(locked, File(handle), acting_user=locked.created_by)
                return locked
    except ValidationError as exc:
        return _failed(found, " ".join(exc.messages))
    except Exception:
        # Not the operator's doing (storage, disk): the page says so, the worker's log has the traceback.
        _failed(found, _("Erreur inattendue du serveur pendant l'occultation : réessayez ou prévenez l'exploitant."))
        raise


def _failed(copy: MaskedCopy, message: str) -> MaskedCopy:
    MaskedCopy.objects.filter(pk=copy.pk, status=MaskStatus.PENDING).update(status=MaskStatus.FAILED, error=message)
    copy.status, copy.error = MaskStatus.FAILED, message
    return copy


@transaction.atomic
def masked_copy_delete(*, copy: MaskedCopy, acting_user: User) -> None:
    """Withdraw a masked copy before the answer (the original would then be handed over as it is)."""
    access_request = copy.access_request
    evidence.require_images(acting_user, access_request.protected_site)
    if access_request.answered_at is not None:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse : ses fichiers ne changent plus."))
    name, storage = copy.file.name or "", copy.file.storage
    audit_record(
        actor=acting_user,
        action="supervision.masking_withdraw",
        obj=copy,
        member_id=access_request.protected_site.site.member_id,
        before={"regions": copy.regions, "sha256": copy.sha256},
    )
    copy.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def masked_copies_discard(*, access_request: AccessRequest) -> int:
    """Delete the masked copies of a request answered otherwise than by access (refused): images of people kept
    for nothing (RGPD art. 5-1-c, data minimisation). Returns how many went."""
    copies = list(MaskedCopy.objects.filter(access_request=access_request))
    names = [c.file.name for c in copies if c.file.name]
    MaskedCopy.objects.filter(pk__in=[c.pk for c in copies]).delete()
    if names:
        storage = copies[0].file.storage

        def delete_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return len(copies)


def masking_view_log(*, access_request: AccessRequest, recording: Recording, acting_user: User) -> None:
    """Showing a file's images to mask them is an access to images: it goes into the access register (who, which
    camera, which period, why, for whom)."""
    site = access_request.protected_site
    evidence.require_images(acting_user, site)
    evidence.access_log(
        action="supervision.recording_playback",
        acting_user=acting_user,
        device=recording.device,
        protected_site=site,
        obj=recording,
        starts_at=recording.starts_at,
        ends_at=recording.ends_at,
        reason=_("Occultation des tiers, demande d'accès n° %(pk)s") % {"pk": access_request.pk},
        recipient=access_request.requester_name,
    )


def custody_of(copy: MaskedCopy) -> dict[str, Any]:
    """The chain-of-custody step « Occultation des tiers »: who, when, which regions, from which original."""
    regions = [Region(**r) for r in copy.regions]
    return evidence.custody_entry(
        at=copy.created_at or timezone.now(),
        action=_("Occultation des tiers"),
        by=copy.created_by,
        detail=_("%(f)s : %(n)s zone(s) — %(z)s ; original SHA-256 %(o)s ; copie SHA-256 %(c)s")
        % {
            "f": copy.filename,
            "n": len(regions),
            "z": " ; ".join(r.label() for r in regions),
            "o": copy.source_sha256,
            "c": copy.sha256,
        },
    )


def manifest_entry(copy: MaskedCopy) -> dict[str, Any]:
    """What the export's manifest says of a masked file: the regions, how, by whom, and the original's digest."""
    return {
        "masked": True,
        "style": copy.style,
        "regions": copy.regions,
        "original_sha256": copy.source_sha256,
        "masked_at": (copy.created_at or timezone.now()).isoformat(),
        "masked_by": str(copy.created_by) if copy.created_by else "",
    }


def summary(copies: Iterable[MaskedCopy]) -> str:
    """« 2 fichier(s) occulté(s), 3 zone(s) » for the register and the manifest's note."""
    copies = list(copies)
    return _("%(f)s fichier(s) occulté(s), %(z)s zone(s)") % {
        "f": len(copies),
        "z": sum(len(c.regions) for c in copies),
    }


def parse_time(value: Any) -> float:
    """A preview's time in seconds from a query string (0 when absent or not a number)."""
    number = _number(value)
    return 0.0 if number is None or math.isnan(number) or number < 0 else min(number, 86400.0)

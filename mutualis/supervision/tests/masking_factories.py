"""Builders for the masking tests: real pictures and MP4 clips full of detail (so that a mask that leaks shows), and
an open access request over a recording of them."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mutualis.supervision.services import access_requests
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, recording

needs_ffmpeg = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg absent (scripts/apt-install.sh ffmpeg)")


def noisy_image(width: int = 200, height: int = 100, *, fmt: str = "PNG") -> bytes:
    """A picture whose every pixel differs from its neighbours (a gradient crossed by a checker)."""
    picture = Image.new("RGB", (width, height))
    picture.putdata(
        [
            ((x * 7 + y * 3) % 256, (x * 13 + 40 * ((x // 3 + y // 3) % 2)) % 256, (y * 11) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    out = io.BytesIO()
    picture.save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def sample_clip(folder: Path, *, seconds: int = 2, size: str = "160x120") -> bytes:
    """An MP4 of ffmpeg's colourful test pattern (H.264), for a clip that has detail everywhere."""
    target = folder / "clip.mp4"
    subprocess.run(  # noqa: S603 - our own binary and file
        [
            shutil.which("ffmpeg") or "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=10:duration={seconds}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(target),
        ],
        check=True,
        timeout=60,
    )
    return target.read_bytes()


def decode_frame(data: bytes, folder: Path, *, at: float = 0.5) -> Image.Image:
    """The frame of an MP4 at `at` seconds, decoded by ffmpeg as a lossless PNG."""
    source, frame = folder / "decode.mp4", folder / "frame.png"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603 - our own binary and files
        [shutil.which("ffmpeg") or "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", str(at), "-i", str(source)]
        + ["-frames:v", "1", str(frame)],
        check=True,
        timeout=60,
    )
    return Image.open(frame).convert("RGB")


def open_request(world: Any, *, content: bytes, content_type: str = "image/png", user: Any = None) -> Any:
    """An access request whose period holds one recording of `content`, `user` (the world's staff by default)
    habilitated for its site; returns (request, recording)."""
    user = user or world.staff
    protected, camera = habilitated_site(site=world.site_a, user=user)
    start = ago(hours=3)
    rec = recording(camera, start=start, content=content)
    rec.content_type = content_type
    rec.save(update_fields=["content_type"])
    request = access_requests.access_request_create(
        protected_site=protected,
        acting_user=user,
        device=camera,
        kind="access",
        requester_name="Mme Durand",
        requester_contact="durand@example.fr",
        identity_checked=True,
        received_on=datetime.date.today(),
        starts_at=start - datetime.timedelta(minutes=5),
        ends_at=start + datetime.timedelta(hours=1),
    )
    return request, rec


def masking_tenant_rows(site: Any, *, user: Any) -> None:
    """A masked copy for a member's site (the house scoping test); its file is named, never written."""
    from django.utils import timezone

    from mutualis.supervision.models.evidence import AccessRequest
    from mutualis.supervision.models.masking import MaskedCopy
    from mutualis.supervision.tests.factories import ProtectedSiteFactory

    now = timezone.now()
    request = AccessRequest.objects.create(
        protected_site=ProtectedSiteFactory(site=site),
        kind="access",
        requester_name="P",
        requester_contact="p@example.fr",
        received_on=now.date(),
        deadline=now.date(),
        starts_at=now,
        ends_at=now,
        created_by=user,
    )
    MaskedCopy.objects.create(
        access_request=request,
        file="m.png",
        filename="m.png",
        content_type="image/png",
        sha256="0" * 64,
        size=1,
        source_sha256="1" * 64,
    )

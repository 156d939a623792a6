"""Masking demo: a still and (when ffmpeg is installed) a short clip of DEMO-CAM-0001 inside the period of the
demo's open right-of-access request, so that the operator can draw the regions hiding the two passers-by, preview
and grant. The pictures are drawn here (no real person). Idempotent."""

import datetime
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from mutualis.supervision.models import Device
from mutualis.supervision.models.evidence import AccessRequest, Recording
from mutualis.supervision.services import evidence

REQUESTER = "Mme Jeanne Durand (fictive)"
STILL_NAME = "DEMO-CAM-0001-vignette-occultation"
CLIP_NAME = "DEMO-CAM-0001-extrait-occultation"


def scene() -> bytes:
    """A town-hall forecourt, the requester in a red coat and two passers-by (the third parties to hide), PNG."""
    picture = Image.new("RGB", (960, 540), (160, 196, 230))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 330, 960, 540), fill=(150, 150, 140))
    draw.rectangle((80, 90, 620, 330), fill=(226, 214, 190))
    for left in range(110, 600, 90):
        draw.rectangle((left, 130, left + 50, 200), fill=(90, 110, 140))
    draw.rectangle((300, 230, 380, 330), fill=(110, 70, 40))
    for x, coat in ((420, (200, 30, 40)), (640, (40, 80, 60)), (780, (60, 60, 120))):
        draw.ellipse((x, 250, x + 40, 295), fill=(235, 195, 160))
        draw.ellipse((x + 10, 265, x + 16, 271), fill=(30, 30, 30))
        draw.ellipse((x + 24, 265, x + 30, 271), fill=(30, 30, 30))
        draw.rectangle((x - 5, 295, x + 45, 400), fill=coat)
        draw.rectangle((x + 2, 400, x + 16, 460), fill=(40, 40, 50))
        draw.rectangle((x + 24, 400, x + 38, 460), fill=(40, 40, 50))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def clip(seconds: int = 4) -> bytes | None:
    """`seconds` of ffmpeg's test pattern (H.264, which browsers play), or None without ffmpeg."""
    binary = shutil.which("ffmpeg")
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="mutualis-demo-") as folder:
        target = Path(folder) / "clip.mp4"
        source = f"testsrc2=size=640x360:rate=10:duration={int(seconds)}"
        subprocess.run(  # noqa: S603 - our own binary, fixed arguments
            [binary, "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source]
            + ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(target)],
            check=True,
            timeout=120,
        )
        return target.read_bytes()


def load() -> dict[str, int]:
    """Add the still and the clip to the demo access request's period; returns what was made (nothing when they
    exist, or the evidence demo is absent)."""
    camera = Device.objects.filter(external_id="DEMO-CAM-0001", source__name="demo-webhook").first()
    request = AccessRequest.objects.filter(requester_name=REQUESTER, answered_at__isnull=True).first()
    if camera is None or request is None or Recording.objects.filter(file__contains=STILL_NAME).exists():
        return {}
    begin = request.starts_at + datetime.timedelta(minutes=2)
    made = 0
    for name, content, content_type in (
        (STILL_NAME + ".png", scene(), "image/png"),
        (CLIP_NAME + ".mp4", clip(), "video/mp4"),
    ):
        if content is None:
            continue
        evidence.recording_register(
            device=camera,
            starts_at=begin,
            ends_at=begin + datetime.timedelta(seconds=4),
            content=content,
            filename=name,
            content_type=content_type,
        )
        made += 1
    return {"recordings": made}

"""ONVIF demo: the source `demo-onvif` pointing at the simulated camera `make run` starts (`simulate_onvif_device`
on ONVIF_DEMO_PORT), with its camera on the site of DEMO-CAM-0001 (where the demo operator is habilitated). The
credentials are PUBLISHED demo ones, like the demo password: never in production. Idempotent."""

from django.conf import settings

from mutualis.accounts.models import User
from mutualis.supervision.choices import DeviceKind, SourceKind
from mutualis.supervision.demo import DEMO_OPERATOR
from mutualis.supervision.models import Device, EventSource
from mutualis.supervision.services import devices, sources

DEMO_ONVIF_SOURCE = "demo-onvif"
DEMO_ONVIF_CAMERA = "DEMO-ONVIF-01"
DEMO_ONVIF_USERNAME = "mutualis-demo"
DEMO_ONVIF_PASSWORD = "demo-onvif-mutualis-2026"


def demo_url(port: int | None = None) -> str:
    """The simulated camera's device service."""
    return f"http://127.0.0.1:{port or settings.ONVIF_DEMO_PORT}/onvif/device_service"


def load() -> dict[str, str]:
    """Create the ONVIF demo source and camera; returns what was made (nothing when they exist or supervision's
    demo is absent)."""
    anchor = Device.objects.filter(external_id="DEMO-CAM-0001", source__name="demo-webhook").first()
    operator = User.objects.filter(email=DEMO_OPERATOR).first()
    if anchor is None or operator is None or EventSource.objects.filter(name=DEMO_ONVIF_SOURCE).exists():
        return {}
    source, _token = sources.source_create(
        name=DEMO_ONVIF_SOURCE,
        kind=SourceKind.ONVIF,
        acting_user=operator,
        description="Caméra ONVIF simulée (PullPoint, make run)",
        onvif_url=demo_url(),
        onvif_username=DEMO_ONVIF_USERNAME,
        onvif_password=DEMO_ONVIF_PASSWORD,
    )
    camera = devices.device_create(
        protected_site=anchor.protected_site,
        acting_user=operator,
        kind=DeviceKind.FIXED_CAMERA,
        name=f"Caméra ONVIF — {anchor.protected_site}",
        source=source,
        external_id=DEMO_ONVIF_CAMERA,
        location="Extérieur, parvis (caméra ONVIF simulée)",
    )
    devices.device_activate(device=camera, acting_user=operator)
    return {"source": source.name, "camera": camera.external_id, "url": source.onvif_url}

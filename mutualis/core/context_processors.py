from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every template may use: the platform's name and the realtime websocket origin."""
    return {"PLATFORM_NAME": "Mutualis", "REALTIME_URL": settings.REALTIME_URL, "WS_PORT": settings.WS_PORT}

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every template may use: platform name, realtime websocket origin, map tiles."""
    return {
        "PLATFORM_NAME": "Mutualis",
        "REALTIME_URL": settings.REALTIME_URL,
        "WS_PORT": settings.WS_PORT,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }

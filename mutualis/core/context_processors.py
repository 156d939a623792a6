from typing import Any

from django.conf import settings
from django.http import HttpRequest

from mutualis.core.navigation import navigation
from mutualis.core.selectors import unread_notification_count


def realtime_ws_url(request: HttpRequest) -> str:
    """Websocket URL of the realtime process: REALTIME_URL if set ("off" disables it), else this host on WS_PORT."""
    if settings.REALTIME_URL == "off":
        return ""
    base = (
        settings.REALTIME_URL
        or f"{'wss' if request.is_secure() else 'ws'}://{request.get_host().rsplit(':', 1)[0]}:{settings.WS_PORT}"
    )
    return base.rstrip("/") + "/ws/notifications/"


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every template may use: platform name, realtime websocket origin, map tiles."""
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "PLATFORM_NAME": "Mutualis",
        "NAVIGATION": navigation(request),
        "REALTIME_WS_URL": realtime_ws_url(request) if authenticated else "",
        "UNREAD_NOTIFICATIONS": unread_notification_count(user=user) if authenticated else 0,
        "REALTIME_URL": settings.REALTIME_URL,
        "WS_PORT": settings.WS_PORT,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }

"""Login and logout keep « Mes sessions » in step: a login records its session, a logout forgets it."""

import time
from typing import Any

from django.http import HttpRequest

from mutualis.accounts.services import sessions
from mutualis.core.context import client_ip

# The session remembers when its activity was last written, so the middleware writes at most once a minute.
ACTIVITY_KEY = "accounts_activity_at"
ACTIVITY_EVERY_SECONDS = 60


def _describe(request: HttpRequest) -> dict[str, Any]:
    return {
        "user_agent": request.headers.get("User-Agent", ""),
        "ip_address": client_ip(request),
        "expires_at": request.session.get_expiry_date(),
    }


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None or not session.session_key:
        return
    sessions.session_opened(user=user, session_key=session.session_key, **_describe(request))
    session[ACTIVITY_KEY] = time.time()


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        sessions.session_closed(session_key=session.session_key)


def session_activity(request: HttpRequest) -> None:
    """Write the session's last activity when a minute has passed since the last write (else nothing at all)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated or not session.session_key:
        return
    now = time.time()
    if now - session.get(ACTIVITY_KEY, 0) < ACTIVITY_EVERY_SECONDS:
        return
    sessions.session_seen(user=user, session_key=session.session_key, **_describe(request))
    session[ACTIVITY_KEY] = now

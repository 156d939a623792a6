"""Live view and playback of a camera's images by the people habilitated for its site.

A live view is a *viewing session*: the viewer states a reason, which is logged (`supervision.live_view`), and
gets a signed token bound to them, the camera and the session, valid for SUPERVISION_LIVE_SECONDS. Every frame is
fetched from the camera's Frigate server (`/api/<camera>/latest.jpg`) only while that token is valid and the
habilitation still holds (checked on every frame: a revoked habilitation stops the next one). The session's end —
the viewer stops or leaves, the token runs out, the habilitation is withdrawn — is logged once
(`supervision.live_view_end`) with the time of the last frame served, so the access register says from when to when.

A playback is one reasoned, logged access (`supervision.recording_playback`) to a stored recording, streamed with a
signed token bound to the viewer and the recording.
"""

import datetime
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.supervision.choices import CAMERA_KINDS, SourceKind
from mutualis.supervision.models import Device
from mutualis.supervision.models.evidence import Recording
from mutualis.supervision.permissions import can_view_images
from mutualis.supervision.services.evidence import access_log

LIVE_SALT = "supervision.live.session"
PLAYBACK_SALT = "supervision.live.playback"
# An ended or expired session's token still names it (to log its end) for this long, never longer.
END_GRACE_SECONDS = 24 * 3600
FRAME_MAX_BYTES = 5 * 1024 * 1024


class LiveUnavailable(Exception):
    """The camera's server did not give a picture (unreachable, timeout, not an image)."""


@dataclass(frozen=True)
class LiveSession:
    """An open viewing session: its id, token, camera and validity."""

    sid: str
    token: str
    device_id: int
    started_at: datetime.datetime
    expires_at: datetime.datetime


def live_seconds() -> int:
    """How long a viewing session lasts before the reason is asked again."""
    return int(settings.SUPERVISION_LIVE_SECONDS)


def live_source_url(device: Device) -> str:
    """The address of the camera's current picture on its Frigate server (`/api/<camera>/latest.jpg`, the camera
    being the device's external id), or "" when its source has no such HTTP API (webhook, ONVIF)."""
    source = device.source
    if device.kind not in CAMERA_KINDS or source is None or not device.external_id:
        return ""
    if source.kind != SourceKind.FRIGATE or not source.frigate_base_url:
        return ""
    camera = urllib.parse.quote(device.external_id, safe="")
    return f"{source.frigate_base_url.rstrip('/')}/api/{camera}/latest.jpg"


def require_camera_images(user: User, device: Device) -> None:
    """Only people habilitated for the site's images, in force today, see a camera's pictures."""
    if device.kind not in CAMERA_KINDS or not can_view_images(user, device.protected_site):
        raise PermissionDenied(_("Vous n'êtes pas habilité à voir les images de cette caméra."))


def _clean_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason[:500]


# --- Live view -------------------------------------------------------------------------------------------------


def live_view_start(*, device: Device, reason: str, acting_user: User) -> LiveSession:
    """Open a viewing session of a camera for a habilitated person, with the reason, logged in the audit log."""
    require_camera_images(acting_user, device)
    reason = _clean_reason(reason, _("Indiquez le motif du visionnage en direct."))
    if not live_source_url(device):
        raise ValidationError({"reason": [_("Le direct n'est pas disponible pour cette caméra.")]})
    sid = secrets.token_urlsafe(12)
    started = timezone.now()
    expires = started + datetime.timedelta(seconds=live_seconds())
    access_log(
        action="supervision.live_view",
        acting_user=acting_user,
        device=device,
        protected_site=device.protected_site,
        starts_at=started,
        reason=reason,
        extra={"session": sid, "expires_at": expires.isoformat()},
    )
    token = signing.dumps(
        {"s": sid, "d": device.pk, "u": acting_user.pk, "t": started.timestamp(), "r": reason[:100]}, salt=LIVE_SALT
    )
    return LiveSession(sid=sid, token=token, device_id=device.pk, started_at=started, expires_at=expires)


def _session_data(token: str, *, device: Device, user: User, max_age: int, ended: bool = False) -> dict[str, Any]:
    """The session a token names, if genuine, younger than `max_age`, the user's, for this camera, and (unless
    `ended` is allowed) not ended; PermissionDenied otherwise."""
    try:
        data = signing.loads(token or "", salt=LIVE_SALT, max_age=max_age)
    except signing.BadSignature:
        raise PermissionDenied(_("Session de visionnage expirée ou invalide.")) from None
    if not isinstance(data, dict) or data.get("d") != device.pk or data.get("u") != user.pk:
        raise PermissionDenied(_("Cette session de visionnage n'est pas la vôtre ou pas pour cette caméra."))
    if not ended and cache.get(_ended_key(str(data.get("s")))):
        raise PermissionDenied(_("Cette session de visionnage est terminée."))
    return data


def live_session_open(*, token: str, device: Device, user: User) -> LiveSession | None:
    """The user's session for this camera if the token is valid, not expired and not ended; otherwise None."""
    try:
        data = _session_data(token, device=device, user=user, max_age=live_seconds())
    except PermissionDenied:
        return None
    started = datetime.datetime.fromtimestamp(data["t"], tz=datetime.UTC)
    expires = started + datetime.timedelta(seconds=live_seconds())
    return LiveSession(sid=data["s"], token=token, device_id=device.pk, started_at=started, expires_at=expires)


def _last_key(sid: str) -> str:
    return f"supervision:live:last:{sid}"


def _ended_key(sid: str) -> str:
    return f"supervision:live:ended:{sid}"


def live_frame(*, device: Device, token: str, acting_user: User) -> tuple[bytes, str]:
    """The camera's current picture for a valid session, the habilitation checked again (a withdrawn one ends the
    session, logged); raises PermissionDenied when refused, LiveUnavailable when the camera gives nothing."""
    data = _session_data(token, device=device, user=acting_user, max_age=live_seconds())
    try:
        require_camera_images(acting_user, device)
    except PermissionDenied:
        live_view_end(device=device, token=token, acting_user=acting_user, why="habilitation")
        raise
    url = live_source_url(device)
    if not url:
        raise LiveUnavailable(_("Le direct n'est pas disponible pour cette caméra."))
    try:
        with urllib.request.urlopen(  # noqa: S310 - the source's http(s) API address, checked by its URLField
            url, timeout=settings.SUPERVISION_LIVE_FRAME_TIMEOUT
        ) as upstream:
            content_type = upstream.headers.get_content_type()
            body = upstream.read(FRAME_MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise LiveUnavailable(str(exc)) from None
    if not content_type.startswith("image/") or not body or len(body) > FRAME_MAX_BYTES:
        raise LiveUnavailable(_("La caméra n'a pas renvoyé d'image."))
    sid = str(data["s"])
    seen = cache.get(_last_key(sid)) or {}
    cache.set(
        _last_key(sid),
        {"last": timezone.now().isoformat(), "frames": int(seen.get("frames", 0)) + 1},
        timeout=live_seconds() + END_GRACE_SECONDS,
    )
    return body, content_type


LIVE_END_REASONS = {
    "stop": "arrêt par la personne",
    "leave": "page quittée",
    "expired": "session échue",
    "habilitation": "habilitation retirée ou échue",
}


def live_view_end(*, device: Device, token: str, acting_user: User, why: str = "stop") -> bool:
    """Log the end of a viewing session once (from its start to the last frame served), whether it is stopped,
    left, run out or cut by a withdrawn habilitation; True when this call logged it."""
    max_age = live_seconds() + END_GRACE_SECONDS  # an expired session's end is still logged
    data = _session_data(token, device=device, user=acting_user, max_age=max_age, ended=True)
    sid = str(data["s"])
    if not cache.add(_ended_key(sid), True, timeout=live_seconds() + END_GRACE_SECONDS):
        return False
    started = datetime.datetime.fromtimestamp(data["t"], tz=datetime.UTC)
    seen = cache.get(_last_key(sid)) or {}
    last = datetime.datetime.fromisoformat(seen["last"]) if seen.get("last") else None
    access_log(
        action="supervision.live_view_end",
        acting_user=acting_user,
        device=device,
        protected_site=device.protected_site,
        starts_at=started,
        ends_at=last or started,
        reason=str(data.get("r", "")),
        extra={"session": sid, "frames": int(seen.get("frames", 0)), "end": LIVE_END_REASONS.get(why, why)},
    )
    return True


# --- Playback --------------------------------------------------------------------------------------------------


def recording_play(*, recording: Recording, reason: str, acting_user: User) -> str:
    """Allow one playback of a recording to a habilitated person, with the reason, logged (user, camera,
    recording, period, reason); returns the signed token of its stream."""
    require_camera_images(acting_user, recording.device)
    reason = _clean_reason(reason, _("Indiquez le motif de la relecture."))
    access_log(
        action="supervision.recording_playback",
        acting_user=acting_user,
        device=recording.device,
        protected_site=recording.device.protected_site,
        obj=recording,
        starts_at=recording.starts_at,
        ends_at=recording.ends_at,
        reason=reason,
        extra={"recording": recording.pk},
    )
    return signing.dumps({"r": recording.pk, "u": acting_user.pk}, salt=PLAYBACK_SALT)


def playback_allowed(*, token: str, recording: Recording, user: User) -> bool:
    """Whether a stream request belongs to a playback just logged by this user for this recording, and the
    habilitation still holds."""
    try:
        data = signing.loads(token or "", salt=PLAYBACK_SALT, max_age=settings.SUPERVISION_PLAYBACK_SECONDS)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("r") != recording.pk or data.get("u") != user.pk:
        return False
    try:
        require_camera_images(user, recording.device)
    except PermissionDenied:
        return False
    return True

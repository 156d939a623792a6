"""Frigate's MQTT messages mapped to generic events.

- `<prefix>/reviews` — a review item (Frigate's own grouping of the detections of one scene into something to look
  at): `type` new/update/end, `before`/`after` with `id`, `camera`, `start_time`, `end_time`, `severity`
  (alert/detection) and `data` (`detections`, `objects`, `zones`, `sub_labels`). This is what raises alarms: an
  alert is an intrusion, a detection a motion; every message of one review carries `correlation_id`
  "review:<id>", so update/end feed the alarm the review opened, never a new one.
- `<prefix>/events` — one tracked object (new/update/end). Its detections are already in the review, so a tracked
  object is not an alarm of its own (that would double every alarm); its new/end messages are the camera's signs
  of life, with the Frigate event id (what snapshots and clips are fetched by). Intermediate updates are skipped.
- `<prefix>/available` — "online"/"offline": the Frigate server (the NVR) itself; offline is a technical alarm.
- `<prefix>/stats` — every camera with frames coming in (`camera_fps` > 0) is alive: a heartbeat per camera and
  minute (camera health counts on them when nothing moves).

Event ids are built from the message so that a message delivered twice (MQTT QoS 1) is a duplicate, not a second
event.
"""

import datetime
import hashlib
from typing import Any, ClassVar

from django.utils import timezone

from mutualis.supervision.choices import EventKind, Severity
from mutualis.supervision.integrations.base import (
    Integration,
    Mapped,
    MappingError,
    from_epoch,
    load_json_object,
)

TOPICS = ("reviews", "events", "available", "stats")
# A review's severity → its event's kind (alert: intrusion, detection: motion) and severity, as plain text.
_REVIEW_EVENT = {
    "alert": (EventKind.INTRUSION.value, Severity.ALERT.value),
    "detection": (EventKind.MOTION.value, Severity.DETECTION.value),
}
MESSAGE_TYPES = frozenset({"new", "update", "end"})
_TEXT_TYPES = (str, int)  # the items of a list of labels we keep (as text)


def _text_list(value: Any, limit: int = 20) -> list[str]:
    if not value or not isinstance(value, list):  # most of a review's lists are empty
        return []
    return [str(v)[:64] for v in value if isinstance(v, _TEXT_TYPES)][:limit]


def _camera(after: dict[str, Any]) -> str:
    camera = after.get("camera")
    if not isinstance(camera, str) or not camera.strip() or len(camera) > 128:
        raise MappingError("« camera » manquant ou invalide.")
    return camera.strip()


def _item_id(after: dict[str, Any]) -> str:
    item_id = after.get("id")
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 100:
        raise MappingError("« id » manquant ou invalide.")
    return item_id.strip()


def _typed(message: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        raise MappingError(f"« type » inconnu : {str(kind)[:20]} (new, update ou end).")
    after = message.get("after")
    if not isinstance(after, dict):
        raise MappingError("« after » manquant : un objet est attendu.")
    return str(kind), after


class FrigateIntegration(Integration):
    """A Frigate server's MQTT messages, for one source (its topic prefix and HTTP API address)."""

    name: ClassVar[str] = "frigate"

    def __init__(self, *, prefix: str, base_url: str = "") -> None:
        self.prefix = prefix.strip("/")
        self.base_url = base_url.rstrip("/")
        self._lead = self.prefix + "/"

    def topics(self) -> list[str]:
        """The topics to subscribe to for this source."""
        return [f"{self.prefix}/{name}" for name in TOPICS]

    def map(self, topic: str, payload: bytes, received_at: datetime.datetime | None = None) -> Mapped:
        """What a message of one of this source's topics means (MappingError when it cannot be read)."""
        received_at = received_at or timezone.now()
        name = topic[len(self._lead) :] if topic.startswith(self._lead) else ""
        if name == "available":
            state = payload.decode("utf-8", "replace").strip().lower()
            if state not in ("online", "offline"):
                raise MappingError(f"{topic} : « online » ou « offline » attendu, reçu {state[:20]!r}.")
            return Mapped(source_online=state == "online")
        if name == "reviews":
            # The body's own fingerprint: a message delivered twice is the same bytes (hashing them is a
            # microsecond; re-encoding the parsed message sorted, as `digest` does, was a tenth of the process).
            fingerprint = hashlib.sha256(payload if isinstance(payload, bytes) else payload.encode()).hexdigest()[:16]
            return self.map_review(load_json_object(payload, topic), received_at, fingerprint)
        if name == "events":
            return self.map_tracked_object(load_json_object(payload, topic))
        if name == "stats":
            return self.map_stats(load_json_object(payload, topic), received_at)
        raise MappingError(f"Sujet inattendu : {topic[:120]}.")

    def snapshot_url(self, frigate_event_id: str) -> str:
        """The Frigate HTTP API address of a tracked object's snapshot ('' without an API address)."""
        return f"{self.base_url}/api/events/{frigate_event_id}/snapshot.jpg" if self.base_url else ""

    def map_review(self, message: dict[str, Any], received_at: datetime.datetime, fingerprint: str) -> Mapped:
        """A review's new/update/end: one generic event feeding the review's alarm (its id ends with the message's
        fingerprint)."""
        kind, after = _typed(message)
        review_id, camera = _item_id(after), _camera(after)
        severity = after.get("severity")
        kinds = _REVIEW_EVENT.get(severity) if isinstance(severity, str) else None
        if kinds is None:
            raise MappingError(f"« severity » inconnue : {str(severity)[:20]} (alert ou detection).")
        raw_data = after.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        detections = _text_list(data.get("detections"), 50)
        zones = _text_list(data.get("zones"))
        start = from_epoch(after.get("start_time"), "start_time")
        if kind == "new":
            occurred_at = start
        elif kind == "end" and after.get("end_time") is not None:
            occurred_at = from_epoch(after.get("end_time"), "end_time")
        else:
            # An update says « now »: Frigate gives no time of its own for it.
            occurred_at = max(start, received_at)
        raw_before = message.get("before")
        severity_before = raw_before.get("severity") if isinstance(raw_before, dict) else None
        event = {
            "id": f"review:{review_id}:{kind}:{fingerprint}",
            "device": camera,
            "kind": kinds[0],
            "occurred_at": occurred_at,
            "severity": kinds[1],
            "zone": zones[0] if zones else "",
            "snapshot_url": self.snapshot_url(detections[0]) if detections else "",
            "data": {
                "correlation_id": f"review:{review_id}",
                "frigate_review": review_id,
                "review_type": kind,
                "objects": _text_list(data.get("objects")),
                "sub_labels": _text_list(data.get("sub_labels")),
                "zones": zones,
                "detections": detections,
                "severity_before": severity_before
                if isinstance(severity_before, str) and severity_before in _REVIEW_EVENT
                else None,
                "ended": after.get("end_time") is not None,
            },
        }
        return Mapped(events=[event])

    def map_tracked_object(self, message: dict[str, Any]) -> Mapped:
        """A tracked object's new/end: the camera's sign of life, with the Frigate event id; updates skipped."""
        kind, after = _typed(message)
        event_id, camera = _item_id(after), _camera(after)
        if kind == "update":
            return Mapped(ignored="update")
        at_field = "end_time" if kind == "end" and after.get("end_time") is not None else "start_time"
        event = {
            "id": f"event:{event_id}:{kind}",
            "device": camera,
            "kind": EventKind.HEARTBEAT,
            "occurred_at": from_epoch(after.get(at_field), at_field),
            "data": {
                "frigate_event": event_id,
                "label": str(after.get("label") or "")[:64],
                "zones": _text_list(after.get("entered_zones")),
                "has_snapshot": bool(after.get("has_snapshot")),
                "has_clip": bool(after.get("has_clip")),
            },
        }
        return Mapped(events=[event])

    def map_stats(self, message: dict[str, Any], received_at: datetime.datetime) -> Mapped:
        """Frigate's periodic stats: a heartbeat per camera whose frames come in, at most one a minute."""
        cameras = message.get("cameras")
        if not isinstance(cameras, dict):
            raise MappingError("« cameras » manquant dans les statistiques.")
        minute = received_at.replace(second=0, microsecond=0)
        events = []
        for camera, stats in cameras.items():
            fps = stats.get("camera_fps") if isinstance(stats, dict) else None
            if isinstance(fps, int | float) and not isinstance(fps, bool) and fps > 0 and len(camera) <= 128:
                events.append(
                    {
                        "id": f"stats:{camera}:{minute:%Y%m%d%H%M}",
                        "device": camera,
                        "kind": EventKind.HEARTBEAT,
                        "occurred_at": received_at,
                        "data": {"camera_fps": fps},
                    }
                )
        return Mapped(events=events, ignored="" if events else "no camera")

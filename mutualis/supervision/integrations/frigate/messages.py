"""Messages shaped as Frigate publishes them (docs.frigate.video « MQTT »): what the simulator, the bench and the
tests send to the broker."""

import random
import string
import time
from typing import Any


def frigate_id(at: float | None = None) -> str:
    """An id in Frigate's form: the start time and six random characters ("1718987129.308396-fqk5ka")."""
    at = time.time() if at is None else at
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))  # noqa: S311 - not a secret
    return f"{at:.6f}-{suffix}"


def review_item(
    *,
    review_id: str,
    camera: str,
    start_time: float,
    severity: str = "alert",
    end_time: float | None = None,
    objects: list[str] | None = None,
    zones: list[str] | None = None,
    detections: list[str] | None = None,
) -> dict[str, Any]:
    """The `before`/`after` body of a review."""
    return {
        "id": review_id,
        "camera": camera,
        "start_time": start_time,
        "end_time": end_time,
        "severity": severity,
        "thumb_path": f"/media/frigate/clips/review/thumb-{camera}-{review_id}.webp",
        "data": {
            "detections": detections or [],
            "objects": objects or ["person"],
            "sub_labels": [],
            "zones": zones or [],
            "audio": [],
        },
    }


def review_message(kind: str, after: dict[str, Any], before: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `<prefix>/reviews` message: type new/update/end with before and after."""
    return {"type": kind, "before": before or after, "after": after}


def tracked_object(
    *, event_id: str, camera: str, start_time: float, label: str = "person", end_time: float | None = None
) -> dict[str, Any]:
    """A `<prefix>/events` message's `after`: one tracked object."""
    return {
        "id": event_id,
        "camera": camera,
        "frame_time": start_time,
        "label": label,
        "sub_label": None,
        "top_score": 0.91,
        "false_positive": False,
        "start_time": start_time,
        "end_time": end_time,
        "score": 0.87,
        "current_zones": [],
        "entered_zones": [],
        "has_snapshot": True,
        "has_clip": True,
        "active": True,
        "stationary": False,
    }


def review_lifecycle(
    *, camera: str, start_time: float, severity: str = "alert", zones: list[str] | None = None
) -> list[dict[str, Any]]:
    """A scene as Frigate reports it: a review new (detection), an update (a second object, severity raised to
    alert when asked), and its end; the tracked object's id is in the review's detections."""
    review_id, event_id = frigate_id(start_time), frigate_id(start_time)
    first = review_item(
        review_id=review_id,
        camera=camera,
        start_time=start_time,
        severity="detection",
        zones=zones,
        detections=[event_id],
    )
    second = {**first, "severity": severity, "data": {**first["data"], "objects": ["person", "car"]}}
    last = {**second, "end_time": start_time + 12.5}
    return [review_message("new", first), review_message("update", second, first), review_message("end", last, second)]

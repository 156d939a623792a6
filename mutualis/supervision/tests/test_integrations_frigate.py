"""Frigate's messages mapped to generic events: reviews carry their correlation id, times come from Frigate, stats
are heartbeats, and what cannot be read is refused with a reason."""

import datetime
import json

import pytest

from mutualis.supervision.choices import EventKind
from mutualis.supervision.integrations.base import MappingError
from mutualis.supervision.integrations.frigate.mapping import FrigateIntegration
from mutualis.supervision.integrations.frigate.messages import review_lifecycle

NOW = datetime.datetime(2026, 3, 2, 22, 0, 30, tzinfo=datetime.UTC)
START = datetime.datetime(2026, 3, 2, 22, 0, 0, tzinfo=datetime.UTC).timestamp()


@pytest.fixture
def frigate():
    return FrigateIntegration(prefix="frigate/", base_url="http://nvr.example:5000/")


def _map(frigate, topic, message):
    return frigate.map(topic, json.dumps(message).encode(), NOW)


def test_a_reviews_messages_share_one_correlation_id(frigate):
    """new, update and end of one review carry « review:<id> », distinct event ids, Frigate's start and end
    times, and the severity: detection then alert."""
    new, update, end = (
        _map(frigate, "frigate/reviews", m).events[0] for m in review_lifecycle(camera="hall", start_time=START)
    )
    assert new["data"]["correlation_id"] == update["data"]["correlation_id"] == end["data"]["correlation_id"]
    assert len({new["id"], update["id"], end["id"]}) == 3
    assert (new["kind"], update["kind"]) == (EventKind.MOTION, EventKind.INTRUSION)
    assert new["occurred_at"].timestamp() == START and update["occurred_at"] == NOW
    assert end["occurred_at"].timestamp() == START + 12.5 and end["data"]["ended"]
    assert new["snapshot_url"] == f"http://nvr.example:5000/api/events/{new['data']['detections'][0]}/snapshot.jpg"
    assert frigate.topics() == ["frigate/reviews", "frigate/events", "frigate/available", "frigate/stats"]


def test_stats_are_a_heartbeat_per_camera_receiving_frames(frigate):
    """Every camera whose frames come in gets one heartbeat a minute; a camera at 0 fps gets none."""
    stats = {"cameras": {"hall": {"camera_fps": 5.1}, "cour": {"camera_fps": 0.0}}, "service": {}}
    [event] = _map(frigate, "frigate/stats", stats).events
    assert (event["device"], event["kind"], event["id"]) == ("hall", EventKind.HEARTBEAT, "stats:hall:202603022200")


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("frigate/reviews", b"[1, 2]"),
        ("frigate/reviews", json.dumps({"type": "new", "after": {"id": "1", "camera": "hall"}}).encode()),
        ("frigate/reviews", json.dumps({"type": "new", "after": {"id": "1", "severity": "alert"}}).encode()),
        (
            "frigate/reviews",
            json.dumps({"type": "new", "after": {"id": "1", "camera": "h", "severity": "x", "start_time": 1}}).encode(),
        ),
        (
            "frigate/reviews",
            json.dumps(
                {"type": "new", "after": {"id": "1", "camera": "h", "severity": "alert", "start_time": "a"}}
            ).encode(),
        ),
        (
            "frigate/reviews",
            json.dumps({"type": "new", "after": {"id": "1", "camera": "h", "severity": [], "start_time": 1}}).encode(),
        ),
        ("frigate/stats", b"{}"),
        ("frigate/other", b"{}"),
        ("frigate/available", b"\xff\xfe"),
    ],
)
def test_unreadable_messages_are_refused_with_a_reason(frigate, topic, payload):
    """A body that is not the expected object, a missing camera or severity, a time that is not a timestamp, an
    unexpected topic: refused (MappingError), never half-ingested."""
    with pytest.raises(MappingError):
        frigate.map(topic, payload, NOW)


def test_a_review_whose_former_severity_is_not_text_still_maps(frigate):
    """« before » is only read for its severity: a list there (a broken or hostile publisher) is no severity, not a
    crash of the batch."""
    new, _update, _end = review_lifecycle(camera="hall", start_time=START)
    new["before"] = {**new["before"], "severity": ["alert"]}
    [event] = _map(frigate, "frigate/reviews", new).events
    assert event["data"]["severity_before"] is None and event["severity"] == "detection"

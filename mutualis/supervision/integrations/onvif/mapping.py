"""ONVIF event topics mapped to generic events.

A notification (`wsnt:NotificationMessage`, from a PullMessages answer or a Notify) has a topic such as
`tns1:RuleEngine/CellMotionDetector/Motion` and a `tt:Message` with its `UtcTime`, a `PropertyOperation`
(Initialized, Changed, Deleted), `Source` items (which video source, input or rule) and `Data` items (the state:
`IsMotion`, `State`, `LogicalState`…). A state going true is an event; going false ends it (nothing to ingest: the
alarm waits for the operator). `Initialized` is the state the device reports when a subscription starts, not
something that happened — except for failures (storage, signal loss), which matter whenever they are seen.
"""

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.dateparse import parse_datetime

from mutualis.supervision.choices import EventKind, Severity
from mutualis.supervision.integrations.base import Integration, Mapped, MappingError, digest


@dataclass(frozen=True)
class TopicRule:
    """How one ONVIF topic becomes an event: the generic kind, the data item holding the state (None: every
    message is an occurrence, e.g. a line crossed), the kind when the state is false, and whether the device's
    initial state counts."""

    kind: str
    state_item: str | None
    when_false: str | None = None
    initial_counts: bool = False
    severity: str = ""


# Topics without their namespace prefix (tns1:), as ONVIF Core and the Analytics / Device IO specifications name them.
TOPIC_RULES: dict[str, TopicRule] = {
    "VideoSource/MotionAlarm": TopicRule(EventKind.MOTION, "State"),
    "RuleEngine/CellMotionDetector/Motion": TopicRule(EventKind.MOTION, "IsMotion"),
    "RuleEngine/MotionRegionDetector/Motion": TopicRule(EventKind.MOTION, "State"),
    "RuleEngine/LineDetector/Crossed": TopicRule(EventKind.LINE_CROSSING, None, severity=Severity.ALERT),
    "RuleEngine/FieldDetector/ObjectsInside": TopicRule(EventKind.FIELD_DETECTOR, "IsInside"),
    "RuleEngine/TamperDetector/Tamper": TopicRule(EventKind.TAMPER, "IsTamper", initial_counts=True),
    "VideoSource/GlobalSceneChange/ImagingService": TopicRule(EventKind.TAMPER, "State"),
    "Device/Trigger/DigitalInput": TopicRule(EventKind.DIGITAL_INPUT, "LogicalState"),
    "Device/HardwareFailure/StorageFailure": TopicRule(
        EventKind.STORAGE_FAILURE, "Failed", initial_counts=True, severity=Severity.CRITICAL
    ),
    "VideoSource/SignalLoss": TopicRule(EventKind.OFFLINE, "State", when_false=EventKind.ONLINE, initial_counts=True),
}
SOURCE_ITEMS = ("VideoSourceToken", "VideoSourceConfigurationToken", "Source", "InputToken", "Token")
NS = {
    "wsnt": "http://docs.oasis-open.org/wsn/b-2",
    "tt": "http://www.onvif.org/ver10/schema",
}
MAX_XML = 1_000_000


@dataclass
class Notification:
    """One ONVIF notification, read from its XML."""

    topic: str
    utc_time: datetime.datetime
    operation: str = "Changed"
    source: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)


def _short_topic(text: str) -> str:
    # "tns1:RuleEngine/LineDetector/Crossed" → "RuleEngine/LineDetector/Crossed" (the prefix is the device's own);
    # some devices prefix every level, with their vendor's namespace on the last ones
    # ("tns1:Device/tns1:Trigger/tnssamsung:DigitalInput"): each level loses its prefix.
    return "/".join(part.split(":", 1)[1] if ":" in part else part for part in text.strip().split("/"))


def _items(parent: ET.Element | None) -> dict[str, str]:
    if parent is None:
        return {}
    return {
        item.get("Name", ""): item.get("Value", "") for item in parent.findall("tt:SimpleItem", NS) if item.get("Name")
    }


def read_notification(message: ET.Element) -> Notification:
    """One `wsnt:NotificationMessage` element read (MappingError when it lacks its topic, message or time)."""
    topic = message.find("wsnt:Topic", NS)
    body = message.find("wsnt:Message/tt:Message", NS)
    if topic is None or not (topic.text or "").strip() or body is None:
        raise MappingError("Notification ONVIF sans sujet ni message.")
    try:
        when = parse_datetime(body.get("UtcTime", ""))
    except ValueError:
        when = None
    if when is None:
        raise MappingError("Notification ONVIF sans « UtcTime » lisible.")
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)  # ONVIF times are UTC by definition
    return Notification(
        topic=_short_topic(topic.text or ""),
        utc_time=when,
        operation=body.get("PropertyOperation", "Changed"),
        source=_items(body.find("tt:Source", NS)),
        data=_items(body.find("tt:Data", NS)),
    )


def parse_root(xml: bytes | str) -> ET.Element:
    """The root of an ONVIF XML body from a device (MappingError when too big, with a DTD, or unreadable)."""
    raw = xml.encode() if isinstance(xml, str) else xml
    if len(raw) > MAX_XML:
        raise MappingError("Message ONVIF trop grand.")
    # Devices are not trusted: no DTD, hence no entity expansion (billion laughs) nor external entities.
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise MappingError("Message ONVIF refusé : DTD interdite.")
    try:
        return ET.fromstring(raw)  # noqa: S314 - no DTD got this far (checked above)
    except ET.ParseError as exc:
        raise MappingError(f"XML ONVIF invalide ({exc}).") from None


def notification_elements(root: ET.Element) -> list[ET.Element]:
    """The `wsnt:NotificationMessage` elements of an answer, in order."""
    return list(root.iter(f"{{{NS['wsnt']}}}NotificationMessage"))


def parse_notifications(xml: bytes | str) -> list[Notification]:
    """The notifications of a PullMessages answer or a Notify body (MappingError when the XML cannot be read)."""
    return [read_notification(message) for message in notification_elements(parse_root(xml))]


class OnvifIntegration(Integration):
    """An ONVIF device (or NVR) of one source. `device` names the supervised device when the source is one camera;
    otherwise each notification's video source or input token is the device's external id."""

    name: ClassVar[str] = "onvif"

    def __init__(self, *, device: str = "") -> None:
        self.device = device

    def _device(self, notification: Notification) -> str:
        if self.device:
            return self.device
        for name in SOURCE_ITEMS:
            if notification.source.get(name):
                return notification.source[name]
        raise MappingError(f"{notification.topic} : aucun identifiant d'équipement dans la source.")

    def map_notification(self, notification: Notification) -> Mapped:
        """One notification → a generic event, or nothing (a state back to normal, an initial state, a topic we do
        not supervise)."""
        rule = TOPIC_RULES.get(notification.topic)
        if rule is None:
            return Mapped(ignored=f"topic {notification.topic}")
        if notification.operation == "Deleted":
            return Mapped(ignored="deleted")
        if notification.operation == "Initialized" and not rule.initial_counts:
            return Mapped(ignored="initial state")
        kind = rule.kind
        if rule.state_item is not None:
            value = notification.data.get(rule.state_item, "").strip().lower()
            if value not in ("true", "false", "1", "0"):
                raise MappingError(f"{notification.topic} : « {rule.state_item} » booléen attendu.")
            if value in ("false", "0"):
                if rule.when_false is None:
                    return Mapped(ignored="state back to normal")
                kind = rule.when_false
        device = self._device(notification)
        event = {
            "id": f"onvif:{digest([notification.topic, notification.source, notification.data])}:"
            f"{notification.utc_time:%Y%m%dT%H%M%S.%f}",
            "device": device,
            "kind": kind,
            "occurred_at": notification.utc_time,
            "severity": rule.severity,
            "zone": notification.source.get("Rule", "")[:128],
            "data": {"onvif_topic": notification.topic, "source": notification.source, "data": notification.data},
        }
        return Mapped(events=[event])

    def map(self, xml: bytes | str) -> Mapped:
        """Every notification of an XML body, merged into one batch."""
        mapped = Mapped()
        for notification in parse_notifications(xml):
            mapped.events.extend(self.map_notification(notification).events)
        return mapped

"""ONVIF event topics: motion, line crossing, field detector, tamper, digital input and storage failure mapped to
generic events and ingested through the same services."""

import pytest

from mutualis.supervision.choices import AlarmCategory, EventKind, TechnicalKind
from mutualis.supervision.integrations.base import MappingError
from mutualis.supervision.integrations.onvif.mapping import OnvifIntegration, parse_notifications
from mutualis.supervision.models import Alarm, Event
from mutualis.supervision.tests.factories import DeviceFactory, EventSourceFactory

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"
  xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tns1="http://www.onvif.org/ver10/topics"
  xmlns:tev="http://www.onvif.org/ver10/events/wsdl">
 <env:Body><tev:PullMessagesResponse>
  <tev:CurrentTime>2026-03-02T22:00:05Z</tev:CurrentTime>
  {messages}
 </tev:PullMessagesResponse></env:Body>
</env:Envelope>"""

MESSAGE = """<wsnt:NotificationMessage>
   <wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:{topic}</wsnt:Topic>
   <wsnt:Message><tt:Message UtcTime="{at}" PropertyOperation="{operation}">
     <tt:Source><tt:SimpleItem Name="{source_name}" Value="{source_value}"/></tt:Source>
     <tt:Data><tt:SimpleItem Name="{item}" Value="{value}"/></tt:Data>
   </tt:Message></wsnt:Message>
  </wsnt:NotificationMessage>"""


def _xml(*messages: dict) -> str:
    parts = []
    for m in messages:
        fields = {
            "at": "2026-03-02T22:00:00Z",
            "operation": "Changed",
            "source_name": "VideoSourceConfigurationToken",
            "source_value": "VS-1",
            **m,
        }
        parts.append(MESSAGE.format(**fields))
    return ENVELOPE.format(messages="".join(parts))


@pytest.mark.parametrize(
    ("topic", "item", "kind"),
    [
        ("VideoSource/MotionAlarm", "State", EventKind.MOTION),
        ("RuleEngine/CellMotionDetector/Motion", "IsMotion", EventKind.MOTION),
        ("RuleEngine/LineDetector/Crossed", "ObjectId", EventKind.LINE_CROSSING),
        ("RuleEngine/FieldDetector/ObjectsInside", "IsInside", EventKind.FIELD_DETECTOR),
        ("RuleEngine/TamperDetector/Tamper", "IsTamper", EventKind.TAMPER),
        ("VideoSource/GlobalSceneChange/ImagingService", "State", EventKind.TAMPER),
        ("Device/Trigger/DigitalInput", "LogicalState", EventKind.DIGITAL_INPUT),
        ("Device/HardwareFailure/StorageFailure", "Failed", EventKind.STORAGE_FAILURE),
    ],
)
def test_each_supervised_topic_maps_to_its_kind(topic, item, kind):
    """Each supervised ONVIF topic whose state turns true is one event of its generic kind, on the video source."""
    value = "12" if item == "ObjectId" else "true"
    [event] = OnvifIntegration().map(_xml({"topic": topic, "item": item, "value": value})).events
    assert (event["kind"], event["device"]) == (kind, "VS-1")
    assert event["occurred_at"].isoformat() == "2026-03-02T22:00:00+00:00"


def test_a_state_back_to_normal_and_an_initial_state_are_not_events():
    """A state going false ends nothing by itself, and the state a device reports when a subscription starts is
    not something that happened; the same notification read twice gets the same id."""
    integration = OnvifIntegration(device="CAM-1")
    back = _xml({"topic": "RuleEngine/CellMotionDetector/Motion", "item": "IsMotion", "value": "false"})
    initial = _xml(
        {
            "topic": "RuleEngine/CellMotionDetector/Motion",
            "item": "IsMotion",
            "value": "true",
            "operation": "Initialized",
        }
    )
    assert integration.map(back).events == [] and integration.map(initial).events == []
    storage = _xml({"topic": "Device/HardwareFailure/StorageFailure", "item": "Failed", "value": "true"})
    assert integration.map(storage).events[0]["id"] == integration.map(storage).events[0]["id"]


def test_signal_loss_and_its_return_are_offline_and_online():
    """Video signal loss is the camera going offline; the signal back is the camera online."""
    integration = OnvifIntegration(device="CAM-1")
    lost = _xml({"topic": "VideoSource/SignalLoss", "item": "State", "value": "true"})
    back = _xml({"topic": "VideoSource/SignalLoss", "item": "State", "value": "false"})
    assert integration.map(lost).events[0]["kind"] == EventKind.OFFLINE
    assert integration.map(back).events[0]["kind"] == EventKind.ONLINE


@pytest.mark.parametrize(
    "xml",
    [
        "<not-xml",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        _xml({"topic": "RuleEngine/CellMotionDetector/Motion", "item": "IsMotion", "value": "peut-être"}),
        _xml({"topic": "VideoSource/MotionAlarm", "item": "State", "value": "true", "at": "hier"}),
    ],
)
def test_unreadable_notifications_are_refused_with_a_reason(xml):
    """Broken XML, a DTD (entity expansion), a non-boolean state or an unreadable time are refused, with why."""
    with pytest.raises(MappingError):
        OnvifIntegration(device="CAM-1").map(xml)


def test_unknown_topics_are_ignored():
    """A topic we do not supervise is read and ignored."""
    notifications = parse_notifications(_xml({"topic": "Monitoring/ProcessorUsage", "item": "Value", "value": "3"}))
    assert OnvifIntegration(device="CAM-1").map_notification(notifications[0]).ignored


@pytest.mark.django_db
def test_onvif_events_go_through_the_ingestion_services():
    """A line crossing raises a security alarm, a storage failure a technical one, through ingest_events."""
    camera = DeviceFactory(source=EventSourceFactory(name="onvif-test", kind="onvif"), external_id="VS-1")
    integration = OnvifIntegration()
    xml = _xml(
        {"topic": "RuleEngine/LineDetector/Crossed", "item": "ObjectId", "value": "3"},
        {"topic": "Device/HardwareFailure/StorageFailure", "item": "Failed", "value": "true"},
    )
    results = integration.ingest(source=camera.source, mapped=integration.map(xml))
    assert [r["status"] for r in results] == ["created", "created"]
    assert Alarm.objects.get(category=AlarmCategory.SECURITY).kind == EventKind.LINE_CROSSING
    assert Alarm.objects.get(category=AlarmCategory.TECHNICAL).technical_kind == TechnicalKind.STORAGE
    again = integration.ingest(source=camera.source, mapped=integration.map(xml))
    assert [r["status"] for r in again] == ["duplicate", "duplicate"] and Event.objects.count() == 2


def test_topics_prefixed_at_every_level_are_read():
    """Devices that prefix each level of the topic (vendor namespaces on the last ones) map like the others."""
    xml = _xml({"topic": "Device/tns1:Trigger/tnssamsung:DigitalInput", "item": "LogicalState", "value": "TRUE"})
    [event] = OnvifIntegration(device="CAM-1").map(xml).events
    assert event["kind"] == EventKind.DIGITAL_INPUT

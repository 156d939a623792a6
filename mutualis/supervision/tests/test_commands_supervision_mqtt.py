"""The MQTT ingest process against a real Mosquitto: Frigate's reviews raise and update one alarm, the NVR going
offline is a technical alarm, bad payloads are skipped and counted, a broker restart only pauses the flow."""

import json
import time

import pytest

from mutualis.supervision.choices import AlarmCategory, AlarmStatus, EventKind, SourceKind, TechnicalKind
from mutualis.supervision.integrations.frigate.messages import (
    frigate_id,
    review_item,
    review_lifecycle,
    review_message,
    tracked_object,
)
from mutualis.supervision.models import Alarm, Device, Event
from mutualis.supervision.tests import mqtt
from mutualis.supervision.tests.factories import DeviceFactory, EventSourceFactory
from mutualis.supervision.tests.mqtt import run_until

pytestmark = pytest.mark.django_db
mosquitto, publisher, ingestor = mqtt.mosquitto, mqtt.publisher, mqtt.ingestor


@pytest.fixture
def frigate():
    """A Frigate source on prefix « frigate-test » with its camera « entree »."""
    source = EventSourceFactory(
        name="frigate-test",
        kind=SourceKind.FRIGATE,
        mqtt_topic_prefix="frigate-test",
        frigate_base_url="http://127.0.0.1:5000",
    )
    DeviceFactory(source=source, external_id="entree", name="Entrée principale")
    return source


def _alarms():
    return Alarm.objects.filter(category=AlarmCategory.SECURITY)


@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_a_review_new_update_end_is_one_alarm(frigate, publisher, ingestor, protocol):
    """A Frigate review's new, update and end messages feed one alarm; the update raises it to an intrusion's
    priority, and its snapshot points at Frigate's API — over MQTT 3.1.1 (Frigate's, the default) and MQTT 5."""
    engine = ingestor(protocol=protocol)
    messages = review_lifecycle(camera="entree", start_time=time.time() - 30, zones=["parvis"])
    for message in messages:
        publisher.publish("frigate-test/reviews", message)
    run_until(engine, lambda: Event.objects.filter(source=frigate).count() == 3)
    [alarm] = _alarms()
    assert (alarm.event_count, alarm.status, alarm.zone) == (3, AlarmStatus.NEW, "parvis")
    assert alarm.source_ref.endswith(f"review:{messages[0]['after']['id']}")
    assert alarm.snapshot_url.startswith("http://127.0.0.1:5000/api/events/")
    assert engine.stats["created"] == 3 and engine.stats["bad_payloads"] == 0


def test_a_message_delivered_twice_is_one_event(frigate, publisher, ingestor):
    """The same review message delivered twice (QoS 1 redelivery) is stored once."""
    engine = ingestor()
    message = review_lifecycle(camera="entree", start_time=time.time())[0]
    publisher.publish("frigate-test/reviews", message)
    publisher.publish("frigate-test/reviews", message)
    run_until(engine, lambda: engine.stats["duplicate"] == 1)
    assert Event.objects.count() == 1 and _alarms().count() == 1


def test_frigate_going_offline_is_a_technical_alarm_closed_when_back(frigate, publisher, ingestor):
    """`<prefix>/available` offline raises a technical alarm on the source's site; online closes it."""
    engine = ingestor()
    publisher.publish("frigate-test/available", "offline")
    run_until(engine, lambda: Alarm.objects.filter(technical_kind=TechnicalKind.SOURCE_OFFLINE).exists())
    alarm = Alarm.objects.get(technical_kind=TechnicalKind.SOURCE_OFFLINE)
    assert alarm.category == AlarmCategory.TECHNICAL and alarm.status == AlarmStatus.NEW
    publisher.publish("frigate-test/available", "online")
    run_until(engine, lambda: Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.CLOSED)
    frigate.refresh_from_db()
    assert frigate.online


def test_bad_payloads_are_skipped_and_counted(frigate, publisher, ingestor):
    """Malformed JSON, an unknown type and a missing camera are logged, counted and skipped; the next good
    message is ingested."""
    engine = ingestor()
    publisher.publish("frigate-test/reviews", b"{not json")
    publisher.publish("frigate-test/reviews", {"type": "rename", "after": {}})
    publisher.publish("frigate-test/events", {"type": "new", "after": {"id": "x"}})
    publisher.publish("frigate-test/available", "perhaps")
    publisher.publish("frigate-test/reviews", review_lifecycle(camera="entree", start_time=time.time())[0])
    run_until(engine, lambda: _alarms().exists())
    assert engine.stats["bad_payloads"] == 4
    assert Event.objects.count() == 1


def test_a_message_the_mapping_fails_on_is_skipped_not_fatal(frigate, publisher, ingestor, monkeypatch, caplog):
    """An error the mapping did not foresee (not a MappingError) is logged with its trace, counted and skipped,
    and the messages around it are ingested: the process goes on supervising."""
    from mutualis.supervision.integrations.frigate.mapping import FrigateIntegration

    original = FrigateIntegration.map_review

    def fragile(self, message, received_at, fingerprint):
        if message["after"]["camera"] == "piege":
            raise TypeError("unhashable type: 'list'")
        return original(self, message, received_at, fingerprint)

    monkeypatch.setattr(FrigateIntegration, "map_review", fragile)
    engine = ingestor()
    start = time.time()
    publisher.publish("frigate-test/reviews", review_lifecycle(camera="piege", start_time=start)[0])
    publisher.publish("frigate-test/reviews", review_lifecycle(camera="entree", start_time=start)[0])
    run_until(engine, lambda: _alarms().exists())
    assert engine.stats["bad_payloads"] == 1 and Event.objects.count() == 1
    assert "could not be mapped" in caplog.text and "TypeError" in caplog.text


def test_an_unknown_camera_is_refused_and_the_rest_kept(frigate, publisher, ingestor):
    """A review of a camera the source does not know is refused (counted), the others of the batch kept."""
    engine = ingestor()
    publisher.publish("frigate-test/reviews", review_lifecycle(camera="inconnue", start_time=time.time())[0])
    publisher.publish("frigate-test/reviews", review_lifecycle(camera="entree", start_time=time.time())[0])
    run_until(engine, lambda: engine.stats["error"] == 1 and engine.stats["created"] == 1)
    assert _alarms().get().device.external_id == "entree"


def test_tracked_objects_are_signs_of_life_not_alarms(frigate, publisher, ingestor):
    """A tracked object's new/end keep the camera alive with the Frigate event id; its updates are skipped."""
    engine = ingestor()
    event_id, start = frigate_id(), time.time() - 5
    for kind in ("new", "update", "end"):
        after = tracked_object(event_id=event_id, camera="entree", start_time=start, end_time=start + 4)
        publisher.publish("frigate-test/events", {"type": kind, "before": after, "after": after})
    run_until(engine, lambda: engine.stats["ignored"] == 1 and Event.objects.count() == 2)
    assert not Alarm.objects.exists()
    assert set(Event.objects.values_list("kind", flat=True)) == {EventKind.HEARTBEAT}
    assert Device.objects.get(external_id="entree").last_heartbeat_at is not None


def test_the_ingest_process_survives_a_broker_restart(frigate, mosquitto, publisher, ingestor):
    """The broker is stopped and started again: the ingest engine reconnects, subscribes again, and the next
    message is ingested."""
    engine = ingestor()
    start = time.time()
    first = review_item(review_id=frigate_id(start), camera="entree", start_time=start)
    publisher.publish("frigate-test/reviews", review_message("new", first))
    run_until(engine, lambda: _alarms().count() == 1)
    subscriptions = engine.subscriptions
    mosquitto.restart()
    run_until(engine, lambda: engine.subscriptions > subscriptions, timeout=60)
    second = review_item(review_id=frigate_id(start + 1), camera="entree", start_time=start + 1, severity="detection")
    publisher.publish("frigate-test/reviews", review_message("new", second))
    run_until(engine, lambda: Event.objects.count() == 2, timeout=60)
    assert engine.stats["disconnections"] >= 1 and engine.stats["connections"] >= 2


def test_two_processes_sharing_the_topics_take_each_message_once(frigate, publisher, ingestor):
    """Two ingest engines of one share group ($share/<group>/…, each with its own client id): the broker hands each
    message to one of them; every message is ingested once, and a review whose messages went to both engines is
    still one alarm of three events."""
    engines = [ingestor(share_group="ingest", client_id=f"test-ingest-{n}") for n in range(2)]
    start = time.time()
    for n in range(6):
        for message in review_lifecycle(camera="entree", start_time=start - 60 * n):
            publisher.publish("frigate-test/reviews", message)

    def all_in() -> bool:
        for engine in engines:
            engine.process(timeout=0.05)
        return Event.objects.filter(source=frigate).count() == 18

    run_until(engines[0], all_in)
    assert [engine.stats["received"] > 0 for engine in engines] == [True, True]
    assert sum(engine.stats["received"] for engine in engines) == 18
    assert sum(engine.stats["duplicate"] for engine in engines) == 0
    assert sorted(_alarms().values_list("event_count", flat=True)) == [3] * 6


def test_a_source_added_later_is_subscribed_on_reload(frigate, publisher, ingestor):
    """A Frigate source created while the process runs is subscribed when the sources are read again."""
    engine = ingestor()
    other = EventSourceFactory(name="frigate-autre", kind=SourceKind.FRIGATE, mqtt_topic_prefix="frigate-autre")
    DeviceFactory(source=other, external_id="cour")
    subscriptions = engine.subscriptions
    engine.load_sources()
    run_until(engine, lambda: engine.subscriptions > subscriptions)
    publisher.publish("frigate-autre/reviews", review_lifecycle(camera="cour", start_time=time.time())[0])
    run_until(engine, lambda: Event.objects.filter(source=other).exists())


def test_messages_that_waited_behind_a_long_batch_are_ingested_at_once(frigate):
    """The batch wait counts from the first message's arrival: what queued while the previous batch was being
    ingested is taken at once, in one batch, never made to wait `batch_wait` more."""
    import datetime

    from mutualis.supervision.integrations.frigate.mqtt import FrigateMqttIngestor, _Message

    engine = FrigateMqttIngestor(host="127.0.0.1", port=1, batch_wait=3600)
    engine.load_sources()
    start = time.time()
    long_ago = time.monotonic() - 3600
    for n in range(3):
        item = review_item(review_id=frigate_id(start + n), camera="entree", start_time=start + n)
        payload = json.dumps(review_message("new", item))
        engine._queue.put(
            [_Message("frigate-test/reviews", payload.encode(), None, datetime.datetime.now(datetime.UTC), long_ago)]
        )
    assert engine.process(timeout=0) == 3
    assert Event.objects.filter(source=frigate).count() == 3

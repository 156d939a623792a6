"""The ingest processes' own MQTT 3.1.1 subscriber: its packets, byte for byte, and its session against a real
Mosquitto (what waited while it was away, what it had not acknowledged, credentials)."""

import shutil
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from mutualis.supervision.choices import SourceKind
from mutualis.supervision.integrations.frigate.messages import review_lifecycle
from mutualis.supervision.integrations.mosquitto import MOSQUITTO, free_port, wait_listening, write_local_config
from mutualis.supervision.integrations.mqtt_subscriber import (
    BulkPublisher,
    Handlers,
    ProtocolError,
    Publish,
    Subscriber,
    connect_packet,
    decode_publish,
    encode_length,
    puback_packets,
    publish_packet,
    split_packets,
    subscribe_packet,
)
from mutualis.supervision.models import Event
from mutualis.supervision.tests import mqtt
from mutualis.supervision.tests.factories import DeviceFactory, EventSourceFactory
from mutualis.supervision.tests.mqtt import run_until

mosquitto, publisher, ingestor = mqtt.mosquitto, mqtt.publisher, mqtt.ingestor


@pytest.mark.parametrize(
    ("length", "encoded"),
    [(0, b"\x00"), (127, b"\x7f"), (128, b"\x80\x01"), (16_383, b"\xff\x7f"), (16_384, b"\x80\x80\x01")],
)
def test_the_remaining_length_is_seven_bits_a_byte(length, encoded):
    """MQTT 3.1.1 § 2.2.3: the remaining length, low 7 bits first, the high bit saying another byte follows."""
    assert encode_length(length) == encoded


def test_connect_asks_for_a_persistent_session_with_its_credentials():
    """§ 3.1: protocol name « MQTT », level 4, clean session 0 (the broker keeps what waits for us), keep alive,
    client id, then user name and password with their flags."""
    packet = connect_packet(client_id="ingest", keepalive=30, username="u", password="p")
    assert packet[0] == 0x10
    body = packet[2:]
    assert body[:6] == b"\x00\x04MQTT" and body[6] == 4
    assert body[7] == 0xC0  # user name and password, clean session 0
    assert struct.unpack("!H", body[8:10]) == (30,)
    assert body[10:] == b"\x00\x06ingest\x00\x01u\x00\x01p"
    assert connect_packet(client_id="x", keepalive=30)[9] == 0  # no credentials: no flag
    assert connect_packet(client_id="x", keepalive=0, clean_session=True)[9] == 0x02  # the bench's publisher


def test_subscribe_and_puback_packets():
    """§ 3.8: SUBSCRIBE's fixed header flags are 0010, each filter followed by its QoS; § 3.4: a PUBACK is 4 bytes,
    and a batch's acknowledgements go in one buffer."""
    assert subscribe_packet(7, ["a/b"]) == b"\x82\x08\x00\x07\x00\x03a/b\x01"
    assert puback_packets([1, 258]) == b"\x40\x02\x00\x01\x40\x02\x01\x02"


def test_a_publish_packet_reads_back_as_what_was_published():
    """§ 3.3: PUBLISH at QoS 1 has flags 0010, then the topic, the packet identifier and the payload."""
    packet = publish_packet("storm/reviews", b'{"type":"new"}', 513)
    assert packet[0] == 0x32
    packets, used = split_packets(bytearray(packet))
    assert used == len(packet)
    message = decode_publish(*packets[0], generation=1)
    assert (message.topic, message.payload, message.qos, message.packet_id) == (
        "storm/reviews",
        b'{"type":"new"}',
        1,
        513,
    )


def test_the_bulk_publisher_delivers_everything_and_waits_for_every_acknowledgement(mosquitto):
    """The bench's publisher against a real Mosquitto: more messages than its window and than the 65,535 packet
    identifiers, all acknowledged by the broker and all received by a subscriber, in order."""
    received: list[bytes] = []
    subscribed = threading.Event()

    def on_messages(messages: list[Publish]) -> None:
        received.extend(message.payload for message in messages)
        subscriber.ack(messages)

    subscriber = Subscriber(
        host="127.0.0.1",
        port=mosquitto.port,
        client_id="test-bulk-receiver",
        handlers=Handlers(lambda: None, lambda granted: subscribed.set(), on_messages, lambda error: None),
    )
    subscriber.start()
    deadline = time.monotonic() + 10
    while not subscriber.is_connected() and time.monotonic() < deadline:
        time.sleep(0.02)
    subscriber.subscribe(["bulk/#"])
    assert subscribed.wait(10)
    publisher = BulkPublisher(host="127.0.0.1", port=mosquitto.port, client_id="test-bulk", window=1000, chunk=300)
    try:
        count = 70_000
        publisher.publish([("bulk/x", str(n)) for n in range(count)])
        publisher.wait(timeout=120)
        assert publisher.acked == publisher.sent == count
        deadline = time.monotonic() + 60
        while len(received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received == [str(n).encode() for n in range(count)]
    finally:
        publisher.close()
        subscriber.stop()


def test_the_bulk_publisher_reports_a_broker_gone_instead_of_waiting(mosquitto):
    """The broker stops: what is still sent, or still awaited, fails at once as a lost connection (not after the
    ten-minute wait for acknowledgements)."""
    publisher = BulkPublisher(host="127.0.0.1", port=mosquitto.port, client_id="test-bulk-gone")
    try:
        publisher.publish([("bulk/x", "1")])
        publisher.wait(timeout=30)
        mosquitto.stop()
        deadline = time.monotonic() + 10
        while publisher.error is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert isinstance(publisher.error, ConnectionError)
        publisher.sent += 1  # a message the broker never acknowledged
        started = time.monotonic()
        with pytest.raises(ConnectionError):
            publisher.wait(timeout=60)
        with pytest.raises(ConnectionError):
            publisher.publish([("bulk/x", "2")])
        assert time.monotonic() - started < 5
    finally:
        publisher.close()


def test_the_bulk_publisher_refuses_a_window_past_the_packet_identifiers():
    """§ 2.3.1: a packet identifier is 16 bits; more messages awaiting their PUBACK would reuse one in flight."""
    with pytest.raises(ValueError, match="65,534"):
        BulkPublisher(host="127.0.0.1", port=1, client_id="x", window=70_000)


def test_packets_are_split_and_an_incomplete_one_waits():
    """Two whole packets and the start of a third: the two are returned, the third's bytes stay in the buffer."""
    first = b"\x32" + encode_length(2 + 3 + 2 + 2) + b"\x00\x03a/b\x00\x05hi"
    second = b"\xd0\x00"  # PINGRESP
    third = b"\x30" + encode_length(200) + b"\x00\x01t"
    buffer = bytearray(first + second + third)
    packets, used = split_packets(buffer)
    assert [p[0] for p in packets] == [0x32, 0xD0] and used == len(first + second)
    message = decode_publish(*packets[0], generation=3)
    assert message == Publish("a/b", b"hi", 1, 5, 3)
    assert decode_publish(0x30, b"\x00\x01tbody", generation=1) == Publish("t", b"body", 0, 0, 1)


@pytest.mark.parametrize(
    "buffer",
    [b"\x30\xff\xff\xff\xff\x01", b"\x30\xff\xff\xff\x7f"],
    ids=["length on five bytes", "packet over the limit"],
)
def test_a_broken_length_drops_the_connection(buffer):
    """A remaining length on more than 4 bytes (§ 2.2.3), or beyond what a message can be, is a protocol error."""
    with pytest.raises(ProtocolError):
        split_packets(bytearray(buffer))


def test_a_publish_at_qos_3_or_truncated_is_refused():
    with pytest.raises(ProtocolError):
        decode_publish(0x36, b"\x00\x01t\x00\x01", generation=1)
    with pytest.raises(ProtocolError):
        decode_publish(0x32, b"\x00\x05ab", generation=1)


@pytest.fixture
def frigate(db):
    source = EventSourceFactory(name="frigate-test", kind=SourceKind.FRIGATE, mqtt_topic_prefix="frigate-test")
    DeviceFactory(source=source, external_id="entree")
    return source


@pytest.mark.django_db
def test_what_was_published_while_the_process_was_away_is_ingested_when_it_returns(frigate, publisher, ingestor):
    """The session is persistent: a review published while the ingest process is stopped waits in the broker and
    is ingested by the next process of the same client id."""
    ingestor(client_id="ingest-session").stop()
    for message in review_lifecycle(camera="entree", start_time=time.time()):
        publisher.publish("frigate-test/reviews", message)
    engine = ingestor(client_id="ingest-session")
    run_until(engine, lambda: Event.objects.filter(source=frigate).count() == 3)


@pytest.mark.django_db
def test_messages_received_but_never_committed_are_delivered_again(frigate, publisher, ingestor):
    """A process that received messages and stopped before ingesting them never acknowledged them: the broker sends
    them again to the next one, and they are stored once."""
    first = ingestor(client_id="ingest-crash")
    for message in review_lifecycle(camera="entree", start_time=time.time()):
        publisher.publish("frigate-test/reviews", message)
    deadline = time.monotonic() + 30
    while first._queue.qsize() + len(first._carry) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first._queue.qsize() > 0, "the messages never reached the first process"
    first.stop()
    second = ingestor(client_id="ingest-crash")
    run_until(second, lambda: Event.objects.filter(source=frigate).count() == 3)
    assert second.stats["created"] == 3


def test_credentials_are_checked_by_the_broker():
    """With a password file, the right credentials connect; wrong ones are refused (CONNACK 5), reported, and tried
    again later rather than given up."""
    port = free_port()
    # Not under pytest's 0700 directory: a broker started as root reads its password file as its own user.
    directory = Path(tempfile.mkdtemp(prefix="mosquitto-"))
    directory.chmod(0o755)
    config = write_local_config(directory / "mosquitto.conf", port=port, username="ingest", password="s3cret")
    broker = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_listening(port)
        outcomes: dict[str, list[str]] = {"good": [], "bad": []}
        connected = {"good": threading.Event(), "bad": threading.Event()}
        subscribers = []
        for name, password in (("good", "s3cret"), ("bad", "wrong")):
            subscriber = Subscriber(
                host="127.0.0.1",
                port=port,
                client_id=f"test-{name}",
                username="ingest",
                password=password,
                handlers=Handlers(
                    connected[name].set, lambda granted: None, lambda messages: None, outcomes[name].append
                ),
                min_delay=0.2,
            )
            subscriber.start()
            subscribers.append(subscriber)
        assert connected["good"].wait(10)
        deadline = time.monotonic() + 10
        while len(outcomes["bad"]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not connected["bad"].is_set()
        assert len(outcomes["bad"]) >= 2 and "non autorisée" in outcomes["bad"][0]
        for subscriber in subscribers:
            subscriber.stop()
        assert outcomes["good"][-1] == ""  # stopped, not lost
    finally:
        broker.terminate()
        broker.wait()
        shutil.rmtree(directory, ignore_errors=True)

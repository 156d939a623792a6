"""A lean MQTT 3.1.1 subscriber for the ingest processes: QoS 1, a persistent session, shared subscriptions.

Why not paho-mqtt on this side: profiled in a storm, paho's network thread was a third of the ingest process — one
`select` and three `recv` per message (it reads a packet's first byte, then its length byte by byte), a wake-up of
its loop and a `send` per acknowledgement. This one reads whatever the socket holds (up to `READ_SIZE`), parses every
packet in it, hands the messages over as one list, and sends the acknowledgements of a committed batch in one write.
paho stays the publisher of the simulator and the tests, and the MQTT 5 subscriber; `BulkPublisher` is the bench's
Frigate (paho's publisher, one lock, one call and one `send` per message with 20 in flight, took most of a core
beside the ingest process it was measuring).

The protocol (OASIS MQTT 3.1.1): a packet is a first byte (type << 4 | flags), the remaining length in 1 to 4 bytes
of 7 bits, then the body. The session is persistent (clean session 0): what the broker sends while we are away or
before we acknowledged it is sent again on the next connection, with the same packet identifier.
"""

import contextlib
import logging
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("mutualis.supervision.mqtt")

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = 1, 2, 3, 4, 8, 9, 12, 13, 14
PINGREQ_PACKET, DISCONNECT_PACKET = bytes([PINGREQ << 4, 0]), bytes([DISCONNECT << 4, 0])
READ_SIZE = 256 * 1024
MAX_PACKET = 16 * 1024 * 1024  # a Frigate message is a few kilobytes; more is a broken or hostile peer
CONNACK_REFUSALS = {
    1: "version du protocole refusée",
    2: "identifiant de client refusé",
    3: "service indisponible",
    4: "identifiant ou mot de passe incorrect",
    5: "connexion non autorisée",
}


class ProtocolError(ConnectionError):
    """The broker sent something MQTT 3.1.1 does not allow: the connection is dropped and made again."""


@dataclass(frozen=True, slots=True)
class Publish:
    """A message the broker delivered: its topic, body, QoS and packet identifier (0 at QoS 0)."""

    topic: str
    payload: bytes
    qos: int
    packet_id: int
    generation: int  # the connection it came on: an acknowledgement only goes back on that one


@dataclass(frozen=True, slots=True)
class Handlers:
    """What a subscriber calls, from its own thread: `on_connect()` once the broker accepted the connection
    (subscribe there), `on_subscribe(granted)` with each SUBACK's return codes, `on_messages(list[Publish])` with
    each read's messages, `on_disconnect(error)` — error is '' after `stop()`."""

    on_connect: Callable[[], None]
    on_subscribe: Callable[[list[int]], None]
    on_messages: Callable[[list[Publish]], None]
    on_disconnect: Callable[[str], None]


def encode_length(length: int) -> bytes:
    """The remaining length, 7 bits a byte, low bits first."""
    out = bytearray()
    while True:
        length, byte = divmod(length, 128)
        out.append(byte | (128 if length else 0))
        if not length:
            return bytes(out)


def _string(value: str | bytes) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return struct.pack("!H", len(data)) + data


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + encode_length(len(body)) + body


def connect_packet(
    *, client_id: str, keepalive: int, username: str = "", password: str = "", clean_session: bool = False
) -> bytes:
    """CONNECT with a persistent session (clean session 0) unless asked, and the credentials when given."""
    flags = (0x80 if username else 0) | (0x40 if username and password else 0) | (0x02 if clean_session else 0)
    body = _string("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + _string(client_id)
    if username:
        body += _string(username) + (_string(password) if password else b"")
    return _packet(CONNECT << 4, body)


def subscribe_packet(packet_id: int, filters: list[str], qos: int = 1) -> bytes:
    """SUBSCRIBE to each topic filter at this QoS (its flags are 0010, as the protocol requires)."""
    body = struct.pack("!H", packet_id) + b"".join(_string(f) + bytes([qos]) for f in filters)
    return _packet(SUBSCRIBE << 4 | 2, body)


_PUBACK = struct.Struct("!BBH")


def puback_packets(packet_ids: list[int]) -> bytes:
    """The PUBACKs of these messages, in one buffer."""
    return b"".join(_PUBACK.pack(PUBACK << 4, 2, pid) for pid in packet_ids)


def publish_packet(topic: str, payload: bytes, packet_id: int) -> bytes:
    """A QoS 1 PUBLISH: topic, packet identifier, then the payload (flags 0010: QoS 1, not a duplicate)."""
    return _packet(PUBLISH << 4 | 2, _string(topic) + struct.pack("!H", packet_id) + payload)


def split_packets(buffer: bytearray) -> tuple[list[tuple[int, bytes]], int]:
    """The complete packets at the start of the buffer as (first byte, body), and how many bytes they took (an
    incomplete one waits for the next read)."""
    packets: list[tuple[int, bytes]] = []
    position, size = 0, len(buffer)
    while position + 2 <= size:
        length, multiplier, index = 0, 1, position + 1
        while True:
            if index >= size:
                return packets, position
            byte = buffer[index]
            index += 1
            length += (byte & 127) * multiplier
            if not byte & 128:
                break
            multiplier *= 128
            if multiplier > 128**3:
                raise ProtocolError("longueur restante sur plus de 4 octets")
        if length > MAX_PACKET:
            raise ProtocolError(f"paquet de {length} octets")
        end = index + length
        if end > size:
            break
        packets.append((buffer[position], bytes(buffer[index:end])))
        position = end
    return packets, position


def decode_publish(first: int, body: bytes, generation: int) -> Publish:
    """A PUBLISH body: topic, packet identifier at QoS 1 and 2, then the payload."""
    qos = (first >> 1) & 3
    if qos == 3 or len(body) < 2:
        raise ProtocolError("PUBLISH invalide")
    (topic_length,) = struct.unpack_from("!H", body)
    start = 2 + topic_length
    packet_id = 0
    if qos:
        if len(body) < start + 2:
            raise ProtocolError("PUBLISH tronqué")
        (packet_id,) = struct.unpack_from("!H", body, start)
        start += 2
    if start > len(body):
        raise ProtocolError("PUBLISH tronqué")
    return Publish(body[2 : 2 + topic_length].decode("utf-8", "replace"), body[start:], qos, packet_id, generation)


def open_session(host: str, port: int, connect: bytes, timeout: float = 10.0) -> socket.socket:
    """A connection to the broker that sent CONNECT and had it accepted (CONNACK 0); ProtocolError or
    ConnectionRefusedError (with the broker's reason) otherwise."""
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(connect)
        answer = b""
        while len(answer) < 4:
            chunk = sock.recv(4 - len(answer))
            if not chunk:
                raise ConnectionError("connexion fermée avant CONNACK")
            answer += chunk
        if answer[0] != CONNACK << 4 or answer[1] != 2:
            raise ProtocolError("CONNACK attendu")
        if answer[3]:
            reason = CONNACK_REFUSALS.get(answer[3], f"code {answer[3]}")
            raise ConnectionRefusedError(f"connexion refusée par le broker : {reason}")
    except BaseException:
        sock.close()
        raise
    return sock


class Subscriber:
    """One connection to the broker, made again (1 s, then doubling up to 30 s) whenever it drops. Its thread reads
    and calls the handlers; `ack()` and `subscribe()` may be called from any thread."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        username: str = "",
        password: str = "",
        keepalive: int = 30,
        handlers: Handlers,
        min_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> None:
        self.host, self.port, self.client_id = host, port, client_id
        self.username, self.password, self.keepalive = username, password, keepalive
        self.handlers = handlers
        self.min_delay, self.max_delay = min_delay, max_delay
        self.generation = 0
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._last_send = 0.0
        self._next_id = 0
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)
        self._thread: threading.Thread | None = None

    # --- any thread ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"mqtt-{self.client_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Say DISCONNECT (the broker keeps the session) and end the thread."""
        self._stop.set()
        self._send(DISCONNECT_PACKET)
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._wake_r.close()
        self._wake_w.close()

    def is_connected(self) -> bool:
        return self._sock is not None

    def subscribe(self, filters: list[str]) -> None:
        """Subscribe to these topic filters at QoS 1 (the SUBACK comes through `on_subscribe`)."""
        if filters:
            self._next_id = self._next_id % 65535 + 1
            self._send(subscribe_packet(self._next_id, filters))

    def ack(self, messages: list[Publish]) -> None:
        """Acknowledge these QoS 1 messages in one write. Those of an earlier connection are not: the broker sends
        them again on this one (their ingestion is idempotent), and their identifiers may name other messages now."""
        ids = [m.packet_id for m in messages if m.qos == 1 and m.generation == self.generation]
        if ids:
            self._send(puback_packets(ids))

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            sock = self._sock
            if sock is None:
                return
            try:
                sock.sendall(data)
                self._last_send = time.monotonic()
            except OSError as exc:
                logger.warning("MQTT write failed: %s", exc)
                self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        """Close a broken connection (the reading thread sees it and connects again)."""
        if self._sock is sock:
            self._sock = None
        sock.close()
        self._wake()

    def _wake(self) -> None:
        """Interrupt the reading thread's wait."""
        with contextlib.suppress(OSError):  # already awake (buffer full) or stopped
            self._wake_w.send(b"x")

    # --- the subscriber's thread ---------------------------------------------------------------------------------

    def _run(self) -> None:
        delay = self.min_delay
        while not self._stop.is_set():
            error = ""
            try:
                sock = self._connect()
                delay = self.min_delay
                self._session(sock)
            except OSError as exc:  # ProtocolError too
                error = str(exc) or exc.__class__.__name__
            finally:
                sock_now = self._sock
                if sock_now is not None:
                    with self._send_lock:
                        self._drop(sock_now)
            if self._stop.is_set():
                self.handlers.on_disconnect("")
                return
            self.handlers.on_disconnect(error or "connexion perdue")
            self._stop.wait(delay)
            delay = min(delay * 2, self.max_delay)

    def _connect(self) -> socket.socket:
        sock = open_session(
            self.host,
            self.port,
            connect_packet(
                client_id=self.client_id, keepalive=self.keepalive, username=self.username, password=self.password
            ),
        )
        with self._send_lock:
            self.generation += 1
            self._sock, self._last_send = sock, time.monotonic()
        self.handlers.on_connect()
        return sock

    def _session(self, sock: socket.socket) -> None:
        buffer = bytearray()
        ping_sent: float | None = None
        while not self._stop.is_set():
            now = time.monotonic()
            if now - self._last_send >= self.keepalive / 2:
                self._send(PINGREQ_PACKET)
                ping_sent = ping_sent or now
            if ping_sent is not None and now - ping_sent > self.keepalive:
                raise ConnectionError("le broker ne répond plus (PINGRESP attendu)")
            wait = max(0.05, self._last_send + self.keepalive / 2 - now)
            ready, _w, _x = select.select([sock, self._wake_r], [], [], wait)
            if self._wake_r in ready:
                self._wake_r.recv(64)
            if self._sock is not sock:
                raise ConnectionError("connexion fermée")
            if sock not in ready:
                continue
            data = sock.recv(READ_SIZE)
            if not data:
                raise ConnectionError("connexion fermée par le broker")
            buffer += data
            packets, used = split_packets(buffer)
            del buffer[:used]
            messages = []
            generation = self.generation
            for first, body in packets:
                kind = first >> 4
                if kind == PUBLISH:
                    messages.append(decode_publish(first, body, generation))
                elif kind == PINGRESP:
                    ping_sent = None
                elif kind == SUBACK:
                    self.handlers.on_subscribe(list(body[2:]))
                elif kind != PUBACK:  # nothing we publish asks for more
                    raise ProtocolError(f"paquet inattendu (type {kind})")
            if messages:
                self.handlers.on_messages(messages)


class BulkPublisher:
    """A QoS 1 publisher on one connection (clean session), for load: `publish()` encodes the messages and writes
    them in large sends, a reader thread counts the broker's PUBACKs, and at most `window` wait for theirs (packet
    identifiers wrap at 65 535: the window stays below). `wait()` returns once every message is acknowledged."""

    def __init__(self, *, host: str, port: int, client_id: str, window: int = 20_000, chunk: int = 500) -> None:
        if not 0 < window < 65_535:
            raise ValueError("window: 1 to 65,534 messages awaiting their PUBACK (packet identifiers wrap at 65,535)")
        self.window, self.chunk = window, min(chunk, window)
        self.sent = self.acked = 0
        self._next_id = 0
        self._acks = threading.Condition()
        self._sock = open_session(
            host, port, connect_packet(client_id=client_id, keepalive=0, clean_session=True), timeout=30
        )
        self._sock.settimeout(None)
        self.error: BaseException | None = None
        self._reader = threading.Thread(target=self._read, name="mqtt-bulk-publisher", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = bytearray()
        try:
            while data := self._sock.recv(READ_SIZE):
                buffer += data
                packets, used = split_packets(buffer)
                del buffer[:used]
                acked = sum(1 for first, _body in packets if first >> 4 == PUBACK)
                if acked:
                    with self._acks:
                        self.acked += acked
                        self._acks.notify_all()
            self.error = ConnectionError("connexion fermée par le broker")  # waiting longer would wait for nothing
        except OSError as exc:
            self.error = exc
        finally:
            with self._acks:
                self._acks.notify_all()

    def publish(self, messages: Sequence[tuple[str, bytes | str]]) -> None:
        """Send these (topic, payload) at QoS 1, `chunk` packets a write, never more than `window` unacknowledged."""
        for start in range(0, len(messages), self.chunk):
            part = messages[start : start + self.chunk]
            packets = []
            for topic, payload in part:
                self._next_id = self._next_id % 65_535 + 1
                body = payload.encode() if isinstance(payload, str) else payload
                packets.append(publish_packet(topic, body, self._next_id))
            room = self.window - len(part)  # unacknowledged messages this chunk may join

            def has_room(room: int = room) -> bool:
                return self.sent - self.acked <= room or self.error is not None

            with self._acks:
                if not self._acks.wait_for(has_room, timeout=600):
                    raise TimeoutError("le broker n'acquitte plus")
                if self.error is not None:
                    raise ConnectionError(f"connexion perdue : {self.error}")
                self.sent += len(part)
            self._sock.sendall(b"".join(packets))

    def wait(self, timeout: float = 600.0) -> None:
        """Until the broker has acknowledged every message sent."""
        with self._acks:
            if not self._acks.wait_for(lambda: self.acked >= self.sent or self.error, timeout=timeout):
                raise TimeoutError(f"{self.sent - self.acked} messages jamais acquittés")
        if self.acked < self.sent:
            raise ConnectionError(f"connexion perdue : {self.error}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.sendall(DISCONNECT_PACKET)
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._reader.join(5)


class PahoSubscriber:
    """The same surface over paho-mqtt, for MQTT 5 (`MQTT_PROTOCOL=5`): a session kept an hour by the broker
    (Session Expiry Interval), paho's own reconnection (1 s up to 30 s), acknowledgements one by one."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        username: str = "",
        password: str = "",
        keepalive: int = 30,
        handlers: Handlers,
    ) -> None:
        import paho.mqtt.client as mqtt

        self.host, self.port, self.keepalive = host, port, keepalive
        self.generation = 0
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)

        def connected(client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
            if reason_code.is_failure:
                logger.error("MQTT connection refused by %s:%s: %s", host, port, reason_code)
                return
            self.generation += 1
            handlers.on_connect()

        def disconnected(client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
            handlers.on_disconnect(str(reason_code) if reason_code.is_failure else "")

        def message(client: Any, userdata: Any, m: Any) -> None:
            handlers.on_messages([Publish(m.topic, bytes(m.payload), m.qos, m.mid, self.generation)])

        self.client.on_connect = connected
        self.client.on_disconnect = disconnected
        self.client.on_message = message
        self.client.on_subscribe = lambda client, userdata, mid, codes, properties: handlers.on_subscribe(
            [code.value for code in codes]
        )

    def start(self) -> None:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect_async(
            self.host, self.port, keepalive=self.keepalive, clean_start=False, properties=properties
        )
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def is_connected(self) -> bool:
        return bool(self.client.is_connected())

    def subscribe(self, filters: list[str]) -> None:
        if filters:
            self.client.subscribe([(topic, 1) for topic in filters])

    def ack(self, messages: list[Publish]) -> None:
        for m in messages:
            if m.qos and m.generation == self.generation:
                self.client.ack(m.packet_id, m.qos)

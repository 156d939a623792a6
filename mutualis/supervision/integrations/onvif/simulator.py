"""A simulated ONVIF camera (the tests' device peer, and the demo's camera): an HTTP server on a loopback port
speaking SOAP 1.2 like a camera.

It answers GetSystemDateAndTime and GetCapabilities on its device service, CreatePullPointSubscription on its event
service, PullMessages, Renew and Unsubscribe on each subscription's address; it checks the WS-Security
UsernameToken digest against its own clock (which may be set off ours), checks the WS-Addressing headers and the
echoed reference parameter, and serves queued notifications in the shapes cameras send. It names itself by a LAN
address it does not listen on (192.0.2.10, as behind a NAT) so a client must keep its configured host. Tests can
make it fault, expire its subscriptions, drop connections or go down and come back on the same port. What a
client does against the protocol is kept in `errors` (and answered with a fault). Not a device for production:
`manage.py simulate_onvif_device` serves it for the demo.
"""

import base64
import datetime
import hashlib
import http.server
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mutualis.supervision.integrations.onvif.pullpoint import (
    ACTIONS,
    SOAP_ENV,
    TDS,
    TEV,
    TT,
    WSA,
    WSNT,
    WSSE,
    WSU,
    OnvifProtocolError,
    parse_duration,
    parse_xml,
)

LAN_HOST = "192.0.2.10"
DIGEST_REALM = "onvif-simulator"


class ProtocolViolation(Exception):
    """A request the device refuses because the client broke the protocol (kept in `OnvifDevice.errors`)."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise ProtocolViolation(message)


TOPIC_DIALECT = "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet"


def _iso(when: datetime.datetime) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def notification(
    topic: str,
    data: dict[str, str] | None = None,
    *,
    source: dict[str, str] | None = None,
    operation: str = "Changed",
    at: datetime.datetime | None = None,
) -> str:
    """One `wsnt:NotificationMessage` as a camera writes it (topic with the tns1: prefix)."""
    at = at or datetime.datetime.now(datetime.UTC)
    source = {"VideoSourceConfigurationToken": "VideoSourceToken-1"} if source is None else source
    items = "".join(f'<tt:SimpleItem Name="{k}" Value="{v}"/>' for k, v in source.items())
    values = "".join(f'<tt:SimpleItem Name="{k}" Value="{v}"/>' for k, v in (data or {}).items())
    return (
        f'<wsnt:NotificationMessage><wsnt:Topic Dialect="{TOPIC_DIALECT}">tns1:{topic}</wsnt:Topic>'
        f'<wsnt:Message><tt:Message UtcTime="{_iso(at)}" PropertyOperation="{operation}">'
        f"<tt:Source>{items}</tt:Source><tt:Data>{values}</tt:Data></tt:Message></wsnt:Message>"
        "</wsnt:NotificationMessage>"
    )


def _envelope(body: str, action: str = "") -> bytes:
    header = f"<wsa:Action>{action}</wsa:Action>" if action else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP_ENV}" xmlns:wsa="{WSA}" '
        f'xmlns:wsnt="{WSNT}" xmlns:tev="{TEV}" xmlns:tds="{TDS}" xmlns:tt="{TT}" '
        f'xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:ter="http://www.onvif.org/ver10/error">'
        f"<env:Header>{header}</env:Header><env:Body>{body}</env:Body></env:Envelope>"
    ).encode()


def fault_body(code: str, subcode: str, reason: str) -> str:
    """A SOAP 1.2 fault body (ter: subcodes as ONVIF devices send them)."""
    return (
        f"<env:Fault><env:Code><env:Value>env:{code}</env:Value><env:Subcode><env:Value>{subcode}</env:Value>"
        f'</env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">{reason}</env:Text></env:Reason></env:Fault>'
    )


@dataclass
class _Subscription:
    id: str
    termination: datetime.datetime  # device time


@dataclass
class OnvifDevice:
    """The device's state, shared between the test and its server's threads."""

    username: str = "admin"
    password: str = "secret-camera-pass"
    clock_skew: datetime.timedelta = datetime.timedelta(0)  # the device's clock minus ours
    ignore_message_limit: bool = False
    renew_supported: bool = True
    max_timeout: datetime.timedelta | None = None  # a longer PullMessages Timeout is refused with the maximum
    port: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    auth_failures: int = 0
    unsubscribed: list[str] = field(default_factory=list)
    subscriptions: dict[str, _Subscription] = field(default_factory=dict)
    queued: list[str] = field(default_factory=list)
    faults: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # operation → (code, subcode, reason)
    drop: bool = False  # close every connection without answering
    http_digest: bool = False  # also require HTTP Digest authentication (RFC 7616, MD5, qop=auth)
    errors: list[str] = field(default_factory=list)  # what the client did against the protocol
    lock: threading.Condition = field(default_factory=threading.Condition)
    server: http.server.ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    # --- the test's side -------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The device service URL a source is configured with."""
        return f"http://127.0.0.1:{self.port}/onvif/device_service"

    def now(self) -> datetime.datetime:
        """The device's clock."""
        return datetime.datetime.now(datetime.UTC) + self.clock_skew

    def push(self, *messages: str) -> None:
        """Queue notifications for the next PullMessages (wakes a pull waiting on the device)."""
        with self.lock:
            self.queued.extend(messages)
            self.lock.notify_all()

    def fault(self, operation: str, subcode: str, reason: str, code: str = "Sender") -> None:
        """Answer `operation` with this fault until cleared (`clear_fault`)."""
        with self.lock:
            self.faults[operation] = (code, subcode, reason)

    def clear_fault(self, operation: str) -> None:
        with self.lock:
            self.faults.pop(operation, None)

    def expire_subscriptions(self) -> None:
        """Forget every subscription, as a device does when they time out or it restarts."""
        with self.lock:
            self.subscriptions.clear()
            self.lock.notify_all()

    def start(self) -> None:
        """Listen (on a free port the first time, on the same port again after `stop`)."""
        self.drop = False
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="onvif-device", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until `start` (the device is down)."""
        if self.server is not None:
            with self.lock:
                self.drop = True  # the pulls in progress end without an answer
                self.lock.notify_all()
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # --- the device's side -----------------------------------------------------------------------------------------

    def check_http_digest(self, headers: Any, method: str) -> bool:
        """An HTTP Digest `Authorization` header for this user and password (the nonce is not tracked: a test
        device, not a secure one)."""
        value = headers.get("Authorization", "")
        if not value.startswith("Digest "):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', value[len("Digest ") :]))

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - what HTTP Digest (MD5) is

        ha1 = md5(f"{fields.get('username', '')}:{DIGEST_REALM}:{self.password}")
        ha2 = md5(f"{method}:{fields.get('uri', '')}")
        expected = md5(
            f"{ha1}:{fields.get('nonce', '')}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:"
            f"{fields.get('qop', '')}:{ha2}"
        )
        return fields.get("username") == self.username and fields.get("response") == expected

    def check_token(self, header: ET.Element | None) -> bool:
        """The UsernameToken: this user, Base64(SHA-1(nonce + created + password)), Created within 5 minutes of
        the device's clock."""
        token = header.find(f"{{{WSSE}}}Security/{{{WSSE}}}UsernameToken") if header is not None else None
        if token is None:
            return False
        username = token.findtext(f"{{{WSSE}}}Username", "")
        digest = token.findtext(f"{{{WSSE}}}Password", "")
        nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce", ""))
        created = token.findtext(f"{{{WSU}}}Created", "")
        expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + self.password.encode()).digest())  # noqa: S324
        try:
            stamped = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return False
        fresh = abs((stamped - self.now()).total_seconds()) < 300
        return username == self.username and digest == expected.decode() and fresh

    def answer(self, path: str, raw: bytes) -> tuple[int, bytes]:
        """One SOAP request → (HTTP status, envelope)."""
        root = parse_xml(raw)
        header = root.find(f"{{{SOAP_ENV}}}Header")
        found = root.find(f"{{{SOAP_ENV}}}Body")
        if found is None or not len(found):
            raise ProtocolViolation("a SOAP body with one operation")
        body = found
        operation = body[0].tag.rsplit("}", 1)[-1]
        self.calls[operation] += 1
        with self.lock:
            injected = self.faults.get(operation)
        if injected:
            return 400, _envelope(fault_body(*injected))
        if operation == "GetSystemDateAndTime":  # unauthenticated, by the standard
            return 200, _envelope(self._date_and_time())
        if not self.check_token(header):
            self.auth_failures += 1
            return 400, _envelope(fault_body("Sender", "ter:NotAuthorized", "Sender not Authorized"))
        if operation == "GetCapabilities":
            xaddr = f"http://{LAN_HOST}/onvif/events"
            return 200, _envelope(
                f"<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Events><tt:XAddr>{xaddr}</tt:XAddr>"
                "<tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events></tds:Capabilities>"
                "</tds:GetCapabilitiesResponse>"
            )
        if operation == "CreatePullPointSubscription":
            _require(path == "/onvif/events", f"subscribed at {path}")
            return self._subscribe(body[0])
        # The subscription's operations: addressed to it, with its reference parameter echoed.
        _require(header is not None, "a SOAP header")
        assert header is not None  # for the type checker
        to = header.findtext(f"{{{WSA}}}To", "")
        action = header.findtext(f"{{{WSA}}}Action", "")
        _require(action == ACTIONS[operation], f"wsa:Action {action!r}")
        _require(to.endswith(path), f"wsa:To {to!r} for {path}")
        reference = header.find("{http://example.org/device}SubscriptionId")
        subscription_id = path.rsplit("/", 1)[-1]
        _require(
            reference is not None and reference.get(f"{{{WSA}}}IsReferenceParameter") == "true",
            "the subscription's reference parameter echoed",
        )
        _require(reference is not None and reference.text == subscription_id, "the reference parameter's value")
        with self.lock:
            subscription = self.subscriptions.get(subscription_id)
            if subscription is not None and subscription.termination < self.now():
                del self.subscriptions[subscription_id]
                subscription = None
        if subscription is None:
            return 400, _envelope(
                fault_body("Receiver", "wsrf-rw:ResourceUnknownFault", "Unknown subscription"),
            )
        if operation == "PullMessages":
            return self._pull(subscription, body[0])
        if operation == "Renew":
            if not self.renew_supported:
                return 400, _envelope(fault_body("Receiver", "ter:ActionNotSupported", "Renew not supported"))
            asked = parse_duration(body[0].findtext(f"{{{WSNT}}}TerminationTime", "")) or datetime.timedelta(60)
            subscription.termination = self.now() + asked
            return 200, _envelope(
                f"<wsnt:RenewResponse><wsnt:TerminationTime>{_iso(subscription.termination)}</wsnt:TerminationTime>"
                f"<wsnt:CurrentTime>{_iso(self.now())}</wsnt:CurrentTime></wsnt:RenewResponse>",
                ACTIONS["Renew"].replace("Request", "Response"),
            )
        if operation == "Unsubscribe":
            with self.lock:
                self.subscriptions.pop(subscription_id, None)
                self.unsubscribed.append(subscription_id)
            return 200, _envelope("<wsnt:UnsubscribeResponse/>")
        return 400, _envelope(fault_body("Receiver", "ter:ActionNotSupported", operation))

    def _date_and_time(self) -> str:
        now = self.now()
        return (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
            "<tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime>"
            f"<tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute><tt:Second>{now.second}"
            f"</tt:Second></tt:Time><tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}</tt:Month>"
            f"<tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime>"
            "</tds:GetSystemDateAndTimeResponse>"
        )

    def _subscribe(self, request: ET.Element) -> tuple[int, bytes]:
        asked = parse_duration(request.findtext(f"{{{TEV}}}InitialTerminationTime", "")) or datetime.timedelta(60)
        subscription = _Subscription(uuid.uuid4().hex[:12], self.now() + asked)
        with self.lock:
            self.subscriptions[subscription.id] = subscription
        address = f"http://{LAN_HOST}/onvif/subscription/{subscription.id}"
        return 200, _envelope(
            "<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>"
            f"<wsa:Address>{address}</wsa:Address><wsa:ReferenceParameters>"
            f'<dev:SubscriptionId xmlns:dev="http://example.org/device">{subscription.id}</dev:SubscriptionId>'
            "</wsa:ReferenceParameters></tev:SubscriptionReference>"
            f"<wsnt:CurrentTime>{_iso(self.now())}</wsnt:CurrentTime>"
            f"<wsnt:TerminationTime>{_iso(subscription.termination)}</wsnt:TerminationTime>"
            "</tev:CreatePullPointSubscriptionResponse>"
        )

    def _pull(self, subscription: _Subscription, request: ET.Element) -> tuple[int, bytes]:
        wait = parse_duration(request.findtext(f"{{{TEV}}}Timeout", "")) or datetime.timedelta(seconds=1)
        if self.max_timeout is not None and wait > self.max_timeout:
            seconds = int(self.max_timeout.total_seconds())
            return 400, _envelope(
                fault_body("Sender", "ter:InvalidArgVal", "Timeout beyond the maximum").replace(
                    "</env:Reason>",
                    f"</env:Reason><env:Detail><tev:PullMessagesFaultResponse><tev:MaxTimeout>PT{seconds}S"
                    "</tev:MaxTimeout><tev:MaxMessageLimit>10</tev:MaxMessageLimit>"
                    "</tev:PullMessagesFaultResponse></env:Detail>",
                )
            )
        limit = int(request.findtext(f"{{{TEV}}}MessageLimit", "1") or 1)
        deadline = time.monotonic() + min(wait.total_seconds(), 5.0)
        with self.lock:
            while not self.queued and subscription.id in self.subscriptions and not self.drop:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.lock.wait(remaining)
            count = len(self.queued) if self.ignore_message_limit else min(limit, len(self.queued))
            messages, self.queued[:] = self.queued[:count], self.queued[count:]
        # As ONVIF Core says, a pull keeps the subscription alive for at least its timeout.
        subscription.termination = max(subscription.termination, self.now() + wait)
        return 200, _envelope(
            f"<tev:PullMessagesResponse><tev:CurrentTime>{_iso(self.now())}</tev:CurrentTime>"
            f"<tev:TerminationTime>{_iso(subscription.termination)}</tev:TerminationTime>"
            f"{''.join(messages)}</tev:PullMessagesResponse>",
            ACTIONS["PullMessages"].replace("Request", "Response"),
        )


def _handler(device: OnvifDevice) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if device.http_digest and not device.drop and not device.check_http_digest(self.headers, "POST"):
                challenge = f'Digest realm="{DIGEST_REALM}", qop="auth", nonce="{uuid.uuid4().hex}", algorithm=MD5'
                self.send_response(401)
                self.send_header("WWW-Authenticate", challenge)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not device.drop:
                try:
                    _require(self.headers.get("Content-Type", "").startswith("application/soap+xml"), "SOAP 1.2 type")
                    status, answer = device.answer(self.path, raw)
                except (ProtocolViolation, OnvifProtocolError) as exc:
                    device.errors.append(str(exc))
                    status, answer = 500, _envelope(fault_body("Sender", "ter:ProtocolError", "Protocol error"))
            if device.drop:
                # A device rebooting or a flaky link: the connection closes without an answer.
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass

    return Handler

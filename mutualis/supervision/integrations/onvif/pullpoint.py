"""A small ONVIF Event Service client (ONVIF Core, « Event handling », the PullPoint interface), SOAP 1.2 over HTTP.

The operations: GetSystemDateAndTime and GetCapabilities on the device service (the device's clock and its event
service address), then CreatePullPointSubscription on the event service, and PullMessages, Renew and Unsubscribe
on the subscription reference it returns, with WS-Addressing `To`/`Action` headers (and the reference's parameters
echoed, as WS-Addressing requires and some devices check).

Authentication is WS-Security UsernameToken with PasswordDigest: Base64(SHA-1(nonce + created + password)).
Cameras refuse a `Created` too far from their own clock, and camera clocks drift: every answer that carries the
device's time (the date/time call, CurrentTime of subscriptions and pulls) updates a per-client offset, and
`Created` is written in the device's time. A device that also asks for HTTP Digest (a 401 with its challenge)
gets it, with the same credentials.

Quirks handled (seen on real devices): a PullMessages answer with more messages than MessageLimit (taken as they
come), a Timeout beyond the device's maximum (asked again within the MaxTimeout its fault gives), addresses in the answers that name the device's own LAN address behind a NAT (the configured host is kept,
the path is taken), the older WS-Addressing namespace (2004/08), a device ignoring Renew (ActionNotSupported: the
pulls keep the subscription alive, as ONVIF Core allows), faults as HTTP 400 or 500 with a SOAP body.
"""

import base64
import datetime
import hashlib
import http.client
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.dateparse import parse_datetime

from mutualis.supervision.integrations.base import MappingError
from mutualis.supervision.integrations.onvif.mapping import MAX_XML, parse_root

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
WSA_OLD = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSNT = "http://docs.oasis-open.org/wsn/b-2"
TEV = "http://www.onvif.org/ver10/events/wsdl"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TT = "http://www.onvif.org/ver10/schema"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
NONCE_BASE64 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

ACTIONS = {
    "GetSystemDateAndTime": f"{TDS}/GetSystemDateAndTime",
    "GetCapabilities": f"{TDS}/GetCapabilities",
    "CreatePullPointSubscription": f"{TEV}/EventPortType/CreatePullPointSubscriptionRequest",
    "PullMessages": f"{TEV}/PullPointSubscription/PullMessagesRequest",
    "Renew": "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest",
    "Unsubscribe": "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest",
}
MAX_ANSWER = MAX_XML
# Fault subcodes that mean the credentials (or the clock they are stamped with) were refused.
AUTH_SUBCODES = frozenset({"NotAuthorized", "FailedAuthentication", "InvalidSecurity", "InvalidSecurityToken"})
# Fault subcodes that mean the subscription is gone (expired, unsubscribed, the device restarted).
GONE_SUBCODES = frozenset({"ResourceUnknownFault", "ResourceUnknown", "UnknownSubscription"})


class OnvifError(Exception):
    """Something went wrong talking to an ONVIF device (the message is for the ingest process' log)."""


class OnvifConnectionError(OnvifError):
    """The device could not be reached, timed out or dropped the connection."""


class OnvifProtocolError(OnvifError):
    """The device answered something that is not a readable SOAP answer."""


class OnvifFault(OnvifError):
    """A SOAP fault: its code (env:Sender / env:Receiver), the most specific subcode, the reason text."""

    def __init__(
        self, code: str, reason: str, *, subcode: str = "", http_status: int = 0, detail: dict[str, str] | None = None
    ) -> None:
        self.code, self.reason, self.subcode, self.http_status = code, reason, subcode, http_status
        # The fault's detail elements by local name (a PullMessagesFaultResponse's MaxTimeout, MaxMessageLimit).
        self.detail = detail or {}
        super().__init__(f"{code}{f' / {subcode}' if subcode else ''}: {reason}")

    @property
    def is_auth(self) -> bool:
        """Whether the device refused the credentials."""
        return self.subcode in AUTH_SUBCODES or self.http_status == 401

    @property
    def is_gone(self) -> bool:
        """Whether the subscription no longer exists on the device."""
        return self.subcode in GONE_SUBCODES


@dataclass
class Subscription:
    """A pull point on the device: the address to pull from, its reference parameters, and when it ends (device
    time)."""

    address: str
    termination_time: datetime.datetime | None
    reference_parameters: list[str] = field(default_factory=list)


@dataclass
class PullResult:
    """One PullMessages answer: the device's times and the raw envelope (the mapping reads its notifications)."""

    current_time: datetime.datetime | None
    termination_time: datetime.datetime | None
    message_count: int
    envelope: bytes


def password_digest(nonce: bytes, created: str, password: str) -> str:
    """The UsernameToken PasswordDigest: Base64(SHA-1(nonce + created + password))."""
    return base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()  # noqa: S324


def xsd_duration(delta: datetime.timedelta) -> str:
    """A duration as xs:duration (PT60S)."""
    return f"PT{max(0, int(delta.total_seconds()))}S"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(parent: ET.Element, name: str) -> ET.Element | None:
    """The first descendant of this local name, whatever its namespace (devices differ on prefixes and versions)."""
    for element in parent.iter():
        if _local(element.tag) == name:
            return element
    return None


def _time(parent: ET.Element, name: str) -> datetime.datetime | None:
    element = _find(parent, name)
    text = (element.text or "").strip() if element is not None else ""
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def parse_xml(raw: bytes) -> ET.Element:
    """A device's answer read with the mapping's safeguards (size, no DTD), or OnvifProtocolError."""
    try:
        return parse_root(raw)
    except MappingError as exc:
        raise OnvifProtocolError(str(exc)) from None


def _fault(root: ET.Element, http_status: int) -> OnvifFault | None:
    fault = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    if fault is None:
        return None
    code_value = fault.find(f"{{{SOAP_ENV}}}Code/{{{SOAP_ENV}}}Value")
    code = _strip_prefix(code_value.text if code_value is not None else "")
    subcode = ""
    # The most specific subcode: Code/Subcode/Value, Code/Subcode/Subcode/Value…
    node = fault.find(f"{{{SOAP_ENV}}}Code")
    while node is not None:
        node = node.find(f"{{{SOAP_ENV}}}Subcode")
        if node is not None:
            value = node.find(f"{{{SOAP_ENV}}}Value")
            subcode = _strip_prefix(value.text if value is not None else "") or subcode
    reason = fault.find(f"{{{SOAP_ENV}}}Reason/{{{SOAP_ENV}}}Text")
    text = (reason.text or "").strip() if reason is not None else ""
    detail_element = fault.find(f"{{{SOAP_ENV}}}Detail")
    detail = {
        _local(element.tag): (element.text or "").strip()
        for element in (detail_element.iter() if detail_element is not None else [])
        if len(element) == 0 and (element.text or "").strip()
    }
    return OnvifFault(
        code or "Receiver", text or "(sans motif)", subcode=subcode, http_status=http_status, detail=detail
    )


def _strip_prefix(value: str | None) -> str:
    text = (value or "").strip()
    return text.split(":", 1)[1] if ":" in text else text


class PullPointClient:
    """The ONVIF event client of one device: `subscribe()`, `pull()` in a loop, `renew()`, `unsubscribe()`."""

    def __init__(
        self,
        url: str,
        *,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OnvifError(f"URL ONVIF invalide : {url!r} (http:// ou https:// attendu).")
        self.device_url = url
        self.events_url = ""
        self.username, self.password, self.timeout = username, password, timeout
        # Device clock minus ours, learnt from the device's answers.
        self.clock_offset = datetime.timedelta(0)
        # The device's PullMessages maxima, once it has said them (in a PullMessagesFaultResponse).
        self.max_pull_timeout: datetime.timedelta | None = None
        self.max_message_limit = 0
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPRedirectHandler()]
        if username:
            # Some devices want HTTP Digest on top of (or instead of) WS-Security: answered when they ask (401).
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", username, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        self._opener = urllib.request.build_opener(*handlers)

    # --- time ------------------------------------------------------------------------------------------------------

    def device_now(self) -> datetime.datetime:
        """Our clock corrected by the device's offset: the time the device thinks it is."""
        return datetime.datetime.now(datetime.UTC) + self.clock_offset

    def _learn_clock(self, device_time: datetime.datetime | None, sent_at: datetime.datetime) -> None:
        if device_time is None:
            return
        # The device stamped its answer between our send and now: the midpoint is the best guess of when.
        now = datetime.datetime.now(datetime.UTC)
        self.clock_offset = device_time - (sent_at + (now - sent_at) / 2)

    # --- SOAP ------------------------------------------------------------------------------------------------------

    def _security_header(self) -> str:
        if not self.username:
            return ""
        nonce = os.urandom(16)
        created = self.device_now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return (
            f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" env:mustUnderstand="true">'
            f"<wsse:UsernameToken><wsse:Username>{escape(self.username)}</wsse:Username>"
            f'<wsse:Password Type="{PASSWORD_DIGEST}">{password_digest(nonce, created, self.password)}</wsse:Password>'
            f'<wsse:Nonce EncodingType="{NONCE_BASE64}">{base64.b64encode(nonce).decode()}</wsse:Nonce>'
            f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>"
        )

    def _envelope(self, operation: str, body: str, *, to: str = "", parameters: list[str] | None = None) -> bytes:
        headers = self._security_header()
        if to:
            headers += (
                f"<wsa:Action>{escape(ACTIONS[operation])}</wsa:Action>"
                f"<wsa:MessageID>urn:uuid:{uuid.uuid4()}</wsa:MessageID>"
                f"<wsa:To>{escape(to)}</wsa:To>" + "".join(parameters or [])
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP_ENV}" xmlns:wsa="{WSA}" '
            f'xmlns:wsnt="{WSNT}" xmlns:tev="{TEV}" xmlns:tds="{TDS}" xmlns:tt="{TT}">'
            f"<env:Header>{headers}</env:Header><env:Body>{body}</env:Body></env:Envelope>"
        ).encode()

    def call(
        self,
        url: str,
        operation: str,
        body: str,
        *,
        addressed: bool = False,
        parameters: list[str] | None = None,
        timeout: float | None = None,
    ) -> tuple[ET.Element, bytes]:
        """POST one SOAP 1.2 request; the answer's root and bytes, or OnvifFault / OnvifConnectionError /
        OnvifProtocolError."""
        data = self._envelope(operation, body, to=url if addressed else "", parameters=parameters)
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__ and _same_host
            url,
            data=data,
            method="POST",
            headers={"Content-Type": f'application/soap+xml; charset=utf-8; action="{ACTIONS[operation]}"'},
        )
        status = 200
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as answer:
                raw = answer.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as exc:
            status = exc.code
            try:
                raw = exc.read(MAX_ANSWER + 1)
            except (OSError, http.client.HTTPException):
                raw = b""
            finally:
                exc.close()
            if not raw.strip():
                if status == 401:
                    raise OnvifFault(
                        "Sender", "Accès refusé (HTTP 401).", subcode="NotAuthorized", http_status=401
                    ) from None
                raise OnvifConnectionError(f"{operation} : HTTP {status}.") from None
        except (OSError, http.client.HTTPException) as exc:
            # URLError, timeouts, refused or reset connections, a device closing mid-answer.
            reason = getattr(exc, "reason", exc)
            raise OnvifConnectionError(f"{operation} : {reason or type(exc).__name__}.") from None
        root = parse_xml(raw)
        fault = _fault(root, status)
        if fault is not None:
            raise fault
        if status != 200:
            raise OnvifProtocolError(f"{operation} : HTTP {status} sans faute SOAP.")
        body_element = root.find(f"{{{SOAP_ENV}}}Body")
        if body_element is None:
            raise OnvifProtocolError(f"{operation} : réponse sans corps SOAP.")
        return body_element, raw

    def _keep_host(self, address: str) -> str:
        """An address the device gave, with the configured scheme, host and port (devices behind a NAT name
        their LAN address)."""
        configured = urllib.parse.urlsplit(self.device_url)
        given = urllib.parse.urlsplit(address.strip())
        if given.scheme not in ("http", "https") or not given.netloc:
            raise OnvifProtocolError(f"Adresse ONVIF invalide dans la réponse : {address[:200]!r}.")
        return urllib.parse.urlunsplit((configured.scheme, configured.netloc, given.path, given.query, ""))

    # --- device service --------------------------------------------------------------------------------------------

    def sync_clock(self) -> datetime.timedelta:
        """Read the device's clock (GetSystemDateAndTime, answered without authentication by the standard)."""
        sent = datetime.datetime.now(datetime.UTC)
        body, _raw = self.call(self.device_url, "GetSystemDateAndTime", "<tds:GetSystemDateAndTime/>")
        utc = _find(body, "UTCDateTime")
        if utc is None:
            raise OnvifProtocolError("GetSystemDateAndTime : pas d'heure UTC.")
        values = {}
        for name in ("Year", "Month", "Day", "Hour", "Minute", "Second"):
            element = _find(utc, name)
            try:
                values[name.lower()] = int((element.text or "") if element is not None else "")
            except ValueError:
                raise OnvifProtocolError(f"GetSystemDateAndTime : « {name} » illisible.") from None
        try:
            device_time = datetime.datetime(**values, tzinfo=datetime.UTC)
        except ValueError:
            raise OnvifProtocolError("GetSystemDateAndTime : date impossible.") from None
        # Whole seconds: half a second of rounding is far inside the devices' tolerance (typically 5 minutes).
        self._learn_clock(device_time, sent)
        return self.clock_offset

    def discover_events_url(self) -> str:
        """The event service's address (GetCapabilities, category Events); the configured URL when the device
        does not say (it is then taken to be the event service itself)."""
        try:
            body, _raw = self.call(
                self.device_url, "GetCapabilities", "<tds:GetCapabilities><tds:Category>Events</tds:Category>"
                "</tds:GetCapabilities>"
            )  # fmt: skip
        except OnvifFault as fault:
            if fault.is_auth:
                raise
            self.events_url = self.device_url
            return self.events_url
        events = _find(body, "Events")
        xaddr = _find(events, "XAddr") if events is not None else None
        self.events_url = self._keep_host(xaddr.text or "") if xaddr is not None and xaddr.text else self.device_url
        return self.events_url

    # --- event service ---------------------------------------------------------------------------------------------

    def subscribe(self, initial_termination: datetime.timedelta) -> Subscription:
        """CreatePullPointSubscription with an InitialTerminationTime (a duration, as most devices want)."""
        if not self.events_url:
            self.discover_events_url()
        sent = datetime.datetime.now(datetime.UTC)
        body, _raw = self.call(
            self.events_url,
            "CreatePullPointSubscription",
            "<tev:CreatePullPointSubscription><tev:InitialTerminationTime>"
            f"{xsd_duration(initial_termination)}</tev:InitialTerminationTime></tev:CreatePullPointSubscription>",
        )
        self._learn_clock(_time(body, "CurrentTime"), sent)
        reference = _find(body, "SubscriptionReference")
        address = _find(reference, "Address") if reference is not None else None
        if address is None or not (address.text or "").strip():
            raise OnvifProtocolError("CreatePullPointSubscription : pas d'adresse d'abonnement.")
        parameters = []
        params = _find(reference, "ReferenceParameters") if reference is not None else None
        if params is not None:
            for child in params:
                # Echoed as headers, marked as WS-Addressing wants (the device matches its subscription on them).
                child.set(f"{{{WSA}}}IsReferenceParameter", "true")
                parameters.append(ET.tostring(child, encoding="unicode"))
        return Subscription(
            address=self._keep_host(address.text or ""),
            termination_time=_time(body, "TerminationTime"),
            reference_parameters=parameters,
        )

    def pull(self, subscription: Subscription, *, timeout: datetime.timedelta, limit: int) -> PullResult:
        """PullMessages: wait up to `timeout` on the device for up to `limit` messages (devices may send more).
        A device refusing them as beyond its maxima (PullMessagesFaultResponse) is asked again within them."""
        try:
            return self._pull(subscription, timeout=timeout, limit=limit)
        except OnvifFault as fault:
            max_timeout = parse_duration(fault.detail.get("MaxTimeout", ""))
            try:
                max_limit = int(fault.detail.get("MaxMessageLimit", "0"))
            except ValueError:
                max_limit = 0
            if max_timeout is None and not max_limit:
                raise
            self.max_pull_timeout = max_timeout or self.max_pull_timeout
            self.max_message_limit = max_limit or self.max_message_limit
            return self._pull(subscription, timeout=timeout, limit=limit)

    def _pull(self, subscription: Subscription, *, timeout: datetime.timedelta, limit: int) -> PullResult:
        if self.max_pull_timeout is not None:
            timeout = min(timeout, self.max_pull_timeout)
        if self.max_message_limit:
            limit = min(limit, self.max_message_limit)
        sent = datetime.datetime.now(datetime.UTC)
        body, raw = self.call(
            subscription.address,
            "PullMessages",
            f"<tev:PullMessages><tev:Timeout>{xsd_duration(timeout)}</tev:Timeout>"
            f"<tev:MessageLimit>{int(limit)}</tev:MessageLimit></tev:PullMessages>",
            addressed=True,
            parameters=subscription.reference_parameters,
            # The device holds the answer up to `timeout`: the socket waits that long, and some more.
            timeout=timeout.total_seconds() + self.timeout,
        )
        answer = _find(body, "PullMessagesResponse")
        if answer is None:
            raise OnvifProtocolError("PullMessages : réponse inattendue.")
        current = _time(answer, "CurrentTime")
        self._learn_clock(current, sent)
        termination = _time(answer, "TerminationTime")
        if termination is not None:
            subscription.termination_time = termination
        count = sum(1 for element in answer.iter() if _local(element.tag) == "NotificationMessage")
        return PullResult(current_time=current, termination_time=termination, message_count=count, envelope=raw)

    def renew(self, subscription: Subscription, termination: datetime.timedelta) -> datetime.datetime | None:
        """Renew the subscription for `termination` more; returns the new termination time (device time)."""
        sent = datetime.datetime.now(datetime.UTC)
        body, _raw = self.call(
            subscription.address,
            "Renew",
            f"<wsnt:Renew><wsnt:TerminationTime>{xsd_duration(termination)}</wsnt:TerminationTime></wsnt:Renew>",
            addressed=True,
            parameters=subscription.reference_parameters,
        )
        self._learn_clock(_time(body, "CurrentTime"), sent)
        termination_time = _time(body, "TerminationTime")
        if termination_time is not None:
            subscription.termination_time = termination_time
        return termination_time

    def unsubscribe(self, subscription: Subscription) -> None:
        """Unsubscribe: the device frees the pull point (they have few)."""
        self.call(
            subscription.address,
            "Unsubscribe",
            "<wsnt:Unsubscribe/>",
            addressed=True,
            parameters=subscription.reference_parameters,
        )


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str) -> datetime.timedelta | None:
    """An xs:duration of days, hours, minutes, seconds (PT1M, PT30S, P1DT2H), or None."""
    match = _DURATION.match((text or "").strip())
    if not match or text.strip() in ("P", "PT"):
        return None
    days, hours, minutes, seconds = match.groups()
    return datetime.timedelta(
        days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0)
    )


__all__ = [
    "OnvifConnectionError",
    "OnvifError",
    "OnvifFault",
    "OnvifProtocolError",
    "PullPointClient",
    "PullResult",
    "Subscription",
    "parse_duration",
    "password_digest",
]

"""The ONVIF PullPoint client against a real HTTP ONVIF device: the four operations, the UsernameToken digest
stamped in the device's time, addresses kept on the configured host, faults and lost connections as clear
exceptions."""

import base64
import datetime
import hashlib

import pytest

from mutualis.supervision.integrations.onvif.mapping import parse_notifications
from mutualis.supervision.integrations.onvif.pullpoint import (
    OnvifConnectionError,
    OnvifError,
    OnvifFault,
    OnvifProtocolError,
    PullPointClient,
    parse_duration,
    parse_xml,
    password_digest,
)
from mutualis.supervision.tests import onvif_device as peer
from mutualis.supervision.tests.onvif_device import notification

onvif_device = peer.onvif_device
MINUTE = datetime.timedelta(minutes=1)
SHORT = datetime.timedelta(seconds=0.2)


def _client(device, **kwargs) -> PullPointClient:
    options = {"username": device.username, "password": device.password, "timeout": 3.0, **kwargs}
    return PullPointClient(device.url, **options)


def test_the_password_digest_is_the_ws_security_formula():
    """WS-Security UsernameToken Profile 1.0 § 3.1: PasswordDigest = Base64(SHA-1(nonce + created + password))."""
    nonce, created = b"\x01" * 16, "2026-12-02T01:00:00.000Z"
    expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + b"p@ss").digest()).decode()  # noqa: S324
    assert password_digest(nonce, created, "p@ss") == expected


def test_subscribe_pull_renew_unsubscribe(onvif_device):
    """A subscription at the event service the device names, pulls of its notifications (at the configured host,
    not the device's LAN address), a Renew that moves its end, an Unsubscribe that frees it."""
    client = _client(onvif_device)
    subscription = client.subscribe(MINUTE)
    assert client.events_url.endswith(f"127.0.0.1:{onvif_device.port}/onvif/events")
    assert subscription.address.startswith(f"http://127.0.0.1:{onvif_device.port}/onvif/subscription/")
    onvif_device.push(notification("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "true"}))
    result = client.pull(subscription, timeout=SHORT, limit=10)
    [motion] = parse_notifications(result.envelope)
    assert result.message_count == 1 and motion.topic == "RuleEngine/CellMotionDetector/Motion"
    assert client.pull(subscription, timeout=SHORT, limit=10).message_count == 0
    before = subscription.termination_time
    assert client.renew(subscription, datetime.timedelta(minutes=10)) > before
    client.unsubscribe(subscription)
    assert list(onvif_device.unsubscribed) == [subscription.address.rsplit("/", 1)[-1]]
    with pytest.raises(OnvifFault) as gone:
        client.pull(subscription, timeout=SHORT, limit=10)
    assert gone.value.is_gone


def test_the_digest_is_stamped_in_the_device_time(onvif_device):
    """A camera whose clock is 20 minutes ahead refuses a digest stamped with our clock; once its time is read
    (GetSystemDateAndTime), the client stamps in its time and is accepted."""
    onvif_device.clock_skew = datetime.timedelta(minutes=20)
    naive = _client(onvif_device)
    with pytest.raises(OnvifFault) as refused:
        naive.subscribe(MINUTE)
    assert refused.value.is_auth
    client = _client(onvif_device)
    offset = client.sync_clock()
    assert abs(offset - onvif_device.clock_skew) < datetime.timedelta(seconds=3)
    client.subscribe(MINUTE)
    onvif_device.clock_skew += datetime.timedelta(minutes=4)
    # The pulls' CurrentTime keeps the offset up to date as the camera's clock drifts.
    client.pull(client.subscribe(MINUTE), timeout=SHORT, limit=1)
    assert abs(client.clock_offset - onvif_device.clock_skew) < datetime.timedelta(seconds=3)


def test_a_wrong_password_is_an_authentication_fault(onvif_device):
    """The device's NotAuthorized fault comes out as OnvifFault, code, subcode and reason, flagged as
    authentication."""
    with pytest.raises(OnvifFault) as fault:
        _client(onvif_device, password="faux").subscribe(MINUTE)
    assert (fault.value.code, fault.value.subcode, fault.value.is_auth) == ("Sender", "NotAuthorized", True)
    assert fault.value.reason == "Sender not Authorized"


def test_http_digest_is_answered_when_the_device_asks(onvif_device):
    """A device that also wants HTTP Digest (401 with a Digest challenge) gets it with the same credentials; a
    client without the right password is refused with an authentication fault."""
    onvif_device.http_digest = True
    client = _client(onvif_device)
    subscription = client.subscribe(MINUTE)
    assert client.pull(subscription, timeout=SHORT, limit=1).message_count == 0
    with pytest.raises(OnvifFault) as refused:
        _client(onvif_device, password="faux").subscribe(MINUTE)
    assert refused.value.is_auth


def test_a_device_down_or_dropping_is_a_connection_error(onvif_device):
    """A refused connection and a connection closed without an answer are OnvifConnectionError."""
    client = _client(onvif_device)
    subscription = client.subscribe(MINUTE)
    onvif_device.drop = True
    with pytest.raises(OnvifConnectionError):
        client.pull(subscription, timeout=SHORT, limit=1)
    onvif_device.stop()
    with pytest.raises(OnvifConnectionError):
        client.pull(subscription, timeout=SHORT, limit=1)


def test_devices_answering_more_than_message_limit_are_read_whole(onvif_device):
    """MessageLimit is a wish some devices ignore: every message of the answer is returned."""
    onvif_device.ignore_message_limit = True
    client = _client(onvif_device)
    subscription = client.subscribe(MINUTE)
    onvif_device.push(*(notification("RuleEngine/LineDetector/Crossed", {"ObjectId": str(n)}) for n in range(4)))
    assert client.pull(subscription, timeout=SHORT, limit=1).message_count == 4


def test_a_pull_beyond_the_device_maxima_is_asked_again_within_them(onvif_device):
    """A device refusing a Timeout beyond its maximum (PullMessagesFaultResponse with MaxTimeout and
    MaxMessageLimit) is asked again within them, and the client keeps them."""
    onvif_device.max_timeout = datetime.timedelta(seconds=1)
    client = _client(onvif_device)
    subscription = client.subscribe(MINUTE)
    onvif_device.push(notification("VideoSource/MotionAlarm", {"State": "true"}))
    assert client.pull(subscription, timeout=datetime.timedelta(seconds=30), limit=100).message_count == 1
    assert (client.max_pull_timeout, client.max_message_limit) == (datetime.timedelta(seconds=1), 10)
    assert onvif_device.calls["PullMessages"] == 2
    client.pull(subscription, timeout=datetime.timedelta(seconds=30), limit=100)
    assert onvif_device.calls["PullMessages"] == 3


@pytest.mark.parametrize(
    "raw",
    [b"<pas du xml", b'<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>', b"x" * 1_000_001],
)
def test_unreadable_answers_are_protocol_errors(raw):
    """An answer that is not XML, carries a DTD (entity expansion) or is too big is refused."""
    with pytest.raises(OnvifProtocolError):
        parse_xml(raw)


def test_only_http_and_https_device_urls():
    """ONVIF's SOAP binding is HTTP: other schemes are refused before any request."""
    with pytest.raises(OnvifError):
        PullPointClient("file:///etc/passwd")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT60S", 60), ("PT1M", 60), ("PT1H30M", 5400), ("P1DT2S", 86402), ("PT0.5S", 0.5), ("P", None), ("60", None)],
)
def test_xsd_durations(text, seconds):
    """xs:duration as devices write the timeouts and terminations."""
    value = parse_duration(text)
    assert (value.total_seconds() if value is not None else None) == seconds

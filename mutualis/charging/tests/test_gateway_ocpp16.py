"""OCPP 1.6J over a real websocket on loopback, the `ocpp` package as the charge point: every charge point → central
system message of the issue, answered per the spec and stored."""

import datetime

import pytest
from django.utils import timezone
from ocpp.v16 import call

from mutualis.charging.choices import ReconciliationReason, SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, Connector, MessageLog, MeterValue
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import committed, eventually, url

pytestmark = pytest.mark.asyncio


def _point(registry):
    return ChargePoint.objects.get(pk=registry.cp16.pk)


async def test_boot_is_accepted_with_the_heartbeat_interval_and_the_point_is_online(gateway, registry):
    """A registered point's BootNotification is Accepted with the heartbeat interval; it shows online, with what it
    said it is; a Heartbeat gets the central system's time."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        response = await point.boot()
        assert response.status == "Accepted" and response.interval > 0
        cp = await committed(lambda: _point(registry))
        assert cp.is_online and cp.vendor == "Mutualis" and cp.model == "SIM-22" and cp.connected_protocol == "1.6"
        assert cp.registration_status == "Accepted" and cp.boot_at is not None
        heartbeat = await point.heartbeat()
        assert heartbeat.current_time.endswith("Z")
    finally:
        await close_client(ws, reader)
    cp = await eventually(lambda: (c := _point(registry)) and not c.is_online and c)
    assert cp.offline_since is not None and cp.gateway_id == ""


async def test_a_point_taken_out_of_service_is_rejected_at_boot(gateway, registry):
    """A point marked out of service after it connected gets BootNotification Rejected."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await committed(lambda: ChargePoint.objects.filter(pk=registry.cp16.pk).update(is_active=False))
        response = await point.call(call.BootNotification(charge_point_model="M", charge_point_vendor="V"))
        assert response.status == "Rejected"
    finally:
        await close_client(ws, reader)


async def test_status_notifications_are_kept_per_connector_and_connector_zero_is_the_point(gateway, registry):
    """StatusNotification sets each connector's status (connector 0: the whole point); an unknown connector is
    added; a status queued while offline, older than the one kept, does not overwrite it."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await point.boot()
        await point.status("Faulted", error_code="GroundFailure", connector_id=0)
        await point.status("Charging", connector_id=2)
        old = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
        await point.call(
            call.StatusNotification(connector_id=2, error_code="NoError", status="Available", timestamp=old)
        )
        await gateway.settled()  # statuses are written after their answer
        rows = await committed(
            lambda: {
                c.connector_id: (c.status, c.error_code) for c in Connector.objects.filter(charge_point=registry.cp16)
            }
        )
        assert rows == {0: ("Faulted", "GroundFailure"), 1: ("Available", ""), 2: ("Charging", "")}
    finally:
        await close_client(ws, reader)


async def test_authorize_answers_each_badge_status(gateway, registry):
    """Authorize: an accepted badge is Accepted (whatever its case), a blocked one Blocked, an unknown one Invalid."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        statuses = [
            (await point.call(call.Authorize(id_tag=tag))).id_tag_info["status"]
            for tag in ("BADGE-OK", "badge-ok", "BADGE-BLOCKED", "NOBODY")
        ]
        assert statuses == ["Accepted", "Accepted", "Blocked", "Invalid"]
    finally:
        await close_client(ws, reader)


async def test_a_charge_start_meter_values_stop_is_one_session(gateway, registry):
    """StartTransaction is committed before its answer leaves (another connection sees the session as soon as the
    point has its transactionId); MeterValues are stored on it; StopTransaction with transactionData closes it with
    the point's figures."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await point.boot()
        start_wh = point.meter_wh
        transaction_id = await point.start_charge("BADGE-OK")
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.status == SessionStatus.ACTIVE and session.tag_id == registry.tag.pk
        assert session.meter_start_wh == start_wh and session.authorization_status == "Accepted"
        await point.send_meter()
        await point.send_meter()
        response = await point.stop_charge(reason="EVDisconnected")
        assert response.id_tag_info is None
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.status == SessionStatus.COMPLETED and session.stop_reason == "EVDisconnected"
        assert session.meter_stop_wh == point.meter_wh and session.energy_wh == point.meter_wh - start_wh
        assert not session.reconciled
        values = await committed(lambda: MeterValue.objects.filter(session_id=transaction_id).count())
        assert values == 2 * 2 + 2  # two MeterValues of two samples, the transactionData's two
    finally:
        await close_client(ws, reader)


async def test_a_start_for_a_blocked_badge_gets_a_transaction_and_blocked(gateway, registry):
    """OCPP 1.6: StartTransaction always gets a transactionId; a blocked badge's idTagInfo says Blocked (the point
    then stops), and the session records it."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        response = await point.call(
            call.StartTransaction(
                connector_id=1, id_tag="BADGE-BLOCKED", meter_start=10, timestamp=timezone.now().isoformat()
            )
        )
        assert response.id_tag_info["status"] == "Blocked"
        session = await committed(lambda: ChargingSession.objects.get(pk=response.transaction_id))
        assert session.authorization_status == "Blocked"
    finally:
        await close_client(ws, reader)


async def test_a_replayed_start_gets_the_same_transaction(gateway, registry):
    """A StartTransaction sent again after a reconnect (the answer was lost) gets the transaction already recorded,
    not a second session."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        message = call.StartTransaction(
            connector_id=1, id_tag="BADGE-OK", meter_start=500, timestamp="2026-03-01T10:00:00Z"
        )
        first = await point.call(message)
        second = await point.call(message)
        assert first.transaction_id == second.transaction_id
        assert await committed(lambda: ChargingSession.objects.filter(charge_point=registry.cp16).count()) == 1
    finally:
        await close_client(ws, reader)


async def test_data_transfer_and_status_notifications_of_firmware_and_diagnostics(gateway, registry):
    """DataTransfer from an unknown vendor is answered UnknownVendorId (OCPP 1.6 § 4.3); Diagnostics and Firmware
    status notifications are recorded on the point."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        response = await point.call(call.DataTransfer(vendor_id="com.example", message_id="x", data="y"))
        assert response.status == "UnknownVendorId"
        await point.call(call.DiagnosticsStatusNotification(status="Uploaded"))
        await point.call(call.FirmwareStatusNotification(status="Installed"))
        cp = await committed(lambda: _point(registry))
        assert (cp.diagnostics_status, cp.firmware_status) == ("Uploaded", "Installed")
    finally:
        await close_client(ws, reader)


async def test_frames_are_kept_in_the_message_log(gateway, registry):
    """Every frame exchanged (calls in, results out) is kept in the message log, with its action."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await point.heartbeat()
        frames = await eventually(
            lambda: (
                list(MessageLog.objects.filter(charge_point=registry.cp16).values_list("direction", "kind", "action"))
                if MessageLog.objects.filter(charge_point=registry.cp16).count() >= 2
                else None
            )
        )
        assert ("in", "call", "Heartbeat") in frames and ("out", "result", "Heartbeat") in frames
    finally:
        await close_client(ws, reader)


async def test_meter_values_without_transaction_go_to_the_connector_session(gateway, registry):
    """MeterValues without transactionId are attached to the connector's open session; energy in kWh is read as
    such."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        point.meter_wh = 1000
        transaction_id = await point.start_charge("BADGE-OK")
        sample = {"timestamp": timezone.now().isoformat(), "sampledValue": [{"value": "1.5", "unit": "kWh"}]}
        await point.call(call.MeterValues(connector_id=1, meter_value=[sample]))
        await gateway.settled()  # meter values are written after their answer
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.last_meter_wh == 1500 and session.energy_wh == 500
    finally:
        await close_client(ws, reader)


async def test_a_reboot_closes_what_the_point_left_open(gateway, registry):
    """A point that reboots during a charge: its open session is closed at the BootNotification with the last
    meter reading and the reason « Reboot », marked reconciled — never a zombie."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        transaction_id = await point.start_charge("BADGE-OK")
        await point.send_meter()
        last = point.meter_wh
        await point.boot()
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.status == SessionStatus.COMPLETED and session.stop_reason == "Reboot"
        assert session.reconciled and session.reconciliation_reason == ReconciliationReason.REBOOT
        assert session.meter_stop_wh == last
    finally:
        await close_client(ws, reader)

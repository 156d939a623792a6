"""OCPP 2.0.1 over a real websocket on loopback, the `ocpp` package as the charging station: the core profile's
station → CSMS messages, answered per the spec and stored in the same session model as 1.6."""

import pytest
from ocpp.v201 import call

from mutualis.charging.choices import OcppVersion, SessionOrigin, SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, Connector, MeterValue
from mutualis.charging.simulator import close_client, energy_sample, now_iso, open_client
from mutualis.charging.tests.conftest import committed, url

pytestmark = pytest.mark.asyncio


async def test_boot_heartbeat_and_status_of_a_201_station(gateway, registry):
    """BootNotification Accepted with the interval; Heartbeat answered with the time; StatusNotification kept per
    EVSE and connector."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        response = await station.boot()
        assert response.status == "Accepted" and response.interval > 0
        assert (await station.heartbeat()).current_time.endswith("Z")
        await station.status("Occupied")
        await gateway.settled()  # statuses are written after their answer
        cp = await committed(lambda: ChargePoint.objects.get(pk=registry.cp201.pk))
        assert cp.connected_protocol == "2.0.1" and cp.vendor == "Mutualis" and cp.model == "SIM-201"
        connector = await committed(
            lambda: Connector.objects.get(charge_point=registry.cp201, evse_id=1, connector_id=1)
        )
        assert connector.status == "Occupied"
    finally:
        await close_client(ws, reader)


async def test_authorize_answers_accepted_blocked_and_unknown(gateway, registry):
    """Authorize: an accepted token Accepted, a blocked one Blocked, an unknown one Unknown (2.0.1 names)."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        statuses = [
            (await station.call(call.Authorize(id_token={"id_token": token, "type": "ISO14443"}))).id_token_info[
                "status"
            ]
            for token in ("BADGE-OK", "BADGE-BLOCKED", "NOBODY")
        ]
        assert statuses == ["Accepted", "Blocked", "Unknown"]
    finally:
        await close_client(ws, reader)


async def test_transaction_events_started_updated_ended_make_one_session(gateway, registry):
    """TransactionEvent Started creates the session (committed before the answer), Updated adds meter values and
    keeps the highest seqNo, Ended closes it with the stoppedReason and the last register."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        await station.boot()
        start_wh = station.meter_wh
        ref = await station.start_charge("BADGE-OK")
        session = await committed(lambda: ChargingSession.objects.get(charge_point=registry.cp201, transaction_ref=ref))
        assert session.status == SessionStatus.ACTIVE and session.ocpp_version == OcppVersion.V201
        assert session.meter_start_wh == start_wh and session.tag_id == registry.tag.pk and session.seq_no == 1
        await station.send_meter()
        await station.send_meter()
        await station.stop_charge(reason="EVDisconnected")
        session = await committed(lambda: ChargingSession.objects.get(pk=session.pk))
        assert session.status == SessionStatus.COMPLETED and session.stop_reason == "EVDisconnected"
        assert session.seq_no == 4 and session.meter_stop_wh == station.meter_wh
        assert session.energy_wh == station.meter_wh - start_wh
        assert await committed(lambda: MeterValue.objects.filter(session=session).count()) == 8
    finally:
        await close_client(ws, reader)


async def test_meter_values_outside_a_transaction_are_stored(gateway, registry):
    """A MeterValues message (outside transactions) is stored against the station."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        await station.call(call.MeterValues(evse_id=1, meter_value=[energy_sample(1234, 0, version="2.0.1")]))
        await gateway.settled()  # meter values are written after their answer
        values = await committed(
            lambda: list(MeterValue.objects.filter(charge_point=registry.cp201).values_list("value", flat=True))
        )
        assert 1234.0 in values
    finally:
        await close_client(ws, reader)


async def test_an_ended_event_for_an_unknown_transaction_is_accepted_and_reconciled(gateway, registry):
    """A TransactionEvent Ended queued offline for a transaction the CSMS never heard of is acknowledged and
    recorded as a reconciled session, never refused."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        response = await station.call(
            call.TransactionEvent(
                event_type="Ended",
                timestamp=now_iso(),
                trigger_reason="EVCommunicationLost",
                seq_no=7,
                offline=True,
                transaction_info={"transaction_id": "OFFLINE-42", "stopped_reason": "PowerLoss"},
                meter_value=[energy_sample(5000, 0, version="2.0.1", context="Transaction.End")],
            )
        )
        assert response.id_token_info is None
        session = await committed(
            lambda: ChargingSession.objects.get(charge_point=registry.cp201, transaction_ref="OFFLINE-42")
        )
        assert session.status == SessionStatus.COMPLETED and session.reconciled
        assert session.origin == SessionOrigin.ORPHAN_STOP and session.stop_reason == "PowerLoss"
    finally:
        await close_client(ws, reader)


async def test_notifications_outside_the_core_profile_are_acknowledged(gateway, registry):
    """What stations send after booting besides the core profile (NotifyEvent, SecurityEventNotification,
    FirmwareStatusNotification) is acknowledged, not refused."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        await station.call(call.SecurityEventNotification(type="StartupOfTheDevice", timestamp=now_iso()))
        await station.call(call.FirmwareStatusNotification(status="Installed"))
        await station.call(
            call.NotifyEvent(
                generated_at=now_iso(),
                seq_no=0,
                event_data=[
                    {
                        "event_id": 1,
                        "timestamp": now_iso(),
                        "trigger": "Delta",
                        "actual_value": "1",
                        "event_notification_type": "HardWiredNotification",
                        "component": {"name": "EVSE"},
                        "variable": {"name": "Available"},
                    }
                ],
            )
        )
        cp = await committed(lambda: ChargePoint.objects.get(pk=registry.cp201.pk))
        assert cp.firmware_status == "Installed"
    finally:
        await close_client(ws, reader)

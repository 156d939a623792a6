"""What a charger queued while offline reaches the central system after a reconnect: accepted and reconciled,
never an error that makes it resend forever (over a real websocket on loopback)."""

import datetime

import pytest
from django.utils import timezone
from ocpp.v16 import call

from mutualis.charging.choices import ReconciliationReason, SessionOrigin, SessionStatus
from mutualis.charging.models import ChargingSession, MeterValue
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import committed, url

pytestmark = pytest.mark.asyncio


def _sample(at, wh):
    return {"timestamp": at.isoformat(), "sampledValue": [{"value": str(wh), "unit": "Wh"}]}


async def test_a_stop_queued_across_a_reboot_completes_the_reconciled_session(gateway, registry):
    """The point reboots mid-charge (the session is closed at boot with its last reading), reconnects and sends the
    StopTransaction it queued: accepted, and the session gets the point's own figures and reason."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    transaction_id = await point.start_charge("BADGE-OK")
    await point.send_meter()
    await close_client(ws, reader)

    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await point.boot()
        closed = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert closed.status == SessionStatus.COMPLETED and closed.reconciliation_reason == ReconciliationReason.REBOOT
        response = await point.call(
            call.StopTransaction(
                meter_stop=closed.meter_stop_wh + 700,
                timestamp=timezone.now().isoformat(),
                transaction_id=transaction_id,
                reason="PowerLoss",
                id_tag="BADGE-OK",
            )
        )
        assert response.id_tag_info["status"] == "Accepted"
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.stop_reason == "PowerLoss" and session.meter_stop_wh == closed.meter_stop_wh + 700
        assert session.reconciled and session.status == SessionStatus.COMPLETED
    finally:
        await close_client(ws, reader)


async def test_meter_values_with_old_timestamps_are_stored_without_moving_the_session_back(gateway, registry):
    """MeterValues queued offline arrive after newer ones: all stored, the session's latest reading stays the
    newest."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        point.meter_wh = 10_000
        transaction_id = await point.start_charge("BADGE-OK")
        now = timezone.now()
        await point.call(
            call.MeterValues(connector_id=1, transaction_id=transaction_id, meter_value=[_sample(now, 12_000)])
        )
        old = now - datetime.timedelta(minutes=30)
        await point.call(
            call.MeterValues(connector_id=1, transaction_id=transaction_id, meter_value=[_sample(old, 11_000)])
        )
        await gateway.settled()  # meter values are written after their answer
        session = await committed(lambda: ChargingSession.objects.get(pk=transaction_id))
        assert session.last_meter_wh == 12_000
        stored = await committed(
            lambda: sorted(MeterValue.objects.filter(session_id=transaction_id).values_list("value", flat=True))
        )
        assert stored == [11_000.0, 12_000.0]
    finally:
        await close_client(ws, reader)


async def test_a_stop_for_a_transaction_never_issued_is_accepted_and_reconciled(gateway, registry):
    """A StopTransaction for a transactionId the central system never issued (the point started while offline):
    answered normally, recorded as a reconciled session from its transactionData."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        started = timezone.now() - datetime.timedelta(hours=2)
        response = await point.call(
            call.StopTransaction(
                meter_stop=9_000,
                timestamp=timezone.now().isoformat(),
                transaction_id=987654,
                id_tag="BADGE-OK",
                reason="Local",
                transaction_data=[_sample(started, 4_000), _sample(timezone.now(), 9_000)],
            )
        )
        assert response.id_tag_info["status"] == "Accepted"
        session = await committed(
            lambda: ChargingSession.objects.get(charge_point=registry.cp16, transaction_ref="987654")
        )
        assert session.origin == SessionOrigin.ORPHAN_STOP and session.reconciled
        assert session.reconciliation_reason == ReconciliationReason.UNKNOWN_TRANSACTION
        assert session.status == SessionStatus.COMPLETED and session.energy_wh == 5_000
        assert abs((session.started_at - started).total_seconds()) < 1
    finally:
        await close_client(ws, reader)


async def test_a_new_start_on_a_busy_connector_reconciles_the_old_session(gateway, registry):
    """A StartTransaction on a connector whose previous session never got its stop: the old one is closed with its
    last reading (reconciled, « new transaction »), the new one starts."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        first = await point.start_charge("BADGE-OK")
        await point.send_meter()
        point.transaction = None  # the stop was lost
        second = await point.start_charge("BADGE-OK")
        old = await committed(lambda: ChargingSession.objects.get(pk=first))
        assert (
            old.status == SessionStatus.COMPLETED and old.reconciliation_reason == ReconciliationReason.NEW_TRANSACTION
        )
        assert (await committed(lambda: ChargingSession.objects.get(pk=second))).status == SessionStatus.ACTIVE
    finally:
        await close_client(ws, reader)

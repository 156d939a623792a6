"""Commands from the web side (the services) reach a connected point through the gateway, and its answer is
recorded — for every command of the issue, both versions, over real websockets on loopback."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mutualis.charging.choices import COMMAND_DONE, CommandStatus, ReservationStatus, SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, Command, Reservation
from mutualis.charging.services import commands, profiles, tags
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests.conftest import committed, eventually, make_gateway, url

pytestmark = pytest.mark.asyncio


async def _done(command):
    return await eventually(lambda: (c := Command.objects.get(pk=command.pk)).status in COMMAND_DONE and c)


async def _run(registry, action, payload, point="cp16"):
    command = await committed(
        lambda: commands.request_command(
            charge_point=ChargePoint.objects.get(pk=getattr(registry, point).pk),
            action=action,
            payload=payload,
            acting_user=registry.officer,
        )
    )
    return await _done(command)


async def test_a_remote_start_becomes_a_session_and_a_remote_stop_ends_it(gateway, registry):
    """RemoteStartTransaction is accepted and the point starts a session for the badge; RemoteStopTransaction of
    that session is accepted and the session ends with reason Remote."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        await point.boot()
        command = await committed(
            lambda: commands.remote_start(
                charge_point=ChargePoint.objects.get(pk=registry.cp16.pk),
                id_tag="BADGE-OK",
                acting_user=registry.officer,
            )
        )
        command = await _done(command)
        assert command.status == CommandStatus.ACCEPTED and command.result == {"status": "Accepted"}
        assert command.requested_by_id == registry.officer.pk and command.sent_at and command.answered_at
        session = await eventually(
            lambda: ChargingSession.objects.filter(charge_point=registry.cp16, status="active").first()
        )
        assert session.id_tag == "BADGE-OK"
        await eventually(lambda: ChargingSession.objects.get(pk=session.pk).last_meter_wh != session.meter_start_wh)
        stop = await committed(
            lambda: commands.remote_stop(
                session=ChargingSession.objects.get(pk=session.pk), acting_user=registry.officer
            )
        )
        assert (await _done(stop)).status == CommandStatus.ACCEPTED
        ended = await eventually(
            lambda: (s := ChargingSession.objects.get(pk=session.pk)).status == SessionStatus.COMPLETED and s
        )
        assert ended.stop_reason == "Remote"
    finally:
        await close_client(ws, reader)


async def test_a_201_remote_start_and_stop_use_request_start_and_stop(gateway, registry):
    """For a 2.0.1 station the same commands become RequestStartTransaction / RequestStopTransaction (with the
    station's own transactionId)."""
    station, ws, reader = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        command = await committed(
            lambda: commands.remote_start(
                charge_point=ChargePoint.objects.get(pk=registry.cp201.pk),
                id_tag="BADGE-OK",
                acting_user=registry.officer,
                connector_id=1,
            )
        )
        assert (await _done(command)).status == CommandStatus.ACCEPTED
        session = await eventually(
            lambda: ChargingSession.objects.filter(charge_point=registry.cp201, status="active").first()
        )
        stop = await committed(lambda: commands.remote_stop(session=session, acting_user=registry.officer))
        assert (await _done(stop)).status == CommandStatus.ACCEPTED
        ended = await eventually(
            lambda: (s := ChargingSession.objects.get(pk=session.pk)).status == SessionStatus.COMPLETED and s
        )
        assert ended.stop_reason == "Remote"
        reset = await _run(registry, "Reset", {"type": "Hard"}, point="cp201")
        assert reset.status == CommandStatus.ACCEPTED
    finally:
        await close_client(ws, reader)


@pytest.mark.parametrize(
    ("action", "payload", "status", "result_key"),
    [
        ("Reset", {"type": "Soft"}, CommandStatus.ACCEPTED, "status"),
        ("UnlockConnector", {"connectorId": 1}, CommandStatus.ACCEPTED, "status"),
        ("ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}, CommandStatus.ACCEPTED, "status"),
        ("GetConfiguration", {"key": ["HeartbeatInterval", "Nope"]}, CommandStatus.ACCEPTED, "configurationKey"),
        ("ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "30"}, CommandStatus.ACCEPTED, "status"),
        ("ChangeConfiguration", {"key": "Unknown", "value": "1"}, CommandStatus.REJECTED, "status"),
        ("TriggerMessage", {"requestedMessage": "Heartbeat"}, CommandStatus.ACCEPTED, "status"),
        ("TriggerMessage", {"requestedMessage": "MeterValues"}, CommandStatus.REJECTED, "status"),
        ("GetLocalListVersion", {}, CommandStatus.ACCEPTED, "listVersion"),
        ("ClearChargingProfile", {"id": 100}, CommandStatus.ACCEPTED, "status"),
        ("DataTransfer", {"vendorId": "fr.example"}, CommandStatus.REJECTED, "status"),
    ],
)
async def test_each_command_reaches_the_point_and_its_answer_is_recorded(
    gateway, registry, action, payload, status, result_key
):
    """Every 1.6 command requested through the service is delivered and its answer recorded, rejected when the
    point's status says so."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        command = await _run(registry, action, payload)
        assert command.status == status, command.error
        assert result_key in command.result
    finally:
        await close_client(ws, reader)


async def test_get_configuration_answer_is_kept_whole(gateway, registry):
    """GetConfiguration's answer — the keys and the unknown ones — is kept as the point sent it."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        command = await _run(registry, "GetConfiguration", {"key": ["HeartbeatInterval", "Nope"]})
        assert command.result["configurationKey"] == [{"key": "HeartbeatInterval", "readonly": False, "value": "60"}]
        assert command.result["unknownKey"] == ["Nope"]
    finally:
        await close_client(ws, reader)


async def test_reserve_now_and_cancel_move_the_reservation(gateway, registry):
    """ReserveNow accepted → the reservation is accepted; CancelReservation accepted → cancelled."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        reservation = await committed(
            lambda: commands.reservation_request(
                charge_point=ChargePoint.objects.get(pk=registry.cp16.pk),
                id_tag="BADGE-OK",
                expires_at=timezone.now() + datetime.timedelta(minutes=30),
                acting_user=registry.officer,
                connector_id=1,
            )
        )
        await eventually(lambda: Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.ACCEPTED)
        cancel = await committed(
            lambda: commands.reservation_cancel(
                reservation=Reservation.objects.get(pk=reservation.pk), acting_user=registry.officer
            )
        )
        assert (await _done(cancel)).status == CommandStatus.ACCEPTED
        assert await committed(lambda: Reservation.objects.get(pk=reservation.pk).status) == ReservationStatus.CANCELLED
    finally:
        await close_client(ws, reader)


async def test_send_local_list_records_the_version_the_point_accepted(gateway, registry):
    """SendLocalList (full the first time) carries every badge with its status; once the point accepts, its list
    version is recorded, and the next differential list carries only what changed since."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        command = await committed(
            lambda: tags.local_list_push(
                charge_point=ChargePoint.objects.get(pk=registry.cp16.pk), acting_user=registry.officer
            )
        )
        command = await _done(command)
        assert command.status == CommandStatus.ACCEPTED and command.payload["updateType"] == "Full"
        assert {e["idTag"]: e["idTagInfo"]["status"] for e in command.payload["localAuthorizationList"]} == {
            "BADGE-OK": "Accepted",
            "BADGE-BLOCKED": "Blocked",
        }
        version = command.payload["listVersion"]
        assert await committed(lambda: ChargePoint.objects.get(pk=registry.cp16.pk).local_list_version) == version
        await committed(lambda: tags.id_tag_update(tag=registry.tag, status="Blocked", acting_user=registry.officer))
        diff = await committed(
            lambda: tags.local_list_push(
                charge_point=ChargePoint.objects.get(pk=registry.cp16.pk), acting_user=registry.officer
            )
        )
        diff = await _done(diff)
        assert diff.payload["updateType"] == "Differential" and diff.payload["listVersion"] == version + 1
        assert [e["idTag"] for e in diff.payload["localAuthorizationList"]] == ["BADGE-OK"]
    finally:
        await close_client(ws, reader)


async def test_a_station_power_cap_is_shared_between_its_points(gateway, registry):
    """A station cap of 22 kW sent to its two 22 kW points: each gets SetChargingProfile at 11 kW (W), both
    versions, and accepts."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    station, ws2, reader2 = await open_client(url(gateway), "SYN-TEST-201", version="2.0.1")
    try:
        await committed(
            lambda: profiles.station_power_cap_set(
                station=registry.station, limit_kw=Decimal("22"), acting_user=registry.officer
            )
        )
        sent = await eventually(
            lambda: (
                (rows := list(Command.objects.filter(action="SetChargingProfile")))
                and all(c.status in COMMAND_DONE for c in rows)
                and rows
            )
        )
        assert [(c.status, c.error) for c in sent] == [(CommandStatus.ACCEPTED, "")] * 2
        limits = {
            c.payload["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] for c in sent
        }
        assert limits == {11000.0}
        assert point.power_w == 11000.0
    finally:
        await close_client(ws, reader)
        await close_client(ws2, reader2)


async def test_a_command_for_an_offline_point_waits_then_times_out(gateway, registry):
    """A command for a point that is not connected stays pending, is sent when the point connects within its
    time, and otherwise ends « sans réponse » (timeout)."""
    command = await committed(
        lambda: commands.request_command(
            charge_point=registry.cp16, action="Reset", payload={"type": "Soft"}, acting_user=registry.officer
        )
    )
    assert await committed(lambda: Command.objects.get(pk=command.pk).status) == CommandStatus.PENDING
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        assert (await _done(command)).status == CommandStatus.ACCEPTED
    finally:
        await close_client(ws, reader)
    late = await committed(
        lambda: commands.request_command(
            charge_point=registry.cp16, action="Reset", payload={"type": "Soft"}, acting_user=registry.officer
        )
    )
    assert await committed(lambda: commands.command_expire(now=timezone.now() + datetime.timedelta(minutes=5))) == 1
    assert await committed(lambda: Command.objects.get(pk=late.pk).status) == CommandStatus.TIMEOUT


async def test_a_command_the_point_refuses_with_a_call_error_is_failed(gateway, registry):
    """A command answered with a CallError (the point does not implement it) is recorded failed with the error."""
    point, ws, reader = await open_client(url(gateway), "SYN-TEST-16")
    try:
        command = await _run(registry, "CancelReservation", {"reservationId": 1})
        assert command.status == CommandStatus.ACCEPTED
        del point.route_map["CancelReservation"]
        command = await _run(registry, "CancelReservation", {"reservationId": 2})
        assert command.status == CommandStatus.FAILED and "NotImplemented" in command.error
    finally:
        await close_client(ws, reader)


async def test_a_command_reaches_a_point_held_by_another_gateway(registry):
    """Two gateways run at once: a command for a point connected to the second one is delivered by the second one
    (the database says who holds the connection)."""
    first = await make_gateway(gateway_id="gateway-1").start()
    second = await make_gateway(gateway_id="gateway-2").start()
    try:
        point, ws, reader = await open_client(url(second), "SYN-TEST-16")
        await eventually(lambda: ChargePoint.objects.get(pk=registry.cp16.pk).gateway_id == "gateway-2")
        command = await _run(registry, "UnlockConnector", {"connectorId": 1})
        assert command.status == CommandStatus.ACCEPTED and command.gateway_id == "gateway-2"
        await close_client(ws, reader)
    finally:
        await first.stop()
        await second.stop()

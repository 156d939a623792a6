"""OCPP 2.0.1, central system side, for the core profile: BootNotification, Heartbeat, StatusNotification,
Authorize, TransactionEvent, MeterValues, and the commands RequestStartTransaction, RequestStopTransaction, Reset
(and the other core-profile equivalents of the 1.6 commands). Schema validation on (the package's 2.0.1 schemas).

Stations also send, right after booting, notifications the core profile does not act on (NotifyReport,
NotifyEvent, SecurityEventNotification, LogStatusNotification, FirmwareStatusNotification): they are acknowledged —
an error would make the station resend them — and kept in the message log.
"""

import logging
from typing import Any

from django.utils import timezone
from ocpp.routing import on
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from mutualis.charging.choices import CommandAction
from mutualis.charging.integrations.base import OcppConnection
from mutualis.charging.integrations.ocpp16 import now_iso
from mutualis.charging.models import ChargingSession
from mutualis.charging.services import sessions, state, tags
from mutualis.charging.services.profiles import STATION_CAP_PROFILE_ID

logger = logging.getLogger("mutualis.charging.ocpp")

_RESET = {"Hard": "Immediate", "Soft": "OnIdle"}


def _transaction_ref(session_id: int) -> str:
    return ChargingSession.objects.filter(pk=session_id).values_list("transaction_ref", flat=True).first() or ""


class CentralSystem201(OcppConnection, ChargePoint201):
    """One OCPP 2.0.1 charging station's connection."""

    ERROR_CODES = {"OccurenceConstraintViolation": "OccurrenceConstraintViolation"}

    @on(Action.boot_notification)
    async def on_boot(self, charging_station: dict[str, Any], reason: str, **kwargs: Any) -> Any:
        station = self.raw.get("chargingStation") or {}
        status, interval = await self.db(
            state.boot,
            charge_point_id=self.pk,
            vendor=station.get("vendorName", ""),
            model=station.get("model", ""),
            serial_number=station.get("serialNumber", ""),
            firmware_version=station.get("firmwareVersion", ""),
            reason=reason,
        )
        return call_result.BootNotification(current_time=now_iso(), interval=interval, status=status)

    @on(Action.heartbeat)
    async def on_heartbeat(self, **kwargs: Any) -> Any:
        return call_result.Heartbeat(current_time=now_iso())

    @on(Action.status_notification)
    async def on_status(
        self, timestamp: str, connector_status: str, evse_id: int, connector_id: int, **kwargs: Any
    ) -> Any:
        # Deferred: the answer carries nothing from the database (written soon after, in order).
        await self.defer(
            state.statuses_changed,
            state.StatusReport(
                self.pk, connector_id, connector_status, evse_id, timestamp=timestamp, received_at=timezone.now()
            ),
        )
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_token: dict[str, Any], **kwargs: Any) -> Any:
        info = await self.db(tags.id_token_info, id_token=self.raw["idToken"]["idToken"], charge_point_id=self.pk)
        return call_result.Authorize(id_token_info=info)

    @on(Action.transaction_event)
    async def on_transaction_event(self, event_type: str, timestamp: str, seq_no: int, **kwargs: Any) -> Any:
        raw = self.raw
        try:
            response = await self.db(
                sessions.transaction_event,
                charge_point_id=self.pk,
                event_type=event_type,
                timestamp=timestamp,
                seq_no=seq_no,
                transaction_info=raw.get("transactionInfo") or {},
                trigger_reason=raw.get("triggerReason", ""),
                id_token=raw.get("idToken"),
                evse=raw.get("evse"),
                meter_value=raw.get("meterValue") or [],
            )
        except Exception:
            # As for a 1.6 StopTransaction: logged and acknowledged, never refused into an endless resend.
            logger.exception("%s: TransactionEvent %s not recorded", self.id, event_type)
            response = {}
        return call_result.TransactionEvent(id_token_info=response.get("idTokenInfo"))

    @on(Action.meter_values)
    async def on_meter_values(self, evse_id: int, meter_value: list, **kwargs: Any) -> Any:
        await self.defer(
            sessions.meter_values_batch,
            sessions.MeterReport(
                self.pk, evse_id, self.raw.get("meterValue") or [], None, evse_id, received_at=timezone.now()
            ),
        )
        return call_result.MeterValues()

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> Any:
        return call_result.DataTransfer(status="UnknownVendorId")

    @on(Action.firmware_status_notification)
    async def on_firmware_status(self, status: str, **kwargs: Any) -> Any:
        await self.db(state.firmware_status, charge_point_id=self.pk, status=status)
        return call_result.FirmwareStatusNotification()

    @on(Action.notify_report)
    async def on_notify_report(self, **kwargs: Any) -> Any:
        return call_result.NotifyReport()

    @on(Action.notify_event)
    async def on_notify_event(self, **kwargs: Any) -> Any:
        return call_result.NotifyEvent()

    @on(Action.security_event_notification)
    async def on_security_event(self, **kwargs: Any) -> Any:
        return call_result.SecurityEventNotification()

    @on(Action.log_status_notification)
    async def on_log_status(self, **kwargs: Any) -> Any:
        return call_result.LogStatusNotification()

    async def command_payload(self, command: Any) -> tuple[str, dict[str, Any]]:
        """The 2.0.1 request for a command expressed with 1.6 names (choices.COMMANDS_201)."""
        action, payload = command.action, command.payload
        if action == CommandAction.REMOTE_START:
            request: dict[str, Any] = {
                "idToken": {"idToken": payload["idTag"], "type": "ISO14443"},
                "remoteStartId": command.pk,
            }
            if payload.get("connectorId"):
                request["evseId"] = payload["connectorId"]
            return "RequestStartTransaction", request
        if action == CommandAction.REMOTE_STOP:
            ref = await self.db(_transaction_ref, payload["transactionId"])
            return "RequestStopTransaction", {"transactionId": ref or str(payload["transactionId"])}
        if action == CommandAction.RESET:
            return "Reset", {"type": _RESET.get(payload.get("type", "Soft"), "OnIdle")}
        if action == CommandAction.UNLOCK_CONNECTOR:
            return "UnlockConnector", {"evseId": payload["connectorId"], "connectorId": 1}
        if action == CommandAction.CHANGE_AVAILABILITY:
            request = {"operationalStatus": payload["type"]}
            if payload.get("connectorId"):
                request["evse"] = {"id": payload["connectorId"]}
            return "ChangeAvailability", request
        if action == CommandAction.TRIGGER_MESSAGE:
            request = {"requestedMessage": payload["requestedMessage"]}
            if payload.get("connectorId"):
                request["evse"] = {"id": payload["connectorId"]}
            return "TriggerMessage", request
        if action == CommandAction.SET_CHARGING_PROFILE:
            profile = payload["csChargingProfiles"]
            schedule = profile["chargingSchedule"]
            purpose = profile["chargingProfilePurpose"]
            return "SetChargingProfile", {
                "evseId": payload.get("connectorId", 0),
                "chargingProfile": {
                    "id": profile["chargingProfileId"],
                    "stackLevel": profile["stackLevel"],
                    "chargingProfilePurpose": "ChargingStationMaxProfile"
                    if purpose == "ChargePointMaxProfile"
                    else purpose,
                    "chargingProfileKind": profile["chargingProfileKind"],
                    "chargingSchedule": [
                        {
                            "id": 1,
                            "chargingRateUnit": schedule["chargingRateUnit"],
                            "chargingSchedulePeriod": [
                                {"startPeriod": p["startPeriod"], "limit": float(p["limit"])}
                                for p in schedule["chargingSchedulePeriod"]
                            ],
                        }
                    ],
                },
            }
        if action == CommandAction.CLEAR_CHARGING_PROFILE:
            return "ClearChargingProfile", {"chargingProfileId": payload.get("id", STATION_CAP_PROFILE_ID)}
        if action == CommandAction.DATA_TRANSFER:
            return "DataTransfer", {k: v for k, v in payload.items() if k in ("vendorId", "messageId", "data")}
        raise ValueError(f"{action} has no OCPP 2.0.1 equivalent here")

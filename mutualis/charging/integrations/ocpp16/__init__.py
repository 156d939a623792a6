"""OCPP 1.6J, central system side: the charge point's messages turned into calls of the charging services, and the
commands sent back to it. Schema validation is on (the `ocpp` package's 1.6 schemas, both ways)."""

import logging
from typing import Any

from django.utils import timezone
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call_result
from ocpp.v16.enums import Action, DataTransferStatus

from mutualis.charging.integrations.base import OcppConnection
from mutualis.charging.services import sessions, state, tags

logger = logging.getLogger("mutualis.charging.ocpp")


def now_iso() -> str:
    """The central system's time as OCPP wants it (UTC, « Z »)."""
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class CentralSystem16(OcppConnection, ChargePoint16):
    """One OCPP 1.6J charge point's connection."""

    ERROR_CODES = {
        "FormatViolation": "FormationViolation",
        "OccurrenceConstraintViolation": "OccurenceConstraintViolation",
        "MessageTypeNotSupported": "FormationViolation",
        "RpcFrameworkError": "ProtocolError",
    }
    UNKNOWN_TYPE_CODE = "FormationViolation"

    @on(Action.boot_notification)
    async def on_boot(self, charge_point_vendor: str, charge_point_model: str, **kwargs: Any) -> Any:
        status, interval = await self.db(
            state.boot,
            charge_point_id=self.pk,
            vendor=charge_point_vendor,
            model=charge_point_model,
            serial_number=kwargs.get("charge_point_serial_number") or kwargs.get("charge_box_serial_number") or "",
            firmware_version=kwargs.get("firmware_version") or "",
        )
        return call_result.BootNotification(current_time=now_iso(), interval=interval, status=status)

    @on(Action.heartbeat)
    async def on_heartbeat(self, **kwargs: Any) -> Any:
        # Being heard is recorded by the gateway (no write per heartbeat); the answer is the central system's time.
        return call_result.Heartbeat(current_time=now_iso())

    @on(Action.status_notification)
    async def on_status(self, connector_id: int, error_code: str, status: str, **kwargs: Any) -> Any:
        # Deferred: the answer carries nothing from the database (written within the gateway's persist delay, in order).
        await self.defer(
            state.statuses_changed,
            state.StatusReport(
                self.pk,
                connector_id,
                status,
                None,
                error_code,
                kwargs.get("info") or "",
                kwargs.get("vendor_error_code") or "",
                kwargs.get("timestamp"),
                timezone.now(),
            ),
        )
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str, **kwargs: Any) -> Any:
        info = await self.db(tags.authorize, id_tag=id_tag, charge_point_id=self.pk)
        return call_result.Authorize(id_tag_info=info)

    @on(Action.start_transaction)
    async def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **kwargs: Any
    ) -> Any:
        # The session is committed before this returns, hence before the answer leaves.
        transaction_id, info = await self.db(
            sessions.start_transaction,
            charge_point_id=self.pk,
            connector_id=connector_id,
            id_tag=id_tag,
            meter_start=meter_start,
            timestamp=timestamp,
            reservation_id=kwargs.get("reservation_id"),
        )
        return call_result.StartTransaction(transaction_id=transaction_id, id_tag_info=info)

    @on(Action.meter_values)
    async def on_meter_values(self, connector_id: int, **kwargs: Any) -> Any:
        # Deferred, as statuses are.
        await self.defer(
            sessions.meter_values_batch,
            sessions.MeterReport(
                self.pk,
                connector_id,
                self.raw.get("meterValue") or [],
                self.raw.get("transactionId"),
                None,
                timezone.now(),
            ),
        )
        return call_result.MeterValues()

    @on(Action.stop_transaction)
    async def on_stop_transaction(self, meter_stop: int, timestamp: str, transaction_id: int, **kwargs: Any) -> Any:
        # Queued stops come after reconnects, for sessions closed at the reboot or never started here: all accepted.
        # A failure of ours is logged and answered all the same (the frame is in the message log): an error would
        # make the point send it again forever.
        try:
            info = await self.db(
                sessions.stop_transaction,
                charge_point_id=self.pk,
                transaction_id=transaction_id,
                meter_stop=meter_stop,
                timestamp=timestamp,
                reason=kwargs.get("reason") or "",
                id_tag=kwargs.get("id_tag") or "",
                transaction_data=self.raw.get("transactionData") or [],
            )
        except Exception:
            logger.exception("%s: StopTransaction %s not recorded", self.id, transaction_id)
            info = None
        return call_result.StopTransaction(id_tag_info=info)

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> Any:
        # OCPP 1.6 § 4.3: a vendorId the central system has no extension for is answered UnknownVendorId.
        return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)

    @on(Action.diagnostics_status_notification)
    async def on_diagnostics_status(self, status: str, **kwargs: Any) -> Any:
        await self.db(state.diagnostics_status, charge_point_id=self.pk, status=status)
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware_status(self, status: str, **kwargs: Any) -> Any:
        await self.db(state.firmware_status, charge_point_id=self.pk, status=status)
        return call_result.FirmwareStatusNotification()

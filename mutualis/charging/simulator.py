"""Simulated charge points on the `ocpp` package (client side), for `manage.py simulate_chargers`, the tests and the
bench: a 1.6J charge point and a 2.0.1 charging station that boot, report their status, charge with meter values,
stop, and answer the central system's commands (a remote start becomes a charge). No Django here: they only speak
OCPP to a URL, like a real charger.
"""

import asyncio
import contextlib
import datetime
import logging
import random
import uuid
from collections.abc import Callable
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint as Client16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v16.enums import Action as Action16
from ocpp.v201 import ChargePoint as Client201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as result201
from ocpp.v201.enums import Action as Action201
from websockets.asyncio.client import connect

logger = logging.getLogger("mutualis.charging.simulator")


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def energy_sample(wh: int, watts: float, *, version: str, context: str = "Sample.Periodic") -> dict[str, Any]:
    """One MeterValue with the energy register and the power, as each version writes it."""
    if version == "2.0.1":
        return {
            "timestamp": now_iso(),
            "sampledValue": [
                {
                    "value": wh,
                    "context": context,
                    "measurand": "Energy.Active.Import.Register",
                    "unitOfMeasure": {"unit": "Wh"},
                },
                {
                    "value": watts,
                    "context": context,
                    "measurand": "Power.Active.Import",
                    "unitOfMeasure": {"unit": "W"},
                },
            ],
        }
    return {
        "timestamp": now_iso(),
        "sampledValue": [
            {"value": str(wh), "context": context, "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": f"{watts:.1f}", "context": context, "measurand": "Power.Active.Import", "unit": "W"},
        ],
    }


class _Charging:
    """What both simulated versions share: a meter, one connector, the charge in progress."""

    def __init__(self, *args: Any, power_w: float = 11000, meter_interval: float = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meter_wh = random.randint(100_000, 900_000)
        self.power_w = power_w
        self.meter_interval = meter_interval
        self.transaction: Any = None
        self.charging_task: asyncio.Task | None = None
        self.background: set[asyncio.Task] = set()
        self.on_reset: Callable[[], Any] | None = None

    def later(self, coro: Any) -> None:
        """Run a follow-up after the answer to the central system's call has left."""
        task = asyncio.create_task(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _after_answer(self) -> None:
        await asyncio.sleep(0.05)

    async def charge_for(self, id_tag: str, samples: int) -> None:
        """A whole charge: start, `samples` meter values, stop."""
        await self.start_charge(id_tag)  # type: ignore[attr-defined]
        for _ in range(samples):
            if self.transaction is None:
                return
            await asyncio.sleep(self.meter_interval)
            await self.send_meter()  # type: ignore[attr-defined]
        await self.stop_charge()  # type: ignore[attr-defined]

    def _meter_step(self) -> int:
        self.meter_wh += max(1, int(self.power_w * self.meter_interval / 3600))
        return self.meter_wh


class SimulatedChargePoint16(_Charging, Client16):
    """An OCPP 1.6J charge point with one connector."""

    async def boot(self) -> Any:
        response = await self.call(
            call16.BootNotification(
                charge_point_model="SIM-22", charge_point_vendor="Mutualis", firmware_version="1.0.0"
            )
        )
        await self.status("Available")
        return response

    async def heartbeat(self) -> Any:
        return await self.call(call16.Heartbeat())

    async def status(self, status: str, error_code: str = "NoError", connector_id: int = 1) -> Any:
        return await self.call(
            call16.StatusNotification(
                connector_id=connector_id, error_code=error_code, status=status, timestamp=now_iso()
            )
        )

    async def start_charge(self, id_tag: str, connector_id: int = 1) -> int:
        await self.status("Preparing")
        response = await self.call(
            call16.StartTransaction(
                connector_id=connector_id, id_tag=id_tag, meter_start=self.meter_wh, timestamp=now_iso()
            )
        )
        self.transaction = response.transaction_id
        if response.id_tag_info["status"] != "Accepted":
            await self.stop_charge(reason="DeAuthorized")
            return self.transaction
        await self.status("Charging")
        return self.transaction

    async def send_meter(self) -> Any:
        return await self.call(
            call16.MeterValues(
                connector_id=1,
                transaction_id=self.transaction,
                meter_value=[energy_sample(self._meter_step(), self.power_w, version="1.6")],
            )
        )

    async def stop_charge(self, reason: str = "Local") -> Any:
        if self.transaction is None:
            return None
        transaction_id, self.transaction = self.transaction, None
        response = await self.call(
            call16.StopTransaction(
                meter_stop=self.meter_wh,
                timestamp=now_iso(),
                transaction_id=transaction_id,
                reason=reason,
                transaction_data=[energy_sample(self.meter_wh, 0, version="1.6", context="Transaction.End")],
            )
        )
        await self.status("Finishing")
        await self.status("Available")
        return response

    # Commands from the central system

    @on(Action16.remote_start_transaction)
    async def on_remote_start(self, id_tag: str, **kwargs: Any) -> Any:
        if self.transaction is not None:
            return result16.RemoteStartTransaction(status="Rejected")
        self.later(self._remote_charge(id_tag))
        return result16.RemoteStartTransaction(status="Accepted")

    async def _remote_charge(self, id_tag: str) -> None:
        await self._after_answer()
        await self.start_charge(id_tag)
        await self.send_meter()

    @on(Action16.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id: int, **kwargs: Any) -> Any:
        if transaction_id != self.transaction:
            return result16.RemoteStopTransaction(status="Rejected")
        self.later(self._stop_later("Remote"))
        return result16.RemoteStopTransaction(status="Accepted")

    async def _stop_later(self, reason: str) -> None:
        await self._after_answer()
        await self.stop_charge(reason=reason)

    @on(Action16.reset)
    async def on_reset_request(self, type: str, **kwargs: Any) -> Any:
        if self.on_reset is not None:
            self.later(self.on_reset())
        return result16.Reset(status="Accepted")

    @on(Action16.unlock_connector)
    async def on_unlock(self, connector_id: int, **kwargs: Any) -> Any:
        return result16.UnlockConnector(status="Unlocked")

    @on(Action16.change_availability)
    async def on_change_availability(self, connector_id: int, type: str, **kwargs: Any) -> Any:
        self.later(self.status("Unavailable" if type == "Inoperative" else "Available", connector_id=connector_id))
        return result16.ChangeAvailability(status="Accepted")

    @on(Action16.get_configuration)
    async def on_get_configuration(self, **kwargs: Any) -> Any:
        keys = [
            {"key": "HeartbeatInterval", "readonly": False, "value": "60"},
            {"key": "MeterValueSampleInterval", "readonly": False, "value": str(int(self.meter_interval))},
        ]
        wanted = kwargs.get("key")
        known = [k for k in keys if not wanted or k["key"] in wanted]
        unknown = [k for k in (wanted or []) if k not in {x["key"] for x in keys}]
        return result16.GetConfiguration(configuration_key=known, unknown_key=unknown or None)

    @on(Action16.change_configuration)
    async def on_change_configuration(self, key: str, value: str, **kwargs: Any) -> Any:
        return result16.ChangeConfiguration(status="Accepted" if key == "MeterValueSampleInterval" else "NotSupported")

    @on(Action16.reserve_now)
    async def on_reserve_now(self, connector_id: int, **kwargs: Any) -> Any:
        return result16.ReserveNow(status="Occupied" if self.transaction else "Accepted")

    @on(Action16.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id: int, **kwargs: Any) -> Any:
        return result16.CancelReservation(status="Accepted")

    @on(Action16.trigger_message)
    async def on_trigger(self, requested_message: str, **kwargs: Any) -> Any:
        if requested_message == "Heartbeat":
            self.later(self.heartbeat())
        elif requested_message == "StatusNotification":
            self.later(self.status("Charging" if self.transaction else "Available"))
        elif requested_message == "BootNotification":
            self.later(self.boot())
        else:
            return result16.TriggerMessage(status="NotImplemented")
        return result16.TriggerMessage(status="Accepted")

    @on(Action16.send_local_list)
    async def on_send_local_list(self, list_version: int, update_type: str, **kwargs: Any) -> Any:
        self.local_list_version = list_version
        return result16.SendLocalList(status="Accepted")

    @on(Action16.get_local_list_version)
    async def on_get_local_list_version(self, **kwargs: Any) -> Any:
        return result16.GetLocalListVersion(list_version=getattr(self, "local_list_version", 0))

    @on(Action16.set_charging_profile)
    async def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict, **kwargs: Any) -> Any:
        limit = cs_charging_profiles["charging_schedule"]["charging_schedule_period"][0]["limit"]
        self.power_w = min(self.power_w, float(limit))
        return result16.SetChargingProfile(status="Accepted")

    @on(Action16.clear_charging_profile)
    async def on_clear_charging_profile(self, **kwargs: Any) -> Any:
        return result16.ClearChargingProfile(status="Accepted")

    @on(Action16.data_transfer)
    async def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> Any:
        return result16.DataTransfer(status="UnknownVendorId")


class SimulatedStation201(_Charging, Client201):
    """An OCPP 2.0.1 charging station with one EVSE and one connector (core profile)."""

    seq_no = 0

    def _seq(self) -> int:
        self.seq_no += 1
        return self.seq_no

    async def boot(self) -> Any:
        response = await self.call(
            call201.BootNotification(
                charging_station={"model": "SIM-201", "vendor_name": "Mutualis", "firmware_version": "2.0.1"},
                reason="PowerUp",
            )
        )
        await self.status("Available")
        return response

    async def heartbeat(self) -> Any:
        return await self.call(call201.Heartbeat())

    async def status(self, status: str, evse_id: int = 1) -> Any:
        return await self.call(
            call201.StatusNotification(timestamp=now_iso(), connector_status=status, evse_id=evse_id, connector_id=1)
        )

    async def start_charge(self, id_token: str, remote_start_id: int | None = None) -> str:
        self.transaction = uuid.uuid4().hex[:16]
        await self.status("Occupied")
        response = await self.call(
            call201.TransactionEvent(
                event_type="Started",
                timestamp=now_iso(),
                trigger_reason="RemoteStart" if remote_start_id else "Authorized",
                seq_no=self._seq(),
                transaction_info={
                    "transaction_id": self.transaction,
                    "charging_state": "Charging",
                    "remote_start_id": remote_start_id,
                },
                id_token={"id_token": id_token, "type": "ISO14443"},
                evse={"id": 1, "connector_id": 1},
                meter_value=[energy_sample(self.meter_wh, self.power_w, version="2.0.1", context="Transaction.Begin")],
            )
        )
        if response.id_token_info and response.id_token_info["status"] != "Accepted":
            await self.stop_charge(reason="DeAuthorized")
        return self.transaction or ""

    async def send_meter(self) -> Any:
        return await self.call(
            call201.TransactionEvent(
                event_type="Updated",
                timestamp=now_iso(),
                trigger_reason="MeterValuePeriodic",
                seq_no=self._seq(),
                transaction_info={"transaction_id": self.transaction, "charging_state": "Charging"},
                meter_value=[energy_sample(self._meter_step(), self.power_w, version="2.0.1")],
            )
        )

    async def stop_charge(self, reason: str = "Local") -> Any:
        if self.transaction is None:
            return None
        transaction_id, self.transaction = self.transaction, None
        response = await self.call(
            call201.TransactionEvent(
                event_type="Ended",
                timestamp=now_iso(),
                trigger_reason="RemoteStop" if reason == "Remote" else "StopAuthorized",
                seq_no=self._seq(),
                transaction_info={"transaction_id": transaction_id, "charging_state": "Idle", "stopped_reason": reason},
                meter_value=[energy_sample(self.meter_wh, 0, version="2.0.1", context="Transaction.End")],
            )
        )
        await self.status("Available")
        return response

    @on(Action201.request_start_transaction)
    async def on_request_start(self, id_token: dict, remote_start_id: int, **kwargs: Any) -> Any:
        if self.transaction is not None:
            return result201.RequestStartTransaction(status="Rejected")
        self.later(self._remote_charge(id_token["id_token"], remote_start_id))
        return result201.RequestStartTransaction(status="Accepted")

    async def _remote_charge(self, id_token: str, remote_start_id: int) -> None:
        await self._after_answer()
        await self.start_charge(id_token, remote_start_id)
        await self.send_meter()

    @on(Action201.request_stop_transaction)
    async def on_request_stop(self, transaction_id: str, **kwargs: Any) -> Any:
        if transaction_id != self.transaction:
            return result201.RequestStopTransaction(status="Rejected")
        self.later(self._stop_later())
        return result201.RequestStopTransaction(status="Accepted")

    async def _stop_later(self) -> None:
        await self._after_answer()
        await self.stop_charge(reason="Remote")

    @on(Action201.reset)
    async def on_reset_request(self, type: str, **kwargs: Any) -> Any:
        if self.on_reset is not None:
            self.later(self.on_reset())
        return result201.Reset(status="Accepted")

    @on(Action201.unlock_connector)
    async def on_unlock(self, evse_id: int, connector_id: int, **kwargs: Any) -> Any:
        return result201.UnlockConnector(status="Unlocked")

    @on(Action201.change_availability)
    async def on_change_availability(self, operational_status: str, **kwargs: Any) -> Any:
        return result201.ChangeAvailability(status="Accepted")

    @on(Action201.trigger_message)
    async def on_trigger(self, requested_message: str, **kwargs: Any) -> Any:
        if requested_message == "Heartbeat":
            self.later(self.heartbeat())
            return result201.TriggerMessage(status="Accepted")
        return result201.TriggerMessage(status="NotImplemented")

    @on(Action201.set_charging_profile)
    async def on_set_charging_profile(self, evse_id: int, charging_profile: dict, **kwargs: Any) -> Any:
        return result201.SetChargingProfile(status="Accepted")

    @on(Action201.clear_charging_profile)
    async def on_clear_charging_profile(self, **kwargs: Any) -> Any:
        return result201.ClearChargingProfile(status="Accepted")


async def open_client(
    url: str, identity: str, *, version: str = "1.6", subprotocols: list[str] | None = None, **kwargs: Any
) -> tuple[Any, Any, asyncio.Task]:
    """Connect a simulated point to `url`/<identity>: (point, websocket, its reading task)."""
    offered = subprotocols if subprotocols is not None else [f"ocpp{version}"]
    websocket = await connect(
        f"{url.rstrip('/')}/{identity}", subprotocols=offered or None, open_timeout=10, ping_interval=None, **kwargs
    )
    cls = SimulatedStation201 if version == "2.0.1" else SimulatedChargePoint16
    point = cls(identity, websocket)
    point.logger = logging.getLogger("ocpp.simulator")
    reader = asyncio.create_task(point.start())
    return point, websocket, reader


async def close_client(websocket: Any, reader: asyncio.Task) -> None:
    """Close a simulated point's websocket and its reading task."""
    with contextlib.suppress(Exception):
        await websocket.close()
    reader.cancel()
    # gather, not `await reader` under suppress(BaseException): that also swallowed a cancellation of the caller
    # arriving meanwhile, and `simulate_chargers`' loop went on reconnecting after being told to stop.
    await asyncio.gather(reader, return_exceptions=True)

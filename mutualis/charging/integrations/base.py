"""What both OCPP versions share on the central system side: bad frames answered with the spec's CallError while
the connection lives on, every frame logged, and the calls the central system sends (commands) sent raw.

Handlers run one at a time per connection (the `ocpp` package awaits each before reading the next frame), so the
payload of the call being handled is kept on the instance (`self.raw`) for the handlers that want it as it came
(camelCase, nested objects untouched).
"""

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from ocpp.exceptions import OCPPError, ProtocolError
from ocpp.messages import Call, CallError, CallResult, MessageType, unpack, validate_payload

from mutualis.charging.choices import MessageDirection, MessageKind

if TYPE_CHECKING:
    from mutualis.charging.gateway.server import Gateway
    from mutualis.charging.services.state import PointIdentity

logger = logging.getLogger("mutualis.charging.ocpp")


class RawJson(str):
    """A frame's payload already encoded as JSON text (an answer's, cut out of the frame as it was sent): stored in the
    message log as it is, neither parsed back on the event loop nor encoded again by the database thread."""

    __slots__ = ()


class CommandRefused(Exception):
    """The charge point answered a command with a CallError."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code, self.description = code, description


class OcppConnection:
    """Mixin over `ocpp.v16.ChargePoint` / `ocpp.v201.ChargePoint`: one charge point's websocket, as the central
    system sees it. Subclasses set `_ocpp_version` (through the package class) and the error codes of their spec."""

    # OCPP-J 1.6 spells some error codes differently from 2.0.1 (FormationViolation, OccurenceConstraintViolation).
    ERROR_CODES: dict[str, str] = {}
    # The error code for a frame whose MessageTypeId is unknown.
    UNKNOWN_TYPE_CODE = "MessageTypeNotSupported"

    def __init__(self, identity: str, connection: Any, *, point: "PointIdentity", gateway: "Gateway") -> None:
        super().__init__(identity, connection, response_timeout=gateway.response_timeout)  # type: ignore[call-arg]
        self.point = point
        self.pk = point.pk
        self.gateway = gateway
        self.raw: dict[str, Any] = {}
        self.current_action = ""
        # The start of the answer to the call being handled, as the `ocpp` package writes it: `[3,"<id>",`.
        self._answer_prefix = ""
        self._answer_id = ""
        self._sent_actions: dict[str, str] = {}
        # The gateway's keepalive: the ping waiting for its pong, when it left.
        self.ping_task: asyncio.Task[None] | None = None
        self.ping_sent = 0.0

    async def db(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Run a service in the gateway's database thread (committed when this returns)."""
        return await self.gateway.db.run(fn, *args, **kwargs)

    async def defer(self, fn_many: Any, item: Any) -> None:
        """Have the gateway's database thread write `item` with `fn_many` soon, without waiting for it (gateway.db) —
        unless the thread is behind: then until it has caught up."""
        writer = self.gateway.db
        writer.defer(fn_many, item)
        if writer.behind():
            await writer.room()

    # Frames in -------------------------------------------------------------------------------------------------

    async def route_message(self, raw_msg: str | bytes) -> None:
        """Route one frame: a Call to its handler, a CallResult/CallError to the waiting command, anything else a
        CallError naming what is wrong — never an exception that would end the connection."""
        self.gateway.heard(self)
        try:
            msg = unpack(raw_msg)
        except OCPPError as error:
            self._log(MessageDirection.IN, MessageKind.INVALID, "", "", _loggable(raw_msg))
            unique_id = _unique_id_of(raw_msg)
            code = self.UNKNOWN_TYPE_CODE if "MessageTypeId" in str(error.details) else error.code
            await self._send_error(unique_id, code, error.description, error.details)
            return
        if msg.message_type_id == MessageType.Call:
            self._log(MessageDirection.IN, MessageKind.CALL, msg.action, msg.unique_id, msg.payload)
            if not isinstance(msg.payload, dict) or not isinstance(msg.action, str):
                await self._send_error(str(msg.unique_id), ProtocolError.code, "Payload is not an object", {})
                return
            self.raw, self.current_action = msg.payload, msg.action
            self._answer_prefix, self._answer_id = f"[3,{json.dumps(msg.unique_id)},", msg.unique_id
            try:
                await self._handle_call(msg)  # type: ignore[attr-defined]
            except OCPPError as error:
                await self._send_error(msg.unique_id, error.code, error.description, error.details)
            finally:
                self.raw, self.current_action, self._answer_prefix = {}, "", ""
        else:
            kind = MessageKind.RESULT if msg.message_type_id == MessageType.CallResult else MessageKind.ERROR
            action = self._sent_actions.pop(msg.unique_id, "")
            payload = (
                msg.payload
                if isinstance(msg, CallResult)
                else {"code": msg.error_code, "description": msg.error_description}
            )
            self._log(MessageDirection.IN, kind, action, msg.unique_id, payload)
            self._response_queue.put_nowait(msg)  # type: ignore[attr-defined]

    async def _send_error(self, unique_id: str, code: str, description: str, details: Any) -> None:
        code = self.ERROR_CODES.get(code, code)
        error = CallError(
            unique_id=unique_id,
            error_code=code,
            error_description=str(description)[:255],
            error_details=_jsonable(details),
        )
        await self._send(error.to_json())

    # Frames out ------------------------------------------------------------------------------------------------

    async def _send(self, message: str) -> None:
        prefix = self._answer_prefix
        if prefix and message.startswith(prefix) and message.endswith("]"):
            # The answer to the call being handled (`to_json` of the package: `[3,"<id>",<payload>]`): its payload
            # logged as the JSON text it was sent as, without parsing the frame back.
            payload = RawJson(message[len(prefix) : -1])
            self._log(MessageDirection.OUT, MessageKind.RESULT, self.current_action, self._answer_id, payload)
            await self._connection.send(message)  # type: ignore[attr-defined]
            return
        try:
            frame = json.loads(message)
        except ValueError:
            frame = None
        if isinstance(frame, list) and frame:
            if frame[0] == MessageType.CallResult:
                self._log(MessageDirection.OUT, MessageKind.RESULT, self.current_action, frame[1], frame[2])
            elif frame[0] == MessageType.CallError:
                self._log(
                    MessageDirection.OUT,
                    MessageKind.ERROR,
                    self.current_action,
                    frame[1],
                    {"code": frame[2], "description": frame[3]},
                )
            elif frame[0] == MessageType.Call:
                self._sent_actions[frame[1]] = frame[2]
                self._log(MessageDirection.OUT, MessageKind.CALL, frame[2], frame[1], frame[3])
        await self._connection.send(message)  # type: ignore[attr-defined]

    async def call_raw(self, action: str, payload: dict[str, Any], unique_id: str) -> dict[str, Any]:
        """Send a Call with this exact payload (schema-checked) and return the answer's payload as it came (checked
        too); a CallError raises CommandRefused, no answer in time asyncio.TimeoutError."""
        call = Call(unique_id=unique_id, action=action, payload=payload)
        await validate_payload(call, self._ocpp_version)  # type: ignore[attr-defined]
        async with self._call_lock:  # type: ignore[attr-defined]
            await self._send(call.to_json())
            response = await self._get_specific_response(unique_id, self._response_timeout)  # type: ignore[attr-defined]
        if response.message_type_id == MessageType.CallError:
            raise CommandRefused(response.error_code, response.error_description)
        response.action = action
        await validate_payload(response, self._ocpp_version)  # type: ignore[attr-defined]
        return response.payload

    def _log(self, direction: str, kind: str, action: str, message_id: Any, payload: Any) -> None:
        self.gateway.log_frame(self.pk, direction, kind, action or "", str(message_id or "")[:36], payload)

    # Commands --------------------------------------------------------------------------------------------------

    async def command_payload(self, command: Any) -> tuple[str, dict[str, Any]]:
        """The OCPP action and payload to send for a command (1.6 field names): as they are for 1.6."""
        return command.action, command.payload


def _unique_id_of(raw: str | bytes) -> str:
    """The message id of a frame that could not be unpacked, when it can be read; « -1 » otherwise (OCPP 2.0.1
    part 4 § 4.2.3: the id of a frame too broken to read)."""
    try:
        frame = json.loads(raw)
    except (ValueError, TypeError):
        return "-1"
    if isinstance(frame, list) and len(frame) > 1 and isinstance(frame[1], str) and frame[1]:
        return frame[1][:36]
    return "-1"


def _loggable(raw: str | bytes) -> dict[str, Any]:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return {"frame": text[:2000]}


def _jsonable(details: Any) -> dict[str, Any]:
    if not isinstance(details, dict):
        return {}
    try:
        json.dumps(details)
        return details
    except (TypeError, ValueError):
        return {k: str(v)[:500] for k, v in details.items()}


async def wait_closed(connection: Any) -> None:
    """Wait until a websocket is closed (helper for the tests and the simulator)."""
    while getattr(connection, "state", None) is not None and connection.state.name != "CLOSED":
        await asyncio.sleep(0.05)

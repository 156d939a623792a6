"""The OCPP gateway server: websockets on ws://HOST:PORT/ocpp/<identity>, one `ocpp` package connection object per
charge point, the database behind one thread (gateway.db), commands delivered from the database.

Handshake: an unknown identity is refused (HTTP 404), a point out of service too (403); a point with a password
must send it with HTTP Basic auth (401 otherwise); the subprotocol is the one the point's registry entry prefers
among those it offers (ocpp1.6, ocpp2.0.1), and a handshake without any is taken as 1.6 (firmware that omits it).

Live state: the gateway pings every point (OCPP_PING_INTERVAL) and closes a connection that stops answering;
every few seconds it vouches in the database for the points heard from (a frame or a pong) — the offline sweep
marks offline within OCPP_OFFLINE_AFTER whatever this process no longer vouches for, even if it died.

Several gateways may run at once: commands are rows in the database, each gateway sends those of the points it
holds (the charge point row names its gateway), woken by Redis pub/sub when REDIS_URL is set, polling otherwise.
"""

import asyncio
import contextlib
import datetime
import gc
import json
import logging
import re
import socket
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import connection as db_connection
from django.utils import timezone
from ocpp import messages as ocpp_messages
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, NegotiationError
from websockets.headers import parse_authorization_basic
from websockets.http11 import Request, Response

from mutualis.charging.choices import CommandStatus
from mutualis.charging.gateway.db import DEFAULT_DELAY, DbWriter
from mutualis.charging.integrations.base import CommandRefused, OcppConnection, RawJson
from mutualis.charging.integrations.ocpp16 import CentralSystem16
from mutualis.charging.integrations.ocpp201 import CentralSystem201
from mutualis.charging.models import Command, MessageLog
from mutualis.charging.services import commands as command_services
from mutualis.charging.services import state
from mutualis.core.bulk import insert_rows

logger = logging.getLogger("mutualis.charging.gateway")

# The interpreter's thread switch interval while a gateway runs (seconds; None: left as it is).
SWITCH_INTERVAL = 0.001
SUBPROTOCOLS = {"ocpp1.6": "1.6", "ocpp2.0.1": "2.0.1"}
_PATH = re.compile(r"^/ocpp/([^/?#]+)/?(?:\?.*)?$")


def _pending_for(gateway_id: str, limit: int = 200) -> list[tuple[int, int]]:
    """(command id, charge point id) of the pending commands of the points this gateway holds."""
    return list(
        Command.objects.filter(
            status=CommandStatus.PENDING, expires_at__gt=timezone.now(), charge_point__gateway_id=gateway_id
        )
        .order_by("pk")
        .values_list("pk", "charge_point_id")[:limit]
    )


def _nothing() -> None:
    """A call that writes nothing: once it has run, everything queued before it is committed."""


_FRAME_COLUMNS = ("charge_point_id", "at", "direction", "kind", "action", "message_id", "payload")


def _stamper() -> Callable[[int], Any]:
    """The function turning a frame's `time.time_ns()` into what the message log's `at` column holds (made once per
    batch): on SQLite Django's text of the naive UTC datetime (`str()`: no fraction at 0 µs), its date and time part
    formatted once per second of the batch; an aware datetime on PostgreSQL (its driver adapts it)."""
    if db_connection.vendor != "sqlite":
        return lambda ns: datetime.datetime.fromtimestamp(ns / 1e9, datetime.UTC)
    seconds: dict[int, str] = {}

    def stamp(ns: int) -> str:
        second, rest = divmod(ns, 1_000_000_000)
        text = seconds.get(second)
        if text is None:
            text = seconds[second] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
        micro = rest // 1000
        return f"{text}.{micro:06d}" if micro else text

    return stamp


def _payload_adapter() -> Callable[[Any], Any]:
    """The function preparing a payload for the message log's JSON column (made once per batch): the C encoder of
    `json` straight (what JSONField stores on SQLite, without its per-value lookups), psycopg's Jsonb on PostgreSQL;
    a RawJson as it is."""
    if db_connection.vendor == "sqlite":
        encode = json.JSONEncoder().encode
        return lambda payload: payload if type(payload) is RawJson else encode(payload)
    from psycopg.types.json import Jsonb

    return lambda payload: Jsonb(payload, dumps=str) if type(payload) is RawJson else Jsonb(payload)


def _save_frames(frames: list[tuple[Any, ...]]) -> None:
    """Append frames (tuples in _FRAME_COLUMNS order, `at` in time.time_ns()) to the message log: a few INSERTs of
    hundreds of rows for the lot, in plain SQL — every frame in and out comes here, and building a model instance per
    frame cost more than writing it (profiled: the ORM's bulk_create was a fifth of the gateway's time); stamps and
    payloads converted by functions made once per batch. Deferred: the gateway hands them over by the hundred."""
    stamp, prep = _stamper(), _payload_adapter()
    insert_rows(
        MessageLog,
        _FRAME_COLUMNS,
        [
            (pk, stamp(at), direction, kind, action, message_id, prep(payload))
            for pk, at, direction, kind, action, message_id, payload in frames
        ],
    )


class Gateway:
    """One gateway process's server: start(), then stop(); `port` is the bound port (0 asks the system for one)."""

    def __init__(
        self,
        *,
        host: str | None = None,
        port: int | None = None,
        gateway_id: str = "",
        ping_interval: float | None = None,
        offline_after: float | None = None,
        response_timeout: float = 30,
        poll_interval: float = 0.5,
        seen_interval: float = 10,
        redis_url: str | None = None,
        maintenance_interval: float | None = 30,
        log_frames: bool = True,
        persist_delay: float = DEFAULT_DELAY,
        switch_interval: float | None = SWITCH_INTERVAL,
        freeze_gc: bool = False,
    ) -> None:
        self.host = host if host is not None else settings.OCPP_HOST
        self.port = port if port is not None else settings.OCPP_PORT
        self._gateway_id = gateway_id
        self.ping_interval = ping_interval if ping_interval is not None else settings.OCPP_PING_INTERVAL
        self.offline_after = offline_after if offline_after is not None else settings.OCPP_OFFLINE_AFTER
        self.response_timeout = response_timeout
        self.poll_interval = poll_interval
        self.seen_interval = seen_interval
        self.redis_url = settings.REDIS_URL if redis_url is None else redis_url
        self.maintenance_interval = maintenance_interval
        self.log_frames = log_frames
        self.db = DbWriter(origin="ocpp_gateway", delay=persist_delay)
        self.switch_interval = switch_interval
        self.freeze_gc = freeze_gc
        self._previous_switch_interval = sys.getswitchinterval()
        self.connections: dict[int, OcppConnection] = {}
        self._in_flight: set[int] = set()
        self._tasks: list[asyncio.Task] = []
        self._wake = asyncio.Event()
        self._server: Any = None
        self.messages_in = 0

    @property
    def gateway_id(self) -> str:
        return self._gateway_id or f"{socket.gethostname()}:{self.port}"

    # Life ------------------------------------------------------------------------------------------------------

    async def start(self) -> "Gateway":
        # The ocpp package validates payloads in the default thread pool unless told otherwise: CPU work under the
        # GIL gains nothing there, and the hops cost; validation stays on, inline.
        ocpp_messages.ASYNC_VALIDATION = False
        # Every frame is in the message log (the database): printing each one too would cost more than handling it.
        logging.getLogger("ocpp").setLevel(logging.WARNING)
        logging.getLogger("websockets.server").setLevel(logging.WARNING)
        if self.switch_interval:
            # The database thread gives the GIL back at each statement (the driver works without it) and must wait
            # for it to come back while the event loop runs: the default 5 ms per wait, several per batch, was where
            # the answers waiting for a commit (StartTransaction) spent their time.
            sys.setswitchinterval(self.switch_interval)
        if self.freeze_gc:
            # A process of its own (manage.py ocpp_gateway): what is loaded by now (Django, the apps, the OCPP schemas)
            # lives as long as it, and the collector's full passes over it were pauses of 110 to 160 ms of every
            # connection (measured at 500 points; 50 to 60 ms after) — out of its sweeps.
            gc.freeze()
        self.db.start()
        self._server = await serve(
            self._handler,
            self.host,
            self.port,
            process_request=self._process_request,
            select_subprotocol=self._select_subprotocol,
            subprotocols=list(SUBPROTOCOLS),  # type: ignore[arg-type]
            ping_interval=None,  # our own keepalive records the pongs (live state)
            compression=None,
            max_size=2**20,
            # A handshake waits for the point's lookup behind the database thread's queue: give it time under load.
            open_timeout=60,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        # A previous run under the same id left its points marked online: they are not connected to this one.
        await self.db.run(state.gateway_stopped, gateway_id=self.gateway_id)
        self._tasks = [
            asyncio.create_task(self._seen_loop(), name="seen"),
            asyncio.create_task(self._keepalive_loop(), name="keepalive"),
            asyncio.create_task(self._command_loop(), name="commands"),
        ]
        if self.redis_url:
            self._tasks.append(asyncio.create_task(self._redis_loop(), name="redis"))
        if self.maintenance_interval:
            self._tasks.append(asyncio.create_task(self._maintenance_loop(), name="maintenance"))
        logger.info("OCPP gateway %s listening on ws://%s:%s/ocpp/<identity>", self.gateway_id, self.host, self.port)
        return self

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        pending = set(self._tasks)
        while pending:
            done, pending = await asyncio.wait(pending, timeout=1)
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved: a loop that failed on its way out is not reported again
            for task in pending:
                # Python 3.11's wait_for can lose a cancellation that arrives as its awaitable completes: a loop
                # waiting on it went on, and stop() waited for it for ever (a test hung). Cancelled again.
                task.cancel()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 10)
        await self.db.run(state.gateway_stopped, gateway_id=self.gateway_id)
        self.db.stop()
        sys.setswitchinterval(self._previous_switch_interval)

    async def settled(self) -> None:
        """Wait until every write deferred so far (message log, statuses, meter values) is committed."""
        await self.db.run(_nothing)

    # Handshake -------------------------------------------------------------------------------------------------

    async def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        match = _PATH.match(request.path)
        if match is None:
            return connection.respond(404, "Use ws://host:port/ocpp/<charge point identity>\n")
        identity = unquote(match.group(1))
        point = await self.db.run(state.point_for_identity, identity)
        if point is None:
            logger.warning("refused unknown charge point %r", identity)
            return connection.respond(404, "Unknown charge point\n")
        if not point.is_active:
            return connection.respond(403, "Charge point out of service\n")
        if point.password_hash and not await self._password_ok(request.headers, point):
            response = connection.respond(401, "Authentication required\n")
            response.headers["WWW-Authenticate"] = 'Basic realm="OCPP", charset="UTF-8"'
            return response
        connection.point = point  # type: ignore[attr-defined]
        return None

    async def _password_ok(self, headers: Headers, point: state.PointIdentity) -> bool:
        try:
            user, password = parse_authorization_basic(headers.get("Authorization", ""))
        except Exception:
            return False
        if user.lower() != point.identity.lower():
            return False
        # Password hashing is slow on purpose: off the event loop.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, check_password, password, point.password_hash)

    def _select_subprotocol(self, connection: ServerConnection, offered: Any) -> Any:
        if not offered:
            return None  # taken as OCPP 1.6
        point = getattr(connection, "point", None)
        preferred = "ocpp2.0.1" if point is not None and point.ocpp_version == "2.0.1" else "ocpp1.6"
        if preferred in offered:
            return preferred
        for name in SUBPROTOCOLS:
            if name in offered:
                return name
        raise NegotiationError("unsupported subprotocol; expected ocpp1.6 or ocpp2.0.1")

    # Connections -----------------------------------------------------------------------------------------------

    async def _handler(self, connection: ServerConnection) -> None:
        point: state.PointIdentity = connection.point  # type: ignore[attr-defined]
        version = SUBPROTOCOLS.get(connection.subprotocol or "", "1.6")
        cls = CentralSystem201 if version == "2.0.1" else CentralSystem16
        session = cls(point.identity, connection, point=point, gateway=self)
        session.logger = logging.getLogger("ocpp.frames")
        session.since = timezone.now()
        session.last_heard = session.last_pong = time.monotonic()
        await self.db.run(
            state.connected, charge_point_id=point.pk, gateway_id=self.gateway_id, protocol=version, at=session.since
        )
        previous = self.connections.get(point.pk)
        self.connections[point.pk] = session
        if previous is not None:
            # The point reconnected before its old socket was known dead: the new connection is the one.
            asyncio.create_task(previous._connection.close(code=1000, reason="replaced by a new connection"))  # type: ignore[attr-defined]
        self._wake.set()  # commands may be waiting for it
        try:
            await session.start()
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("%s: connection ended by an error", point.identity)
        finally:
            if session.ping_task is not None:
                session.ping_task.cancel()
            if self.connections.get(point.pk) is session:
                del self.connections[point.pk]
            with contextlib.suppress(Exception):
                await self.db.run(
                    state.disconnected,
                    charge_point_id=point.pk,
                    gateway_id=self.gateway_id,
                    since=session.since,
                )

    async def _keepalive_loop(self) -> None:
        # One sweep for all the connections, not a task per connection: only a point silent for a ping interval is
        # pinged (a frame is as good as a pong), and a ping unanswered for a ping interval drops the connection. At
        # 10,000 points, a ping task each cost more than their messages.
        interval = self.ping_interval
        while True:
            await asyncio.sleep(max(interval / 4, 0.05))
            now = time.monotonic()
            for session in list(self.connections.values()):
                ping = session.ping_task
                if ping is not None:
                    if ping.done():
                        session.ping_task = None
                    elif now - session.ping_sent >= interval:
                        # A peer that does not answer pings will not complete a closing handshake either: drop the
                        # TCP connection, which ends the handler (and marks the point offline) at once.
                        logger.info("%s: no pong, dropping the connection", session.id)  # type: ignore[attr-defined]
                        ping.cancel()
                        session._connection.transport.abort()  # type: ignore[attr-defined]
                    continue
                if now - max(session.last_heard, session.last_pong) >= interval:  # type: ignore[attr-defined]
                    session.ping_sent = now
                    session.ping_task = asyncio.create_task(self._ping(session))

    async def _ping(self, session: OcppConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            pong = await session._connection.ping()  # type: ignore[attr-defined]
            await pong
            session.last_pong = time.monotonic()  # type: ignore[attr-defined]

    def heard(self, session: OcppConnection) -> None:
        """A frame came from this point (it is alive)."""
        session.last_heard = time.monotonic()  # type: ignore[attr-defined]
        self.messages_in += 1

    def log_frame(
        self, charge_point_id: int, direction: str, kind: str, action: str, message_id: str, payload: Any
    ) -> None:
        """Keep a frame for the message log (written in batches, with the deferred writes)."""
        if self.log_frames:
            self.db.defer(
                _save_frames, (charge_point_id, time.time_ns(), direction, kind, action[:40], message_id, payload)
            )

    # Background loops ------------------------------------------------------------------------------------------

    async def _seen_loop(self) -> None:
        while True:
            await asyncio.sleep(self.seen_interval)
            now = time.monotonic()
            alive = [
                pk
                for pk, s in list(self.connections.items())
                if now - max(s.last_heard, s.last_pong) < self.offline_after  # type: ignore[attr-defined]
            ]
            with contextlib.suppress(Exception):
                await self.db.run(state.seen, charge_point_ids=alive, at=timezone.now(), gateway_id=self.gateway_id)

    async def _command_loop(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can lose a cancellation that arrives as the
            # event is set, and the loop would go on after stop().
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()
            self._wake.clear()
            if not self.connections:
                continue
            try:
                pending = await self.db.run(_pending_for, self.gateway_id)
            except Exception:
                logger.exception("could not read pending commands")
                continue
            for command_id, charge_point_id in pending:
                if command_id not in self._in_flight and charge_point_id in self.connections:
                    self._in_flight.add(command_id)
                    asyncio.create_task(self._deliver(command_id, charge_point_id))

    async def _deliver(self, command_id: int, charge_point_id: int) -> None:
        try:
            session = self.connections.get(charge_point_id)
            if session is None:
                return
            message_id = str(uuid.uuid4())
            command = await self.db.run(
                command_services.command_claim, command_id=command_id, gateway_id=self.gateway_id, message_id=message_id
            )
            if command is None:
                return
            try:
                action, payload = await session.command_payload(command)
                result = await session.call_raw(action, payload, message_id)
            except CommandRefused as refused:
                await self.db.run(command_services.command_fail, command=command, error=str(refused))
            except TimeoutError:
                await self.db.run(
                    command_services.command_fail,
                    command=command,
                    error="no answer from the charge point",
                    status=CommandStatus.TIMEOUT,
                )
            except Exception as error:  # a payload the schema refuses, a closed socket
                await self.db.run(
                    command_services.command_fail, command=command, error=f"{type(error).__name__}: {error}"
                )
            else:
                await self.db.run(command_services.command_record_result, command=command, result=result)
        finally:
            self._in_flight.discard(command_id)

    async def _redis_loop(self) -> None:
        import redis.asyncio as aioredis

        delay = 1.0
        while True:
            try:
                client = aioredis.Redis.from_url(self.redis_url)
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(command_services.COMMANDS_CHANNEL)
                    delay = 1.0
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Redis unavailable; commands are polled meanwhile", exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)

    async def _maintenance_loop(self) -> None:
        from mutualis.charging import tasks

        while True:
            await asyncio.sleep(self.maintenance_interval or 30)
            try:
                await self.db.run(tasks.run_maintenance)
            except Exception:
                logger.exception("charging maintenance failed")

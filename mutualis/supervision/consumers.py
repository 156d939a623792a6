"""The operator console's websocket (realtime process): the live queue of alarms, without reload.

On connect the operator gets the open alarms of the sites they are habilitated for, then every alarm that changes
(new, updated, claimed, closed), in frames of at most `FRAME_ROWS` alarms. Without Redis the consumer polls the
table every second; with Redis it is also woken at once by the process that committed the change
(realtime.publish_alarms), with the ids of the alarms that changed. Wakes that arrive while the consumer reads or
sends are coalesced into one more read: a storm of commits costs one query per round, not one per commit.
"""

import asyncio
import contextlib
import datetime
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from mutualis.supervision.permissions import is_supervision_operator
from mutualis.supervision.realtime import CONSOLE_GROUP
from mutualis.supervision.selectors.alarms import ConsoleReader, console_queue, console_rows

POLL_SECONDS = 1.0
# With Redis the wakes name every change and the re-read is only the net under a lost wake: it runs this many times
# less often (it reads LAG seconds of versions, ten thousand in a storm of 2,000 alarms a second, and holds up the
# wakes behind it meanwhile).
WAKE_POLL_FACTOR = 5
# The poll reads changes again this far back: a transaction that began before the cursor may commit after it.
LAG = datetime.timedelta(seconds=5)
# Alarms per websocket frame (a storm is sent as several frames, each well under a client's 1 MiB default).
FRAME_ROWS = 500


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    """Pushes the queue, then each changed alarm, to a signed-in supervision operator."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        if not await database_sync_to_async(self.allowed)(user):
            await self.close(code=4403)
            return
        self.user = user
        self.reader = ConsoleReader(user)  # the sites it may show, read again every second
        self.sent: dict[int, datetime.datetime] = {}
        self.prune_above = 5000
        self.cursor = timezone.now()
        self.pending: set[int] = set()
        self.read_all = False  # a wake that named no alarm: read every change since the cursor
        self.woken = asyncio.Event()
        await self.channel_layer.group_add(CONSOLE_GROUP, self.channel_name)
        await self.accept()
        await self.send_json({"type": "queue", "alarms": await self.queue()})
        self.pusher = asyncio.create_task(self.push_loop())

    def allowed(self, user: Any) -> bool:
        """A supervision operator whose session passed the second factor (as StaffTwoFactorMiddleware asks of
        every staff page)."""
        if not is_supervision_operator(user):
            return False
        session = self.scope.get("session")
        device_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
        device = Device.from_persistent_id(device_id) if device_id else None
        return device is not None and device.user_id == user.pk

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "pusher"):
            self.pusher.cancel()
        if hasattr(self, "user"):
            await self.channel_layer.group_discard(CONSOLE_GROUP, self.channel_name)

    async def alarms_wake(self, event: dict[str, Any]) -> None:
        ids = event.get("ids")
        if isinstance(ids, list):
            self.pending.update(pk for pk in ids if isinstance(pk, int))
        else:
            self.read_all = True
        self.woken.set()

    async def push_loop(self) -> None:
        """Wait for a wake or the poll's second, then send what changed; one round at a time."""
        loop = asyncio.get_running_loop()
        every = POLL_SECONDS * (WAKE_POLL_FACTOR if settings.REDIS_URL else 1)
        next_poll = loop.time() + every
        while True:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can lose the cancellation of a disconnect that
            # arrives as a wake does, and the loop would go on for a closed socket.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_poll - loop.time())):
                    await self.woken.wait()
            self.woken.clear()
            read_all = self.read_all or loop.time() >= next_poll
            if read_all:
                next_poll = loop.time() + every
            ids, self.pending, self.read_all = self.pending, set(), False
            await self.push_changes(ids=ids, since=self.cursor - LAG if read_all else None)

    async def push_changes(self, *, ids: set[int], since: datetime.datetime | None) -> None:
        rows = await self.changes(ids, since)
        for start in range(0, len(rows), FRAME_ROWS):
            await self.send_json({"type": "alarms", "alarms": rows[start : start + FRAME_ROWS]})

    @database_sync_to_async
    def queue(self) -> list[dict[str, Any]]:
        _sites, images = self.reader.scope()
        alarms = console_queue(user=self.user)
        for alarm in alarms:
            self.sent[alarm.pk] = alarm.updated_at
        return console_rows(alarms, images=images)

    @database_sync_to_async
    def changes(self, ids: set[int], since: datetime.datetime | None) -> list[dict[str, Any]]:
        if not ids and since is None:
            return []
        changes = self.reader.changes(since=since, ids=ids, known=self.sent)
        for version, row in changes:
            self.sent[row["id"]] = version
            self.cursor = max(self.cursor, version)
        if len(self.sent) > self.prune_above:  # forget old versions: only the last LAG seconds are read again
            horizon = self.cursor - 2 * LAG
            self.sent = {pk: at for pk, at in self.sent.items() if at >= horizon}
            self.prune_above = 2 * len(self.sent) + 5000
        return [row for _version, row in changes]

"""The operator console's websocket (realtime process): the live queue of alarms, without reload.

On connect the operator gets the open alarms of the sites they are habilitated for, then every alarm that changes
(new, updated, claimed, closed). Without Redis the consumer polls the table every second; with Redis it is also
woken at once by the process that committed the change (realtime.publish_alarms).
"""

import asyncio
import datetime
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from mutualis.supervision.permissions import habilitated_site_ids, is_supervision_operator
from mutualis.supervision.realtime import CONSOLE_GROUP
from mutualis.supervision.selectors.alarms import console_changes, console_queue, console_row

POLL_SECONDS = 1.0
# Changes are read again this far back: a transaction that began before the cursor may commit after it.
LAG = datetime.timedelta(seconds=5)


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
        self.sent: dict[int, datetime.datetime] = {}
        self.cursor = timezone.now()
        await self.channel_layer.group_add(CONSOLE_GROUP, self.channel_name)
        await self.accept()
        await self.send_json({"type": "queue", "alarms": await self.queue()})
        self.poller = asyncio.create_task(self.poll())

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
        if hasattr(self, "poller"):
            self.poller.cancel()
        if hasattr(self, "user"):
            await self.channel_layer.group_discard(CONSOLE_GROUP, self.channel_name)

    async def poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.push_changes()

    async def alarms_wake(self, event: dict[str, Any]) -> None:
        await self.push_changes()

    async def push_changes(self) -> None:
        for row in await self.changes():
            await self.send_json({"type": "alarm", "alarm": row})

    @database_sync_to_async
    def queue(self) -> list[dict[str, Any]]:
        images = set(habilitated_site_ids(self.user, images=True).values_list("protected_site_id", flat=True))
        alarms = console_queue(user=self.user)
        for alarm in alarms:
            self.sent[alarm.pk] = alarm.updated_at
        return [console_row(a, images=a.protected_site_id in images) for a in alarms]

    @database_sync_to_async
    def changes(self) -> list[dict[str, Any]]:
        alarms = [
            a for a in console_changes(user=self.user, since=self.cursor - LAG) if self.sent.get(a.pk) != a.updated_at
        ]
        if not alarms:
            return []
        images = set(habilitated_site_ids(self.user, images=True).values_list("protected_site_id", flat=True))
        for alarm in alarms:
            self.sent[alarm.pk] = alarm.updated_at
            self.cursor = max(self.cursor, alarm.updated_at)
        if len(self.sent) > 5000:  # forget the oldest versions: only the last LAG seconds are read again
            horizon = self.cursor - 2 * LAG
            self.sent = {pk: at for pk, at in self.sent.items() if at >= horizon}
        return [console_row(a, images=a.protected_site_id in images) for a in alarms]

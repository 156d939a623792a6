"""Websocket consumers of the realtime process."""

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from mutualis.core.models import Notification
from mutualis.core.services import mark_notifications_read

POLL_SECONDS = 3


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Pushes a signed-in user's new notifications: on connect the unread ones and their count, then each new one,
    and the unread count whenever it changes (a notification opened or marked read in another page)."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user_id = user.pk
        self.last_id = 0
        self.unread: int | None = None  # the count the page was last told: always told once, on connect
        # The poll and a wake may both push at once: one at a time, so that the second reads after the first has
        # moved `last_id` (both reading the same new notification sent it twice).
        self.pushing = asyncio.Lock()
        self.group = f"user-{user.pk}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.push_new()
        self.poller = asyncio.create_task(self.poll())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "poller"):
            self.poller.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.push_new()

    async def notifications_wake(self, event: dict[str, Any]) -> None:
        await self.push_new()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("action") == "mark_read":
            async with self.pushing:
                await self.mark_read()
                self.unread = 0
                await self.send_json({"type": "unread", "count": 0})

    async def push_new(self) -> None:
        async with self.pushing:
            items, unread = await self.fetch_new()
            for item in items:
                self.last_id = max(self.last_id, int(item["id"]))
                await self.send_json({"type": "notification", **item})
            if items or unread != self.unread:
                self.unread = unread
                await self.send_json({"type": "unread", "count": unread})

    @database_sync_to_async
    def fetch_new(self) -> tuple[list[dict[str, object]], int]:
        unread = Notification.objects.filter(recipient_id=self.user_id, read_at__isnull=True)
        rows = unread.filter(id__gt=self.last_id).order_by("id")[:50]
        return [row.as_message() for row in rows], unread.count()

    @database_sync_to_async
    def mark_read(self) -> None:
        mark_notifications_read(recipient_id=self.user_id)

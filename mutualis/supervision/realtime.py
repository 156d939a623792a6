"""The operator console's live queue: what a change of alarm tells the realtime process.

Without Redis the console consumers poll the alarms table every second (nothing is lost, the web and realtime
processes share no memory); with REDIS_URL the process that committed the change wakes them at once through the
channel layer.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

CONSOLE_GROUP = "supervision-console"


def _wake() -> None:
    if not settings.REDIS_URL:
        return
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(CONSOLE_GROUP, {"type": "alarms.wake"})


def publish_alarms(alarm_ids: Iterable[int]) -> None:
    """Tell the consoles that these alarms changed, once the transaction commits (never before: an alarm the
    operator sees is in the database)."""
    if list(alarm_ids):
        transaction.on_commit(_wake)

"""The operator console's live queue: what a change of alarm tells the realtime process.

Without Redis the console consumers poll the alarms table every second (nothing is lost, the web and realtime
processes share no memory); with REDIS_URL the process that committed the change wakes them at once through the
channel layer, naming the alarms that changed so that the consoles read them by primary key.
"""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

CONSOLE_GROUP = "supervision-console"
# Above this many alarms in one commit the wake names none: the consoles read every change since their cursor (a
# channel layer message stays small).
WAKE_MAX_IDS = 5000


def wake_message(alarm_ids: list[int]) -> dict[str, object]:
    """The channel layer message that wakes the consoles (`ids` left out when there are too many)."""
    message: dict[str, object] = {"type": "alarms.wake"}
    if len(alarm_ids) <= WAKE_MAX_IDS:
        message["ids"] = alarm_ids
    return message


def _wake(alarm_ids: list[int]) -> None:
    if not settings.REDIS_URL:
        return
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(CONSOLE_GROUP, wake_message(alarm_ids))


def publish_alarms(alarm_ids: Iterable[int]) -> None:
    """Tell the consoles that these alarms changed, once the transaction commits (never before: an alarm the
    operator sees is in the database)."""
    ids = sorted(set(alarm_ids))
    if ids:
        transaction.on_commit(functools.partial(_wake, ids))

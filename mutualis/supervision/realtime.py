"""The operator console's live queue: what a change of alarm tells the realtime process.

Without Redis the console consumers poll the alarms table every second (nothing is lost, the web and realtime
processes share no memory); with REDIS_URL the process that committed the change wakes them at once through the
channel layer, naming the alarms that changed so that the consoles read them by primary key.
"""

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger("mutualis.supervision.realtime")

CONSOLE_GROUP = "supervision-console"
# Above this many alarms in one commit the wake names none: the consoles read every change since their cursor (a
# channel layer message stays small).
WAKE_MAX_IDS = 5000
# A wake waits this long for Redis at most: past it the committing process goes on (the consoles' poll catches up).
WAKE_TIMEOUT = 2.0
_loop_lock = threading.Lock()
_loop: tuple[int, asyncio.AbstractEventLoop] | None = None


def wake_message(alarm_ids: list[int]) -> dict[str, object]:
    """The channel layer message that wakes the consoles (`ids` left out when there are too many)."""
    message: dict[str, object] = {"type": "alarms.wake"}
    if len(alarm_ids) <= WAKE_MAX_IDS:
        message["ids"] = alarm_ids
    return message


def _layer_loop() -> asyncio.AbstractEventLoop:
    """The process' event loop for the channel layer, in a thread of its own, made once (again in a forked child):
    async_to_sync made a loop, a thread and a Redis connection at every wake, 4 ms of each ingested batch."""
    global _loop
    with _loop_lock:
        if _loop is None or _loop[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="channel-layer", daemon=True).start()
            _loop = (os.getpid(), loop)
        return _loop[1]


def _wake(alarm_ids: list[int]) -> None:
    if not settings.REDIS_URL:
        return
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    sent = asyncio.run_coroutine_threadsafe(layer.group_send(CONSOLE_GROUP, wake_message(alarm_ids)), _layer_loop())
    try:
        sent.result(timeout=WAKE_TIMEOUT)
    except Exception:
        # What changed is committed: a wake lost only delays the consoles until their poll.
        sent.cancel()
        logger.warning("Console wake not sent (%d alarms); the consoles' poll will show them", len(alarm_ids),
                       exc_info=True)  # fmt: skip


def publish_alarms(alarm_ids: Iterable[int]) -> None:
    """Tell the consoles that these alarms changed, once the transaction commits (never before: an alarm the
    operator sees is in the database)."""
    ids = sorted(set(alarm_ids))
    if ids:
        transaction.on_commit(functools.partial(_wake, ids))

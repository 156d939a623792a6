"""The gateway's database access: one thread runs every ORM call, in group commits.

The event loop never touches the ORM. A handler awaits `writer.run(fn, …)`: the call is queued to the thread, which
takes every call waiting, runs them in one transaction, commits, and only then resolves the callers'
futures — so the answer to a StartTransaction leaves after its session is committed, and a thousand meter values
arriving together cost one commit, not a thousand. One failing call fails alone: the batch is then run again with a
savepoint per call, its own rolled back only.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, close_old_connections, connection, transaction

from mutualis.core.context import audit_context

logger = logging.getLogger(__name__)

_STOP = object()
LOCK_RETRIES = 50
RECHECK_AFTER = 60.0


class DbWriter:
    """A thread running ORM calls for the event loop, in batches of at most `max_batch` per commit."""

    def __init__(self, *, origin: str = "ocpp", max_batch: int = 500) -> None:
        self.origin = origin
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="ocpp-db", daemon=True)
        self._started = False
        self._checked_at = 0.0
        self.commits = 0
        self.calls = 0

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def stop(self) -> None:
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
            self._started = False

    async def run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(*args, **kwargs)` in the database thread; returns once its transaction has committed."""
        if not self._started:
            raise RuntimeError("the gateway's database thread is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put((fn, args, kwargs, future, loop))
        return await future

    def _work(self) -> None:
        with audit_context(origin=self.origin, user_agent="ocpp_gateway"):
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                batch = [item]
                stop = False
                while len(batch) < self.max_batch:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is _STOP:
                        stop = True
                        break
                    batch.append(more)
                self._run_batch(batch)
                if stop:
                    break
        connection.close()

    def _run_batch(self, batch: list[tuple]) -> None:
        # Django closes a connection older than CONN_MAX_AGE (0: after every request) at each check: this thread is
        # one long request, so it keeps its connection and checks it only after an error or every RECHECK_AFTER
        # seconds (profiled: reconnecting at each batch was a tenth of the gateway's time).
        now = time.monotonic()
        if connection.errors_occurred or now - self._checked_at >= RECHECK_AFTER:
            close_old_connections()
            self._checked_at = now
        for attempt in range(1, LOCK_RETRIES + 1):
            try:
                outcomes = _attempt_calls(batch)
                break
            except OperationalError as exc:
                # SQLite refused the lock (another process or connection writes): the whole batch was rolled back,
                # run it again; PostgreSQL never gets here.
                if not _is_locked(exc) or attempt == LOCK_RETRIES:
                    logger.exception("gateway commit failed")
                    outcomes = [(future, None, exc) for _fn, _a, _k, future, _loop in batch]
                    break
                time.sleep(0.01 * attempt)
            except Exception as exc:  # the commit itself failed: nobody's work is saved
                logger.exception("gateway commit failed")
                outcomes = [(future, None, exc) for _fn, _a, _k, future, _loop in batch]
                break
        self.commits += 1
        self.calls += len(batch)
        # One wake-up of each event loop for the whole batch, not one per call.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, Any, BaseException | None]]] = {}
        for outcome, (_fn, _a, _k, _f, loop) in zip(outcomes, batch, strict=True):
            by_loop.setdefault(loop, []).append(outcome)
        for loop, resolved in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a loop closed meanwhile (a test ended): nobody waits
                loop.call_soon_threadsafe(_resolve_all, resolved)


def _is_locked(exc: BaseException) -> bool:
    return "locked" in str(exc)


class _CallFailed(Exception):
    """A call of a batch run without savepoints failed: the batch is run again, each call in its own savepoint."""


def _attempt_calls(batch: list[tuple]) -> list[tuple[Any, Any, BaseException | None]]:
    # Optimistic first: no savepoint per call (two statements each, a tenth of the database work for a meter value);
    # calls rarely fail, and when one does the whole batch is rolled back and run again with a savepoint per call
    # so that the failure stays its caller's (calls are already run again whole after a lock refusal).
    try:
        return _attempt_calls_together(batch)
    except _CallFailed:
        return _attempt_calls_isolated(batch)


def _attempt_calls_together(batch: list[tuple]) -> list[tuple[Any, Any, BaseException | None]]:
    outcomes: list[tuple[Any, Any, BaseException | None]] = []
    with transaction.atomic():
        for fn, args, kwargs, future, _loop in batch:
            try:
                outcomes.append((future, fn(*args, **kwargs), None))
            except OperationalError as exc:
                if _is_locked(exc):
                    raise  # the batch is retried whole
                raise _CallFailed from exc
            except Exception as exc:
                raise _CallFailed from exc
    return outcomes


def _attempt_calls_isolated(batch: list[tuple]) -> list[tuple[Any, Any, BaseException | None]]:
    outcomes: list[tuple[Any, Any, BaseException | None]] = []
    with transaction.atomic():
        for fn, args, kwargs, future, _loop in batch:
            try:
                with transaction.atomic():
                    outcomes.append((future, fn(*args, **kwargs), None))
            except OperationalError as exc:
                if _is_locked(exc):
                    raise  # the batch is retried whole
                outcomes.append((future, None, exc))
            except Exception as exc:  # one call's failure is its caller's, not the batch's
                outcomes.append((future, None, exc))
    return outcomes


def _resolve_all(outcomes: list[tuple[asyncio.Future, Any, BaseException | None]]) -> None:
    for future, result, error in outcomes:
        if future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

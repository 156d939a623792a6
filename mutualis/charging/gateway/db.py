"""The gateway's database access: one thread runs every ORM call, in group commits.

The event loop never touches the ORM. Two ways in:

- `await writer.run(fn, …)`: the call is queued to the thread, which takes every call waiting, runs them in one
  transaction, commits, and only then resolves the callers' futures — so the answer to a StartTransaction leaves after
  its session is committed. One failing call fails alone: the batch is then run again with a savepoint per call, its
  own rolled back only.
- `writer.defer(fn_many, item)`: a write nobody waits for (the message log, a status, meter values — their answers
  carry nothing from the database). Items are gathered on the event loop for `delay` seconds (or `max_batch` items)
  and handed over together; the thread calls `fn_many(items)` once for all the items of one function in a run of
  deferred work — set-based writes, one INSERT for a thousand meter values. Order is kept: a `run` call first hands
  over what was deferred before it, and the thread runs deferred work before the calls queued after it (a
  StopTransaction never overtakes the MeterValues sent before it). A crash loses at most the deferred work not yet
  committed: what was gathered during the last `delay` and the batch being written.
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
DEFAULT_DELAY = 0.05
# Deferred items handed over but not yet written beyond which handlers wait (`room`) before answering: the thread
# falling behind slows the points down instead of growing a backlog a crash would lose.
MAX_BACKLOG = 5000


class _Deferred:
    """Deferred writes handed over together: {fn_many: [item, …]} in the order they were deferred."""

    __slots__ = ("work",)

    def __init__(self, work: dict[Callable[[list[Any]], Any], list[Any]]) -> None:
        self.work = work


class DbWriter:
    """A thread running ORM calls for the event loop, in batches of at most `max_batch` per commit."""

    def __init__(
        self,
        *,
        origin: str = "ocpp",
        max_batch: int = 500,
        delay: float = DEFAULT_DELAY,
        max_backlog: int = MAX_BACKLOG,
    ) -> None:
        self.origin = origin
        self.max_batch = max_batch
        self.delay = delay
        self.max_backlog = max_backlog
        self._pending: dict[Callable[[list[Any]], Any], list[Any]] = {}
        self._pending_count = 0
        self._push_handle: asyncio.TimerHandle | None = None
        # The future the handlers waiting for room share (event loop side), and its loop.
        self._room: asyncio.Future[None] | None = None
        self._room_loop: asyncio.AbstractEventLoop | None = None
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="ocpp-db", daemon=True)
        self._started = False
        self._checked_at = 0.0
        self.commits = 0
        self.calls = 0
        self.deferred = 0  # items handed over to the thread (the event loop counts them)
        self.written = 0  # items the thread is done with (it counts them; ints are read whole across threads)

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def stop(self) -> None:
        if self._started:
            self._push()
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
            self._started = False
            self._open_room()

    async def run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(*args, **kwargs)` in the database thread; returns once its transaction has committed."""
        if not self._started:
            raise RuntimeError("the gateway's database thread is not running")
        if self._pending_count:
            self._push()  # what was deferred before this call is written before it
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put((fn, args, kwargs, future, loop))
        return await future

    def defer(self, fn_many: Callable[[list[Any]], Any], item: Any) -> None:
        """Have `fn_many([item, …])` write `item` soon, in the database thread, with the other items deferred to it
        meanwhile; nobody waits (called from the event loop; a failure is logged)."""
        items = self._pending.get(fn_many)
        if items is None:
            self._pending[fn_many] = [item]
        else:
            items.append(item)
        self._pending_count += 1
        if self._pending_count >= self.max_batch:
            self._push()
        elif self._push_handle is None:
            self._push_handle = asyncio.get_running_loop().call_later(self.delay, self._push)

    def behind(self) -> bool:
        """Whether more deferred items wait for the thread than MAX_BACKLOG."""
        return self.deferred + self._pending_count - self.written > self.max_backlog

    async def room(self) -> None:
        """Wait until the thread has caught up below the backlog limit (at once when it has). Woken by the thread
        after each batch, not by polling: hundreds of handlers polling every few milliseconds, at saturation, cost
        the thread the GIL it needed to catch up (profiled: the gateway's CPU per message up by a third)."""
        self._push()
        while self.behind() and self._started:
            if self._room is None:
                self._room = asyncio.get_running_loop().create_future()
                self._room_loop = asyncio.get_running_loop()
                # The thread counts what it wrote, then looks for a waiter: looking again after setting ours, the
                # batch that ended in between is not missed.
                if not self.behind():
                    break
            await asyncio.shield(self._room)

    def _open_room(self) -> None:
        # On the event loop, after a batch: the waiters look again (those still behind wait for the next batch).
        room, self._room = self._room, None
        if room is not None and not room.done():
            room.set_result(None)

    def _push(self) -> None:
        if self._push_handle is not None:
            self._push_handle.cancel()
            self._push_handle = None
        if self._pending_count:
            self._queue.put(_Deferred(self._pending))
            self.deferred += self._pending_count
            self._pending, self._pending_count = {}, 0

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

    def _run_batch(self, batch: list[Any]) -> None:
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
                    outcomes = _commit_failed(batch, exc)
                    break
                time.sleep(0.01 * attempt)
            except Exception as exc:  # the commit itself failed: nobody's work is saved
                outcomes = _commit_failed(batch, exc)
                break
        calls = [item for item in batch if not isinstance(item, _Deferred)]
        self.commits += 1
        self.calls += len(calls)
        self.written += _deferred_count(batch)
        # One wake-up of each event loop for the whole batch, not one per call.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, Any, BaseException | None]]] = {}
        for outcome, (_fn, _a, _k, _f, loop) in zip(outcomes, calls, strict=True):
            by_loop.setdefault(loop, []).append(outcome)
        room_loop = self._room_loop if self._room is not None else None
        for loop, resolved in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a loop closed meanwhile (a test ended): nobody waits
                if loop is room_loop:
                    loop.call_soon_threadsafe(_resolve_all, resolved, self._open_room)
                    room_loop = None
                else:
                    loop.call_soon_threadsafe(_resolve_all, resolved)
        if room_loop is not None:
            with contextlib.suppress(RuntimeError):
                room_loop.call_soon_threadsafe(self._open_room)


def _is_locked(exc: BaseException) -> bool:
    return "locked" in str(exc)


def _deferred_count(batch: list[Any]) -> int:
    return sum(len(items) for item in batch if isinstance(item, _Deferred) for items in item.work.values())


def _commit_failed(batch: list[Any], exc: BaseException) -> list[tuple[Any, Any, BaseException | None]]:
    lost = _deferred_count(batch)
    logger.exception("gateway commit failed%s", f" ({lost} deferred writes lost)" if lost else "")
    return [(item[3], None, exc) for item in batch if not isinstance(item, _Deferred)]


def _merge(pending: dict[Callable, list[Any]], deferred: _Deferred) -> None:
    # New lists: the batch's own are kept as they came, for a retry.
    for fn_many, items in deferred.work.items():
        pending[fn_many] = [*pending.get(fn_many, ()), *items]


def _write_deferred_together(pending: dict[Callable, list[Any]]) -> None:
    for fn_many, items in pending.items():
        try:
            fn_many(items)
        except OperationalError as exc:
            if _is_locked(exc):
                raise
            raise _CallFailed from exc
        except Exception as exc:
            raise _CallFailed from exc
    pending.clear()


def _write_deferred_isolated(pending: dict[Callable, list[Any]]) -> None:
    # The lot in a savepoint; if it fails, each item in its own, so that one bad item loses only itself (logged: its
    # frame is in the message log all the same, unless it is a frame).
    for fn_many, items in pending.items():
        try:
            with transaction.atomic():
                fn_many(items)
            continue
        except OperationalError as exc:
            if _is_locked(exc):
                raise
        except Exception:  # noqa: S110 — each item is tried alone below
            pass
        for item in items:
            try:
                with transaction.atomic():
                    fn_many([item])
            except OperationalError as exc:
                if _is_locked(exc):
                    raise
                logger.exception("deferred write %s not saved: %r", fn_many.__name__, item)
            except Exception:
                logger.exception("deferred write %s not saved: %r", fn_many.__name__, item)
    pending.clear()


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


def _attempt_calls_together(batch: list[Any]) -> list[tuple[Any, Any, BaseException | None]]:
    return _walk(batch, _call_together, _write_deferred_together)


def _attempt_calls_isolated(batch: list[Any]) -> list[tuple[Any, Any, BaseException | None]]:
    return _walk(batch, _call_isolated, _write_deferred_isolated)


def _walk(
    batch: list[Any],
    run_call: Callable[[tuple], tuple[Any, Any, BaseException | None]],
    write_deferred: Callable[[dict[Callable, list[Any]]], None],
) -> list[tuple[Any, Any, BaseException | None]]:
    # One transaction for the batch; deferred work is gathered until a call comes, and written before it.
    outcomes: list[tuple[Any, Any, BaseException | None]] = []
    pending: dict[Callable, list[Any]] = {}
    with transaction.atomic():
        for item in batch:
            if isinstance(item, _Deferred):
                _merge(pending, item)
                continue
            if pending:
                write_deferred(pending)
            outcomes.append(run_call(item))
        if pending:
            write_deferred(pending)
    return outcomes


def _call_together(item: tuple) -> tuple[Any, Any, BaseException | None]:
    fn, args, kwargs, future, _loop = item
    try:
        return (future, fn(*args, **kwargs), None)
    except OperationalError as exc:
        if _is_locked(exc):
            raise  # the batch is retried whole
        raise _CallFailed from exc
    except Exception as exc:
        raise _CallFailed from exc


def _call_isolated(item: tuple) -> tuple[Any, Any, BaseException | None]:
    fn, args, kwargs, future, _loop = item
    try:
        with transaction.atomic():
            return (future, fn(*args, **kwargs), None)
    except OperationalError as exc:
        if _is_locked(exc):
            raise  # the batch is retried whole
        return (future, None, exc)
    except Exception as exc:  # one call's failure is its caller's, not the batch's
        return (future, None, exc)


def _resolve_all(
    outcomes: list[tuple[asyncio.Future, Any, BaseException | None]], then: Callable[[], None] | None = None
) -> None:
    if then is not None:
        then()
    for future, result, error in outcomes:
        if future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

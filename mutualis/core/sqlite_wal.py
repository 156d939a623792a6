"""SQLite's write-ahead log backfilled off the writers' path.

A committing connection that finds the log past `wal_autocheckpoint` pages copies it back into the database file
itself, inside its commit. In a storm of camera events the log grows by megabytes a second (every batch rewrites
pages of random-keyed indexes), and every second and a half one batch's commit took 70 to 150 ms instead of 7: the
tail of the console's latency (bench/supervision_storm.py). A long-running writer (an ingest process) starts a
`WalCheckpointer`: a thread with its own connection runs a passive checkpoint every half second, which takes no
writer lock — batches go on committing meanwhile — so the log rarely reaches the threshold. The threshold stays as
the net when no checkpointer runs.
"""

import logging
import sqlite3
import threading
from pathlib import Path

from django.db import connection

logger = logging.getLogger("mutualis.core.sqlite")

CHECKPOINT_EVERY = 0.5  # seconds


def database_file() -> Path | None:
    """The default database's file when it is an SQLite file (None for PostgreSQL or an in-memory database)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name)


class WalCheckpointer:
    """`start()` a thread that backfills the log every `every` seconds, `stop()` it; does nothing without an SQLite
    file."""

    def __init__(self, path: Path | None = None, every: float = CHECKPOINT_EVERY) -> None:
        self.path, self.every = path, every
        self.checkpoints = 0  # passive checkpoints run
        self.last: tuple[int, int, int] | None = None  # the last one's (busy, frames in the log, frames backfilled)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "WalCheckpointer":
        path = self.path or database_file()
        if path is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(path,), name="wal-checkpoint", daemon=True)
            self._thread.start()
        return self

    def _run(self, path: Path) -> None:
        database = sqlite3.connect(path, timeout=5)
        try:
            while not self._stop.wait(self.every):
                try:
                    self.last = database.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.checkpoints += 1
                except sqlite3.Error as exc:
                    logger.warning("WAL checkpoint of %s failed: %s", path, exc)
        finally:
            database.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

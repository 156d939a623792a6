"""The WAL checkpointer backfills SQLite's log into the database file from its own thread, while a writer goes on
committing, and does nothing without an SQLite file."""

import sqlite3
import time

import pytest

from mutualis.core.sqlite_wal import WalCheckpointer, database_file


def _next_checkpoint(checkpointer: WalCheckpointer) -> tuple[int, int, int]:
    seen, deadline = checkpointer.checkpoints, time.monotonic() + 30
    while checkpointer.checkpoints <= seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.checkpoints > seen and checkpointer.last is not None
    return checkpointer.last


def test_checkpointer_backfills_the_log_and_keeps_it_short_while_a_writer_commits(tmp_path):
    """Writes with the automatic checkpoint off leave frames in the log; the checkpointer's thread copies them all
    back into the database file. The writer commits meanwhile, and its log starts again from the beginning instead
    of growing."""
    path = tmp_path / "wal.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, payload TEXT)")
    for _n in range(200):
        writer.execute("INSERT INTO t (payload) VALUES (?)", ["x" * 500])
    checkpointer = WalCheckpointer(path, every=0.02).start()
    try:
        busy, first_log, backfilled = _next_checkpoint(checkpointer)
        assert busy == 0 and first_log >= 200 and backfilled == first_log
        for _n in range(20):
            writer.execute("INSERT INTO t (payload) VALUES (?)", ["y"])
        busy, log, backfilled = _next_checkpoint(checkpointer)
        assert busy == 0 and 0 < log < first_log and backfilled == log
    finally:
        checkpointer.stop()
    writer.close()
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 220
    reader.close()


@pytest.mark.django_db
def test_checkpointer_without_an_sqlite_file_starts_no_thread():
    """The test database lives in memory (or on PostgreSQL): nothing to backfill, no thread."""
    assert database_file() is None
    checkpointer = WalCheckpointer().start()
    assert checkpointer._thread is None
    checkpointer.stop()

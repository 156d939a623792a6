"""core.bulk.writer_lock: volume writers on SQLite queue on a file lock, never inside another transaction."""

import fcntl
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from mutualis.core.bulk import writer_lock

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL queues writers on row locks")


def _held(path: Path) -> bool:
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@pytest.fixture
def on_disk(tmp_path, monkeypatch):
    """The connection named after a file (the test database itself may live in memory)."""
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "db.sqlite3"))
    return tmp_path / "db.sqlite3.writer-lock"


@pytest.mark.django_db(transaction=True)
def test_a_batch_holds_the_lock_until_it_ends(on_disk):
    """While one writer is inside, another process asking for the lock would wait; once it leaves, it is free."""
    inside, leave = threading.Event(), threading.Event()

    def writer() -> None:
        with writer_lock():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    assert _held(on_disk)
    leave.set()
    thread.join(10)
    assert not _held(on_disk)


@pytest.mark.django_db(transaction=True)
def test_no_lock_inside_another_transaction(on_disk):
    """Inside a transaction the lock is not taken (the outer one may hold SQLite's own lock: that could deadlock)."""
    with transaction.atomic(), writer_lock():
        assert not on_disk.exists() or not _held(on_disk)

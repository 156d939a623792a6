"""Fixtures shared by the whole suite."""

import importlib

import pytest
from django.core.cache import cache

pytest_plugins = ["mutualis.core.testing_browser", "mutualis.territory.testing", "mutualis.members.testing"]

_audit_sql = importlib.import_module("mutualis.core.migrations.0002_audit_append_only")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login throttling counters live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request):
    """On SQLite, transactional tests end with DELETE FROM every table, which the audit log's trigger refuses:
    lift the delete trigger just for that flush, and put it back before the next test. (PostgreSQL flushes with
    TRUNCATE, which row triggers do not see.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        yield
        return
    from django.db import connection

    request.getfixturevalue("transactional_db")  # set up first, so its flush runs after this teardown
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in _audit_sql.SQLITE:
                cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")

"""The database cache: `migrate` creates its table, and a cache that cannot be reached never makes a page fail."""

import importlib
import logging
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from mutualis.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

_migration = importlib.import_module("mutualis.core.migrations.0005_cache_table")


def database_cache(table: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}}


def test_the_migration_creates_the_cache_table_and_can_run_again():
    """With the database cache configured, the core migration makes its table (createcachetable's work); run
    again, it keeps the table and its entries."""
    with override_settings(CACHES=database_cache("mutualis_test_cache")):
        assert "mutualis_test_cache" not in connection.introspection.table_names()
        _migration.create_cache_tables(None, SimpleNamespace(connection=connection))
        assert "mutualis_test_cache" in connection.introspection.table_names()
        cache.set("counter", 3)
        _migration.create_cache_tables(None, SimpleNamespace(connection=connection))
        assert cache.get("counter") == 3


def test_the_migration_creates_nothing_without_a_database_cache():
    """With another cache (Redis, memory), the migration creates no table."""
    tables = set(connection.introspection.table_names())
    _migration.create_cache_tables(None, SimpleNamespace(connection=connection))
    assert set(connection.introspection.table_names()) == tables


def test_without_the_cache_table_the_api_answers_unthrottled_with_a_warning(caplog):
    """A database without the cache table (migrate run before this migration existed, table dropped) still answers
    the API (200) and the login page (its own 400 for a wrong password): throttling is lifted, with a warning."""
    with override_settings(CACHES=database_cache("no_such_cache_table")), caplog.at_level(logging.WARNING):
        assert APIClient().get("/api/v1/communes/").status_code == 200
        user = UserFactory()
        client_response = APIClient().post(reverse("accounts:login"), {"email": user.email, "password": "nope"})
        assert client_response.status_code == 400
        signed_in = APIClient().post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
        assert signed_in.status_code == 302

    warnings = [r.getMessage() for r in caplog.records if r.name == "mutualis.core.throttling"]
    assert any("quota" in message for message in warnings) and any("compteur" in message for message in warnings)

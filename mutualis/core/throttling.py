"""Counters in the shared cache (Redis or the database cache), so that every web process sees the same count.

When the cache cannot be reached (the database cache's table not created yet, Redis down), counting stops with a
logged warning: throttling is a guard, and a page or an API call must never answer 500 because of it.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from rest_framework import throttling

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is installed with channels-redis
    RedisError = OSError  # type: ignore[assignment,misc]

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises: the database's errors, a refused connection, Redis's errors.
CACHE_ERRORS = (DatabaseError, OSError, RedisError)

T = TypeVar("T")


def _savepoint() -> AbstractContextManager[Any]:
    # On PostgreSQL a failed query spoils the transaction it runs in: give the database cache's query a savepoint
    # of its own when a transaction is open, so that the request goes on after the failure.
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        alias = router.db_for_write(backend.cache_model_class)
        if connections[alias].in_atomic_block:
            return transaction.atomic(using=alias)
    return nullcontext()


def cache_guarded(operation: Callable[[], T], *, default: T, what: str) -> T:
    """Run a cache operation; when the cache cannot be reached, log a warning and return `default`."""
    try:
        with _savepoint():
            return operation()
    except CACHE_ERRORS as exc:
        logger.warning("Cache injoignable (%s) : %s désactivé pour cette requête.", exc, what)
        return default


def counter_value(key: str) -> int:
    """The current count under `key` (0 when absent or expired, or when the cache cannot be reached)."""
    return cache_guarded(lambda: cache.get(key) or 0, default=0, what="compteur")


def counter_hit(key: str, *, timeout: int) -> None:
    """Add one to the counter under `key`; a new counter lives `timeout` seconds from its first hit."""

    def hit() -> None:
        if cache.add(key, 1, timeout=timeout):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=timeout)

    cache_guarded(hit, default=None, what="compteur")


def counter_clear(key: str) -> None:
    """Forget the counter under `key`."""
    cache_guarded(lambda: cache.delete(key), default=None, what="compteur")


class _Guarded(throttling.SimpleRateThrottle):
    def allow_request(self, request: Any, view: Any) -> bool:
        return cache_guarded(lambda: super(_Guarded, self).allow_request(request, view), default=True, what="quota")


class AnonRateThrottle(_Guarded, throttling.AnonRateThrottle):
    """DRF's limit for anonymous clients (rate "anon"), lifted rather than failing when the cache is unreachable."""


class UserRateThrottle(_Guarded, throttling.UserRateThrottle):
    """DRF's limit for signed-in clients (rate "user"), lifted rather than failing when the cache is unreachable."""

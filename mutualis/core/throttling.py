"""Counters in the shared cache (Redis or the database cache), so that every web process sees the same count."""

from django.core.cache import cache


def counter_value(key: str) -> int:
    """The current count under `key` (0 when absent or expired)."""
    return cache.get(key) or 0


def counter_hit(key: str, *, timeout: int) -> None:
    """Add one to the counter under `key`; a new counter lives `timeout` seconds from its first hit."""
    if cache.add(key, 1, timeout=timeout):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)

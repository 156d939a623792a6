"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login throttling counters live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()

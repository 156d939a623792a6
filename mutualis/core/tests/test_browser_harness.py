"""Browser harness: Chromium (whose sync Playwright API marks an event loop as running in the test thread) stops
after the last of consecutive browser tests, so that a session selecting browser and asyncio tests runs both."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def test_an_asyncio_test_after_a_browser_test_runs_in_the_same_thread():
    """A browser test, an asyncio test, a plain test and a browser test again, in one pytest without xdist: all
    pass (with Chromium kept for the whole session the asyncio test failed: « Runner.run() cannot be called from a
    running event loop »)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-q",
            str(Path(__file__).with_name("browser_then_asyncio.py")),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout

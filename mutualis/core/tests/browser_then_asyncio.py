"""Not collected by the suite: test_browser_harness.py runs it in a pytest of its own, where a browser test, an
asyncio test and a plain one share the test thread, as they do when a session selects both kinds."""

import asyncio
import os

import pytest


@pytest.mark.browser
def test_a_browser_test(chromium):
    page = chromium.new_page()
    page.set_content("<p>Mutualis</p>")
    assert page.text_content("p") == "Mutualis"
    page.close()


@pytest.mark.asyncio
async def test_then_an_asyncio_test():
    await asyncio.sleep(0)


def test_then_a_plain_test_in_a_thread_without_a_loop():
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ  # the ORM's async-safety check is back


@pytest.mark.browser
def test_then_a_browser_test_again(chromium):
    test_a_browser_test(chromium)

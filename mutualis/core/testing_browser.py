"""Pytest plugin for browser tests: Playwright driving Debian's Chromium, axe-core checks, screenshots on failure.

Browser tests carry the `browser` marker and run in their own pytest session (`make test` does both runs). A
session that selects both kinds (`pytest mutualis/supervision`) works too: while the sync Playwright API is started it
marks its event loop as running in the test thread, where asyncio tests then fail (« Runner.run() cannot be called
from a running event loop ») and the ORM refuses synchronous calls; so Chromium lives across consecutive browser tests
only, and stops before any other test.
"""

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", settings.BASE_DIR / "test-artifacts"))
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# Without these flags Chromium tries to reach Google's services, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class _Chromium:
    """One headless Chromium, started by the first browser test of a run of consecutive ones, stopped after the last."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._async_unsafe: str | None = None

    def browser(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            # Between its calls Playwright's sync API leaves its event loop marked as running in the test thread:
            # the ORM calls the tests make there are still plain synchronous calls.
            self._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        """Close Chromium and stop Playwright, which unmarks its loop: the thread is a plain one again."""
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()
            self._playwright = self._browser = None
            if self._async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._async_unsafe


_chromium_key = pytest.StashKey[_Chromium]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_chromium_key] = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Once a test's fixtures are torn down, stop Chromium unless the next test uses it too."""
    try:
        return (yield)
    finally:
        if nextitem is None or "chromium" not in getattr(nextitem, "fixturenames", ()):
            item.config.stash[_chromium_key].stop()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _chromium_key in config.stash:  # a run interrupted between two browser tests (-x, Ctrl+C)
        config.stash[_chromium_key].stop()


@pytest.fixture
def chromium(pytestconfig: pytest.Config) -> Any:
    """The headless Chromium, shared by consecutive browser tests (see _Chromium)."""
    return pytestconfig.stash[_chromium_key].browser()


# Every document reports what its Content-Security-Policy refused (inline script or style, handler, foreign origin)
# to the test, which fails on it: the pages must work under the policy they are served with.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: document.URL, directive: event.effectiveDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  });
});
"""


def assert_no_csp_violation(page: Any) -> None:
    """Fail if any document this page loaded broke its Content-Security-Policy (a violation may be listed twice:
    as the event and as Chromium's console message, which also reports a policy it could not parse)."""
    violations: list[str] = getattr(page, "csp_violations", [])
    assert not violations, "Content-Security-Policy: {} violation(s)\n{}".format(
        len(violations), "\n".join(f"- {v}" for v in violations)
    )


@pytest.fixture
def page(chromium: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context on the live server, failing on any CSP violation; a full-page screenshot is kept if
    the test fails."""
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    violations: list[str] = []

    def on_violation(source: Any, report: dict[str, Any]) -> None:
        violations.append(
            f"{report['page']}: {report['directive']} refused {report['blocked'] or 'inline'}"
            f" ({report['source']}:{report['line']} {report['sample']!r})"
        )

    def on_console(message: Any) -> None:
        if message.type == "error" and re.search("Content.Security.Policy", message.text):
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    context.expose_binding("__cspViolation", on_violation)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.csp_violations = violations
    page.on("console", on_console)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    if report is not None and report.passed:
        assert_no_csp_violation(page)


@functools.cache
def _axe_source() -> str:
    """axe-core's script, as one expression for page.evaluate."""
    return f"(() => {{ {AXE_SCRIPT.read_text()}\n}})()"


def axe_check(page: Any, *, exclude: list[str] | None = None) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and fail on any violation.

    A click that loads a page returns once the new document is committed, possibly before it has a <head>: wait for
    it to load, and start again if a navigation still replaces the document under axe.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would
            # be inline code, refused).
            page.evaluate(_axe_source())
            result = page.evaluate(
                """async (exclude) => await axe.run({exclude: exclude.map(s => [s])},
                       {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
                exclude or [],
            )
            break
        except PlaywrightError as exc:
            navigating = "context was destroyed" in str(exc)
            if not navigating or attempt == 2:
                raise
    assert_no_csp_violation(page)
    violations = result["violations"]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )
    assert not violations, f"axe-core: {len(violations)} violation(s) on {page.url}\n{details}"


def click_and_wait(page: Any, locator: Any) -> None:
    """Click a button or link that loads a new page, and return once that page has loaded.

    ``page.wait_for_load_state()`` after a click can return at once, on the page being left; the next action
    then races the navigation.
    """
    with page.expect_navigation():
        locator.click()


def login(page: Any, *, email: str, password: str, totp_device: Any = None) -> None:
    """Sign in through the login form (and the TOTP step when the account has a device)."""
    from mutualis.core.testing import current_totp

    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter").last)
    if totp_device is not None:
        page.get_by_label("Code à usage unique").fill(current_totp(totp_device))
        click_and_wait(page, page.get_by_role("button", name="Vérifier"))

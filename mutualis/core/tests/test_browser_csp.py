"""Browser: pages run under their Content-Security-Policy (the browser fixture fails any test on a violation)."""

import pytest
from playwright.sync_api import expect

from mutualis.core.testing_browser import assert_no_csp_violation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_documentation_renders_under_the_policy(page):
    """Swagger UI (its start-up script a file, its page styles a stylesheet) renders the schema with no CSP
    violation."""
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Mutualis API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_a_violation_of_the_policy_fails_the_test(page):
    """The browser fixture sees what the policy refuses: an inline style and an inline handler are reported, and
    fail the test."""
    page.goto("/")
    refused = page.evaluate(
        """() => new Promise((resolve) => {
            const seen = new Set();
            document.addEventListener("securitypolicyviolation", (event) => {
                seen.add(event.effectiveDirective);
                if (seen.size === 2) resolve(Array.from(seen).sort());
            });
            document.head.insertAdjacentHTML("beforeend", "<style>body { color: red; }</style>");
            document.body.insertAdjacentHTML("beforeend", '<img alt="" src="/static/core/favicon.svg" onload="1">');
        })"""
    )
    assert refused == ["script-src-attr", "style-src-elem"]
    with pytest.raises(AssertionError, match="Content-Security-Policy"):
        assert_no_csp_violation(page)
    page.csp_violations.clear()  # seen: the fixture's final check would fail the test on them

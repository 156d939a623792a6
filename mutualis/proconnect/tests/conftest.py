"""A real OpenID Connect provider on loopback, configured like ProConnect, for the whole flow."""

from collections.abc import Iterator

import pytest
from django.urls import reverse

from mutualis.proconnect import oidc
from mutualis.proconnect.testing.local_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider

SITE = "http://testserver"


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    """The provider, started once per test module on a free port, sending agents back to the test client's site."""
    running = LocalProvider.start(
        redirect_uris=[SITE + reverse("proconnect:callback")],
        post_logout_redirect_uris=[SITE + reverse("proconnect:logout_return")],
    )
    yield running
    running.stop()


@pytest.fixture
def proconnect(provider, settings) -> Iterator[LocalProvider]:
    """Mutualis configured for the provider; its metadata and keys fetched afresh; the agent's browser new."""
    settings.SITE_ROOT = SITE
    settings.PROCONNECT_DOMAIN = provider.origin
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.PROCONNECT_SIGN_ALGO = "RS256"
    oidc.clear_cache()
    provider.browser.cookies.clear()
    yield provider
    oidc.clear_cache()

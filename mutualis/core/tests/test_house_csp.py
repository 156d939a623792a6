"""Content-Security-Policy: every page is served with a strict policy, and no template needs more than it allows."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.testing import login_as
from mutualis.core.tests.test_house_security import _settings_in_clean_process

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive by directive."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_every_page_sends_a_strict_policy(client):
    """Public pages, a member's page and a staff page all say: scripts and styles from this origin only, images
    also as data: and from the map tiles' origin, websockets to the realtime process, no plugin, never framed,
    forms and <base> to this origin only."""
    pages = [("/", None), ("/territoire/", None), ("/compte/connexion/", None)]
    pages += [("/notifications/", UserFactory()), ("/back-office/journal/", StaffFactory())]
    for url, user in pages:
        if user is not None:
            login_as(client, user)
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["img-src"][:2] == ["'self'", "data:"], url
        assert all(re.fullmatch(r"https://[\w.*-]+(:\d+)?", source) for source in policy["img-src"][2:]), url
        assert policy["connect-src"][0] == "'self'", url
        assert all(re.fullmatch(r"wss?://[\w.*-]+(:\d+)?", source) for source in policy["connect-src"][1:]), url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert policy["form-action"] == ["'self'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url


def test_policy_allows_the_tile_origin_and_the_realtime_process_from_settings():
    """The tiles' origin comes from MAP_TILE_URL (its {s} subdomains as a wildcard) and the websocket origin from
    REALTIME_URL, else from the served hosts on WS_PORT — 127.0.0.1 and localhost for `make run` (checked in clean
    processes)."""

    def directives(env: dict[str, str]) -> dict[str, list[str]]:
        out = _settings_in_clean_process(
            {"SECRET_KEY": "k" * 50} | env, "__import__('json').dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES'])"
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    local = directives({"MAP_TILE_URL": "https://{s}.tuiles.example.org/{z}/{x}/{y}.png", "WS_PORT": "9001"})
    assert local["img-src"] == ["'self'", "data:", "https://*.tuiles.example.org"]
    assert local["connect-src"] == [
        "'self'",
        "ws://127.0.0.1:9001",
        "wss://127.0.0.1:9001",
        "ws://localhost:9001",
        "wss://localhost:9001",
    ]  # not [::1]: CSP cannot name an IPv6 literal, it would be an invalid source
    public = directives({"MAP_TILE_URL": "", "REALTIME_URL": "wss://temps-reel.example.org/ws/"})
    assert public["img-src"] == ["'self'", "data:"]
    assert public["connect-src"] == ["'self'", "wss://temps-reel.example.org"]
    assert directives({"REALTIME_URL": "off"})["connect-src"] == ["'self'"]


def test_api_documentation_runs_no_inline_code(client):
    """Swagger UI's page loads its start-up script and its styles as files, which the strict policy allows."""
    response = client.get("/api/v1/docs/")
    body = response.content.decode()
    assert _policy(response)["script-src"] == ["'self'"]
    assert "<style" not in body and not re.search(r"<script(?![^>]*\ssrc=)", body)
    script = client.get(re.search(r'<script src="([^"]*script[^"]*)"', body).group(1).replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# Markup a strict policy refuses: inline scripts (a <script> without src, other than a JSON data block), inline
# event handlers, style elements and attributes, javascript: URLs.
INLINE_CODE = [
    re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def test_no_template_needs_inline_code():
    """No template has inline script, handler or style: pages put data in json_script blocks, behaviour in static
    scripts and looks in stylesheets."""
    root = Path(settings.BASE_DIR) / "mutualis"
    templates = list(root.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)[:80]}"
        for path in templates
        for pattern in INLINE_CODE
        for match in pattern.finditer(path.read_text())
    ]
    assert not offenders, "\n".join(offenders)

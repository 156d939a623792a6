"""The local ProConnect-like provider (provider.mjs, on the `oidc-provider` npm package) driven from Python: the
test fixtures start it on a free loopback port and act as the agent's browser on its pages."""

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "mutualis-test"
CLIENT_SECRET = "mutualis-test-secret-0123456789abcdef"


@dataclass
class LocalProvider:
    """A running provider: its origin (PROCONNECT_DOMAIN), its issuer, and the process."""

    process: subprocess.Popen[str]
    origin: str
    issuer: str
    accounts_file: Path
    browser: requests.Session = field(default_factory=requests.Session)

    @classmethod
    def start(
        cls,
        *,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str],
        accounts: dict[str, Any] | None = None,
        algo: str = "RS256",
        port: int = 0,
        test_controls: bool = True,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> "LocalProvider":
        """Start the provider and wait for the line that gives its port."""
        handle, name = tempfile.mkstemp(prefix="proconnect-accounts-", suffix=".json")
        with os.fdopen(handle, "w") as out:
            json.dump(accounts or {}, out)
        env = os.environ | {
            "PROVIDER_PORT": str(port),
            "PROVIDER_ACCOUNTS": name,
            "PROVIDER_CLIENT_ID": client_id,
            "PROVIDER_CLIENT_SECRET": client_secret,
            "PROVIDER_REDIRECT_URIS": ",".join(redirect_uris),
            "PROVIDER_POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_redirect_uris),
            "PROVIDER_SIGN_ALGO": algo,
            "PROVIDER_TEST_CONTROLS": "1" if test_controls else "0",
            "NODE_PATH": str(settings.NODE_MODULES),
        }
        node = shutil.which("node") or "node"
        process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [node, str(SCRIPT)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=settings.BASE_DIR,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("{"):
            process.kill()
            raise RuntimeError(f"the local provider did not start: {line!r}")
        started = json.loads(line)
        origin = f"http://127.0.0.1:{started['port']}"
        return cls(process=process, origin=origin, issuer=started["issuer"], accounts_file=Path(name))

    def stop(self) -> None:
        """Stop the process and remove its accounts file."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.accounts_file.unlink(missing_ok=True)

    def _control(self, name: str, payload: Any = None) -> None:
        response = requests.post(f"{self.origin}/__control/{name}", data=json.dumps(payload or {}), timeout=5)
        response.raise_for_status()

    def add_accounts(self, accounts: dict[str, Any]) -> None:
        """Give the provider more agents: {email: {given_name, usual_name, siret, idp_id, password, sub, amr}}."""
        self._control("accounts", accounts)

    def expire_codes(self) -> None:
        """Make every authorization code issued so far expired (as after ProConnect's 30 seconds)."""
        self._control("expire-codes")

    def publish_other_key(self) -> None:
        """Publish another key under the signing key's id: what the provider signs no longer verifies."""
        self._control("other-key")

    def _follow(self, response: requests.Response, stop_at: str) -> str:
        """Follow the provider's redirects until one leaves for `stop_at` (our site): that URL."""
        for _hop in range(10):
            location = response.headers.get("Location")
            if not location:
                return ""
            url = urljoin(response.url, location)
            if not url.startswith(self.origin):
                assert url.startswith(stop_at), url
                return url
            response = self.browser.get(url, allow_redirects=False, timeout=5)
        raise AssertionError("too many redirects at the provider")

    def sign_in(self, authorization_url: str, *, email: str, password: str, site: str) -> str:
        """Act as the agent: open the authorization URL, fill the provider's login form; the callback URL (with
        `code` and `state`) the provider sends the browser back to (at once when the agent is still signed in there)."""
        response = self.browser.get(authorization_url, allow_redirects=False, timeout=5)
        interaction = urljoin(response.url, response.headers["Location"])
        if interaction.startswith(site):
            return interaction  # still signed in at the provider (single sign-on): straight back
        assert urlsplit(interaction).path.startswith("/interaction/"), interaction
        page = self.browser.get(interaction, timeout=5)
        assert page.status_code == 200, page.text
        form = self.browser.post(
            f"{interaction}/login", data={"email": email, "password": password}, allow_redirects=False, timeout=5
        )
        return self._follow(form, site)

    def end_session(self, end_session_url: str, *, site: str) -> str:
        """Act as the browser at the provider's logout page: confirm; the URL it sends back to (our site)."""
        page = self.browser.get(end_session_url, allow_redirects=False, timeout=5)
        assert page.status_code == 200, page.text
        xsrf = page.text.split('name="xsrf" value="')[1].split('"')[0]
        action = page.text.split('action="')[1].split('"')[0]
        confirm = self.browser.post(
            urljoin(page.url, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False, timeout=5
        )
        return self._follow(confirm, site)

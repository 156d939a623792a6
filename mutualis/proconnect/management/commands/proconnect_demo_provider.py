"""`manage.py proconnect_demo_provider`: run the local ProConnect-like provider for the demo (`make run` starts it),
with the demo agents of the database, on PROCONNECT_DEMO_PORT. When PROCONNECT_DOMAIN points elsewhere (a real
ProConnect), it only waits: honcho stops every process as soon as one ends."""

import json
import os
import shutil
import signal
import tempfile
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from mutualis.proconnect import demo, oidc
from mutualis.proconnect.testing.local_provider import SCRIPT


class Command(BaseCommand):
    help = "Lance le fournisseur ProConnect local de démonstration (comptes des agents de démonstration)."

    def handle(self, *args: Any, **options: Any) -> None:
        local = f"http://127.0.0.1:{settings.PROCONNECT_DEMO_PORT}"
        if not oidc.is_configured() or oidc.domain_url() != local:
            self.stdout.write(f"ProConnect de démonstration inactif (PROCONNECT_DOMAIN n'est pas {local}).")
            signal.pause()
            return
        handle, name = tempfile.mkstemp(prefix="proconnect-demo-", suffix=".json")
        with os.fdopen(handle, "w") as out:
            json.dump(demo.provider_accounts(), out)
        site = settings.SITE_ROOT.rstrip("/")
        env = os.environ | {
            "PROVIDER_PORT": str(settings.PROCONNECT_DEMO_PORT),
            "PROVIDER_ACCOUNTS": name,
            "PROVIDER_CLIENT_ID": settings.PROCONNECT_CLIENT_ID,
            "PROVIDER_CLIENT_SECRET": settings.PROCONNECT_CLIENT_SECRET,
            "PROVIDER_REDIRECT_URIS": site + reverse("proconnect:callback"),
            "PROVIDER_POST_LOGOUT_REDIRECT_URIS": site + reverse("proconnect:logout_return"),
            "PROVIDER_SIGN_ALGO": settings.PROCONNECT_SIGN_ALGO,
            "PROVIDER_TEST_CONTROLS": "0",
        }
        self.stdout.write(f"ProConnect de démonstration : {local}/api/v2 (mot de passe {demo.DEMO_PASSWORD}).")
        node = shutil.which("node") or "node"
        os.execvpe(node, [node, str(SCRIPT)], env)  # noqa: S606 - our own script, fixed arguments

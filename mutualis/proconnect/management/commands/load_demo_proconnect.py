"""`manage.py load_demo_proconnect`: a ProConnect identity for one agent of each active demo member (idempotent)."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.proconnect import demo


class Command(AuditedCommand):
    help = "Crée un agent ProConnect de démonstration par adhérent actif (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.load()
        self.stdout.write(f"ProConnect : {created} agent(s) de démonstration créé(s).")

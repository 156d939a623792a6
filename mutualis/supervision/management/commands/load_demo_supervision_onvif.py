"""`manage.py load_demo_supervision_onvif`: the ONVIF demo source and camera (see supervision.demo_onvif)."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision import demo_onvif


class Command(AuditedCommand):
    help = "Déclare la source ONVIF de démonstration et sa caméra (caméra simulée de make run) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = demo_onvif.load()
        if not made:
            self.stdout.write("ONVIF : rien à ajouter (déjà chargé, ou pas de supervision de démonstration).")
            return
        self.stdout.write(f"ONVIF : source {made['source']} ({made['url']}), caméra {made['camera']}.")

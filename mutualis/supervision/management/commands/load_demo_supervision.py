"""`manage.py load_demo_supervision`: the supervision demo (see supervision.demo); idempotent."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision import demo


class Command(AuditedCommand):
    help = "Charge la supervision de démonstration (~1 300 caméras, sources, alarmes) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = demo.load()
        if not made:
            self.stdout.write("Supervision : la démonstration existe déjà, rien n'est ajouté.")
            return
        self.stdout.write(
            f"Supervision : {made['sites']} sites protégés, {made['cameras']} caméras ({made['devices']} équipements), "
            f"{made['alarms']} alarmes ; sources demo-webhook (jeton {demo.DEMO_WEBHOOK_TOKEN}) "
            f"et demo-frigate (jeton {demo.DEMO_FRIGATE_TOKEN})."
        )

"""`manage.py load_demo_supervision_evidence`: the evidence demo (see supervision.demo_evidence); idempotent."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision import demo_evidence


class Command(AuditedCommand):
    help = "Charge les preuves de démonstration (enregistrements, réquisition remise, demande d'accès) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = demo_evidence.load()
        if not made:
            self.stdout.write("Preuves : rien à ajouter (déjà chargées, ou pas de supervision de démonstration).")
            return
        self.stdout.write(
            f"Preuves : {made['recordings']} enregistrements de DEMO-CAM-0001, {made['evidence']} éléments remis sur "
            f"la réquisition {demo_evidence.DEMO_REQUISITION}."
        )

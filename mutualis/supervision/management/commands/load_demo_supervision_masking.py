"""`manage.py load_demo_supervision_masking`: the masking demo (see supervision.demo_masking); idempotent."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision import demo_masking


class Command(AuditedCommand):
    help = "Charge une vignette et un extrait à occulter pour la demande d'accès de démonstration ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = demo_masking.load()
        if not made:
            self.stdout.write("Occultation : rien à ajouter (déjà chargée, ou pas de preuves de démonstration).")
            return
        self.stdout.write(
            f"Occultation : {made['recordings']} fichier(s) à occulter pour la demande d'accès de "
            f"{demo_masking.REQUESTER}."
        )

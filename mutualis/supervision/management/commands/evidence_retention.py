"""`manage.py evidence_retention`: destroy, once, the recordings and evidence past their site's authorised retention
(held ones kept) and register each destruction. The clock (`manage.py clock`) runs the same purge every hour."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision.services.retention import purge_expired


class Command(AuditedCommand):
    help = (
        "Détruit les enregistrements et preuves dont la durée de conservation est échue (hors conservation judiciaire)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = purge_expired()
        self.stdout.write(f"Détruits : {result['recordings']} enregistrement(s), {result['evidence']} preuve(s).")

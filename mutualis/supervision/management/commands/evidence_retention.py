"""`manage.py evidence_retention`: destroy the recordings and evidence past their site's authorised retention (held
ones kept) and register each destruction. `--every SECONDS` instead enqueues the task for the worker at that
interval (the `evidence-retention` process of the Procfile)."""

import time
from typing import Any

from django.core.management.base import CommandParser
from django.db import close_old_connections

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision.tasks_evidence import evidence_retention, run_retention


class Command(AuditedCommand):
    help = (
        "Détruit les enregistrements et preuves dont la durée de conservation est échue (hors conservation judiciaire)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="mettre la tâche en file toutes les N secondes")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if not every:
            result = run_retention()
            self.stdout.write(f"Détruits : {result['recordings']} enregistrement(s), {result['evidence']} preuve(s).")
            return
        while True:
            close_old_connections()
            evidence_retention.enqueue()
            time.sleep(max(every, 60))

"""`manage.py load_demo_opendata`: generate the demo's open-data files (every dataset that is due: never generated,
older than its frequency, or whose data changed), so that the portal shows sizes, checksums and validation from
the start. Idempotent: run again at once, it generates nothing. Last of load_demo's steps (it publishes theirs)."""

from typing import Any

from django.utils import timezone

from mutualis.core.management.base import AuditedCommand
from mutualis.opendata import registry
from mutualis.opendata.services import generation_run
from mutualis.opendata.tasks import is_due


class Command(AuditedCommand):
    help = "Génère les fichiers ouverts de la démonstration (les jeux de données à jour sont laissés) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        done = []
        for dataset in registry.datasets():
            reason = is_due(dataset, now=timezone.now())
            if reason:
                generation = generation_run(dataset=dataset, trigger=f"demo:{reason}")
                done.append(f"{dataset.slug} ({generation.get_status_display().lower()})")
        self.stdout.write(f"Données ouvertes : {', '.join(done) if done else 'fichiers déjà à jour'}.")

"""manage.py opendata_generate [SLUG …]: generate datasets' files now (all, or those named). The periodic refresh
is the clock's (`manage.py clock` enqueues opendata.tasks.refresh_catalogue every OPENDATA_REFRESH_MINUTES)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from mutualis.core.management.base import AuditedCommand
from mutualis.opendata import registry
from mutualis.opendata.models import GenerationStatus
from mutualis.opendata.services import generation_run


class Command(AuditedCommand):
    help = "Génère les fichiers des jeux de données ouverts (tous, ou ceux nommés)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="jeux de données à générer (tous par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {dataset.slug: dataset for dataset in registry.datasets()}
        unknown = [slug for slug in options["slugs"] if slug not in known]
        if unknown:
            raise CommandError(f"Jeu de données inconnu : {', '.join(unknown)} (connus : {', '.join(sorted(known))}).")
        failed = []
        for slug in options["slugs"] or list(known):
            generation = generation_run(dataset=known[slug], trigger="command")
            sizes = ", ".join(f"{stored.filename} {stored.byte_size} o" for stored in generation.files.all())
            self.stdout.write(f"{slug} : {generation.get_status_display()} en {generation.duration_ms} ms ({sizes})")
            for error in generation.errors[:10]:
                self.stdout.write(f"  {error}")
            if generation.status == GenerationStatus.FAILED:
                failed.append(slug)
        if failed:
            raise CommandError(f"Échec de la génération : {', '.join(failed)}.")

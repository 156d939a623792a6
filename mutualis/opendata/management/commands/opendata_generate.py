"""manage.py opendata_generate [SLUG …] [--schedule]: generate datasets' files now (all, or those named), or start
the worker's schedule (refresh_catalogue, which then enqueues itself every OPENDATA_REFRESH_MINUTES)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from mutualis.core.management.base import AuditedCommand
from mutualis.opendata import registry, tasks
from mutualis.opendata.models import GenerationStatus
from mutualis.opendata.services import generation_run


class Command(AuditedCommand):
    help = "Génère les fichiers des jeux de données ouverts (tous, ou ceux nommés), ou lance leur planification."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="jeux de données à générer (tous par défaut)")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="ne rien générer maintenant : confier au worker la génération périodique (si elle n'est pas lancée)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            started = tasks.schedule_refresh(minutes=0)
            self.stdout.write("Planification lancée." if started else "Planification déjà en place (ou impossible).")
            return
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

"""`manage.py import_establishments FILE`: import écoles and collèges from the Annuaire de l'éducation's CSV."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from mutualis.core.management.base import AuditedCommand
from mutualis.education.services.imports import establishment_import, report_rows


class Command(AuditedCommand):
    help = (
        "Importe les écoles et collèges d'un export CSV de l'annuaire de l'éducation ; tout ou rien, "
        "avec un rapport ligne par ligne."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Fichier CSV (colonnes de l'annuaire de l'éducation)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        report = establishment_import(content=path.read_bytes(), acting_user=None, filename=path.name)
        for problem in report.problems:
            self.stderr.write(problem)
        for row in report_rows(report):
            if row["error"]:
                self.stderr.write(f"Ligne {row['number']} ({row['uai']}) : {' ; '.join(row['messages'])}")
        if not report.committed:
            raise CommandError(f"Import refusé : {len(report.refused)} ligne(s) en erreur, rien n'a été écrit.")
        self.stdout.write(
            f"Import réussi : {report.count('created')} établissement(s) créé(s), {report.count('updated')} mis à jour."
        )

"""`manage.py import_fibre FILE --format ipe|gracethd [--user EMAIL]`: import an operator's address file now.

Every line is checked; any rejected line (or an unreadable file) imports nothing, prints the reasons and exits with
a non-zero status. Importing the same file again changes nothing (every line is counted unchanged).
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualis.accounts.models import User
from mutualis.core.context import audit_context
from mutualis.fibre.choices import ImportStatus
from mutualis.fibre.integrations import LAYOUTS
from mutualis.fibre.services.imports import import_file

SHOWN_REJECTIONS = 50


class Command(BaseCommand):
    help = "Importe un fichier d'adresses FTTH (IPE ou GraceTHD t_adresse) : tout ou rien, idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="fichier CSV à importer")
        parser.add_argument("--format", required=True, choices=sorted(LAYOUTS), dest="layout", help="ipe ou gracethd")
        parser.add_argument("--user", help="adresse électronique du chargé des réseaux qui importe (facultatif)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        user = None
        if options["user"]:
            user = User.objects.filter(email=options["user"].lower()).first()
            if user is None:
                raise CommandError(f"Aucun compte {options['user']}.")
        try:
            with audit_context(origin="command:import_fibre"):
                fibre_import = import_file(path=path, layout=options["layout"], acting_user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if fibre_import.status != ImportStatus.DONE:
            for error in fibre_import.rejected_lines[:SHOWN_REJECTIONS]:
                self.stderr.write(f"ligne {error['line']} — {error['column']} « {error['value']} » : {error['reason']}")
            if fibre_import.rejected_count > SHOWN_REJECTIONS:
                self.stderr.write(f"… {fibre_import.rejected_count} lignes rejetées en tout.")
            raise CommandError(f"Import n° {fibre_import.pk} refusé : {fibre_import.error}")
        self.stdout.write(
            f"Import n° {fibre_import.pk} terminé : {fibre_import.lines_read} lignes, "
            f"{fibre_import.new_count} nouvelles, {fibre_import.changed_count} modifiées, "
            f"{fibre_import.unchanged_count} inchangées, 0 rejetée."
        )

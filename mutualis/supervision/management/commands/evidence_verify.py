"""`manage.py evidence_verify FILE.zip [--public-key PEM]`: check a signed evidence export — the manifest's Ed25519
signature (the platform's key, or the published one given), then every file's SHA-256 — and name any altered,
missing or added file. Exit code 0 when intact, 1 otherwise."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualis.supervision.services.evidence import load_public_key, public_key_fingerprint, verify_export


class Command(BaseCommand):
    help = "Vérifie un export de preuves signé (signature Ed25519 et empreinte SHA-256 de chaque fichier)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="l'export ZIP à vérifier")
        parser.add_argument("--public-key", help="clé publique PEM publiée (par défaut : celle de la plateforme)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        key = load_public_key(Path(options["public_key"]).read_bytes()) if options["public_key"] else None
        report = verify_export(archive_file=path, key=key)
        self.stdout.write(f"Clé publique : {public_key_fingerprint(key)}")
        self.stdout.write("Signature du manifeste : " + ("valide" if report.signature_valid else "INVALIDE"))
        for name in report.checked:
            self.stdout.write(f"  intact   {name}")
        for name in report.altered:
            self.stdout.write(f"  ALTÉRÉ   {name}")
        for name in report.missing:
            self.stdout.write(f"  MANQUANT {name}")
        for name in report.unexpected:
            self.stdout.write(f"  AJOUTÉ   {name}")
        for error in report.errors:
            self.stdout.write(f"  {error}")
        if not report.ok:
            raise CommandError(
                "Export NON conforme"
                + (f" : fichier(s) altéré(s) : {', '.join(report.altered)}" if report.altered else "")
            )
        self.stdout.write(self.style.SUCCESS(f"Export intact : {len(report.checked)} fichier(s) vérifié(s)."))

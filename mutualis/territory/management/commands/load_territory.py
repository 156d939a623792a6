"""`manage.py load_territory`: load or refresh the shipped territory (idempotent)."""

from mutualis.core.management.base import AuditedCommand
from mutualis.territory.services import territory_load


class Command(AuditedCommand):
    help = "Charge (ou met à jour) les départements, EPCI/EPT et communes depuis data/territory/ ; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Dossier des données (par défaut : data/territory/ du projet).")

    def handle(self, *args, **options):
        counts = territory_load(data_dir=options["data_dir"])
        labels = {"departements": "départements", "intercommunalities": "EPCI/EPT", "communes": "communes"}
        for key, label in labels.items():
            c = counts[key]
            self.stdout.write(f"{label} : {c['total']} ({c['created']} créé(s), {c['updated']} mis à jour)")

"""`manage.py load_demo_fibre`: a plausible FICTITIOUS FTTH deployment of the rural communes of the Yvelines (about
100,000 premises spread by population, more than a hundred communes mostly deployed, late PM zones) with a year
of import history. Idempotent (nothing is added once a plan exists) and fast: bulk inserts in one transaction,
since `make run` runs it every time. See fibre.demo for how the network is drawn (one seeded generator).
"""

import datetime
import hashlib
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN
from mutualis.core.bulk import insert_rows
from mutualis.core.dates import add_months
from mutualis.fibre import demo
from mutualis.fibre.choices import ImportLayout, ImportStatus
from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone, YearlyTarget
from mutualis.fibre.services.imports import DATA_FIELDS
from mutualis.territory.models import Commune

BATCH = 5000


class Command(BaseCommand):
    help = "Charge un déploiement fibre de démonstration (communes rurales des Yvelines) ; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--premises", type=int, default=100_000, help="locaux à répartir (100 000 par défaut)")
        parser.add_argument("--seed", type=int, default=78, help="graine du tirage (78 par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        if DeploymentPlan.objects.exists():
            self.stdout.write("Fibre : le plan de déploiement existe déjà, rien n'est ajouté.")
            return
        today = timezone.localdate()
        communes = list(
            Commune.objects.filter(departement__code="78", population__lt=demo.RURAL_POPULATION)
            .order_by("insee_code")
            .values_list("insee_code", "name", "population")
        )
        if not communes:
            self.stdout.write("Fibre : aucune commune rurale des Yvelines (chargez d'abord le territoire).")
            return
        network = demo.build_network(communes, premises=options["premises"], today=today, seed=options["seed"])
        with transaction.atomic():
            counts = self._load(network, today, options["seed"])
        self.stdout.write(
            f"Fibre : {counts['communes']} communes au plan, {counts['zones']} zones PM, "
            f"{counts['addresses']} adresses ({counts['premises']} locaux), {counts['imports']} imports."
        )

    def _load(self, network: list[demo.DemoCommune], today: datetime.date, seed: int) -> dict[str, int]:
        ids = dict(
            Commune.objects.filter(insee_code__in=[c.insee_code for c in network]).values_list("insee_code", "pk")
        )
        plans = DeploymentPlan.objects.bulk_create(
            DeploymentPlan(commune_id=ids[c.insee_code], premises_planned=c.premises, contractor=demo.CONTRACTOR)
            for c in network
        )
        YearlyTarget.objects.bulk_create(
            YearlyTarget(plan=plan, year=year, premises=premises)
            for plan, commune in zip(plans, network, strict=True)
            for year, premises in sorted(commune.targets.items())
        )
        zones = PMZone.objects.bulk_create(demo.pm_zones(network, ids))
        zone_ids = {zone.reference: zone.pk for zone in zones}
        changes: Counter[tuple[int, int]] = Counter()
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        batch: list[tuple[Any, ...]] = []
        total = premises = 0
        for values in demo.addresses(network, today=today, seed=seed):
            values["commune_id"], values["pm_zone_id"] = ids[values["insee"]], zone_ids[values["pm_reference"]]
            batch.append((*(values.get(name, False) for name in DATA_FIELDS), stamp, stamp))
            total, premises = total + 1, premises + values["dwellings"] + values["business_premises"]
            for name in ("signed_on", "cabled_on", "commissioned_on", "connected_on"):
                if values[name]:
                    changes[values[name].year, values[name].month] += 1
            if len(batch) == BATCH:
                insert_rows(Address, (*DATA_FIELDS, "created_at", "updated_at"), batch)
                batch = []
        insert_rows(Address, (*DATA_FIELDS, "created_at", "updated_at"), batch)
        imports = self._history(today, total, changes)
        last = max((i for i in imports if i.status == ImportStatus.DONE), key=lambda i: i.created_at)
        Address.objects.update(last_import=last)
        return {
            "communes": len(plans),
            "zones": len(zones),
            "addresses": total,
            "premises": premises,
            "imports": len(imports),
        }

    def _history(self, today: datetime.date, lines: int, changes: Counter) -> list[FibreImport]:
        """A year of imports: the infrastructure operator's monthly IPE and the contractor's quarterly GraceTHD
        delivery, one IPE refused (bad lines) and sent again corrected the next day."""
        officer = User.objects.filter(email=f"reseaux@{DEMO_EMAIL_DOMAIN}").first()
        rows = []
        for months_ago in range(12, 0, -1):
            # The 5th of each of the last twelve months, the latest never after today (on the 1st to the 4th, this
            # month's 5th is still to come).
            latest = today.replace(day=5) if today.day >= 5 else add_months(today.replace(day=5), -1)
            day = add_months(latest, -months_ago + 1)
            before = add_months(day, -1)
            changed = changes[before.year, before.month]
            for layout, name in self._files(day, months_ago):
                rows.append(self._import(layout, name, day, officer, lines, changed))
            if months_ago == 7:
                failed = self._import(ImportLayout.IPE, f"IPE_YVELINES_FIBRE_{day:%Y%m}05.csv", day, officer, lines, 0)
                failed.status, failed.rejected_count, failed.new_count = ImportStatus.FAILED, 3, 0
                failed.changed_count = failed.unchanged_count = 0
                failed.error = (
                    "3 ligne(s) rejetée(s) : rien n'a été importé. Corrigez le fichier et déposez-le à nouveau."
                )
                failed.rejected_lines = [
                    {
                        "line": 1204,
                        "column": "CodeInseeImmeuble",
                        "value": "78999",
                        "reason": "Commune inconnue : code INSEE « 78999 ».",
                    },
                    {
                        "line": 5310,
                        "column": "EtatImmeuble",
                        "value": "DEPLOYEE",
                        "reason": "État inconnu : « DEPLOYEE ». États admis : CIBLE, SIGNE, EN COURS DE DEPLOIEMENT, "
                        "DEPLOYE, RACCORDABLE DEMANDE, ABANDONNE.",
                    },
                    {
                        "line": 18022,
                        "column": "DateMiseEnServiceCommercialeImmeuble",
                        "value": "20240301",
                        "reason": "Dates dans le désordre : mise en service commerciale le 01/03/2024, avant le câblage "
                        "du 12/06/2024.",
                    },
                ]
                failed.started_at -= datetime.timedelta(days=1)
                failed.finished_at -= datetime.timedelta(days=1)
                rows.append(failed)
        created = FibreImport.objects.bulk_create(rows)
        # bulk_create ignores the history's dates for auto_now_add fields: set them as they were.
        for row in created:
            FibreImport.objects.filter(pk=row.pk).update(created_at=row.started_at, updated_at=row.finished_at)
        return created

    @staticmethod
    def _files(day: datetime.date, months_ago: int) -> list[tuple[str, str]]:
        files = [(ImportLayout.IPE, f"IPE_YVELINES_FIBRE_{day:%Y%m}0{6 if months_ago == 7 else 5}.csv")]
        if months_ago % 3 == 0:
            files.append((ImportLayout.GRACETHD, f"GRACETHD_t_adresse_LIVRAISON_{day:%Y%m}.csv"))
        return files

    @staticmethod
    def _import(
        layout: str, name: str, day: datetime.date, officer: User | None, lines: int, changed: int
    ) -> FibreImport:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        if layout == ImportLayout.GRACETHD:
            at += datetime.timedelta(hours=5)
        return FibreImport(
            layout=layout,
            file_name=name,
            size=lines * (210 if layout == ImportLayout.IPE else 160),
            encoding="cp1252" if layout == ImportLayout.IPE else "utf-8",
            origin="web",
            created_by=officer,
            status=ImportStatus.DONE,
            started_at=at,
            finished_at=at + datetime.timedelta(seconds=40 + lines // 2500),
            bytes_read=lines * (210 if layout == ImportLayout.IPE else 160),
            lines_read=lines,
            new_count=0,
            changed_count=changed,
            unchanged_count=lines - changed,
            created_at=at,
            sha256=hashlib.sha256(name.encode()).hexdigest(),  # a stand-in: the demo's files do not exist
        )

"""The registry's contract, as an app uses it: registering a dataset in a few lines (here IRVE statique, as the
charging app will, from the official example's rows) publishes it, validates it against its national Table Schema
and describes it in the catalogue; a bad registration is refused at start-up."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from mutualis.opendata import registry
from mutualis.opendata.models import GenerationStatus
from mutualis.opendata.registry import Dataset, Place, Resource
from mutualis.opendata.services import generation_run

pytestmark = pytest.mark.django_db

IRVE = Path(settings.BASE_DIR) / "data" / "standards" / "irve"


def example_rows():
    with (IRVE / "exemple-valide-statique.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [tuple(row) for row in reader]


def irve_dataset(rows, header) -> Dataset:
    return Dataset(
        slug="irve-statique",
        title="Infrastructures de recharge (IRVE statique)",
        description="Une ligne par point de recharge.",
        themes=("TRAN", "ENER"),
        keywords=("IRVE", "recharge"),
        frequency="DAILY",
        conforms_to="https://schema.data.gouv.fr/etalab/schema-irve-statique/2.3.1/",
        conforms_to_label="IRVE statique 2.3",
        spatial=lambda: [Place("75101", "Paris 1er Arrondissement")],
        resources=[
            Resource(
                format="csv",
                filename="irve-statique.csv",
                header=header,
                rows=lambda: iter(rows),
                table_schema=IRVE / "schema-statique.json",
            )
        ],
    )


@pytest.fixture
def clean_registry(monkeypatch):
    """Registrations of the test do not outlive it."""
    monkeypatch.setattr(registry, "_datasets", dict(registry._datasets))
    monkeypatch.setattr(registry, "_files", dict(registry._files))


def test_an_irve_statique_dataset_validates_against_the_national_schema(clean_registry, client):
    """The official valid example, registered as the docs show, generates a file valid against IRVE statique 2.3,
    downloadable at /opendata/irve-statique.csv and listed in the DCAT catalogue."""
    header, rows = example_rows()
    registry.register_dataset(irve_dataset(rows, header))
    generation = generation_run(dataset=registry.dataset_get("irve-statique"))
    assert generation.status == GenerationStatus.VALID, generation.errors
    assert client.get("/opendata/irve-statique.csv").status_code == 200
    assert "irve-statique.csv" in client.get("/opendata/catalog.ttl").content.decode()
    assert client.get("/donnees/jeux/?q=IRVE").context["page"].object_list[0].slug == "irve-statique"


def test_a_row_breaking_the_irve_schema_is_reported(clean_registry):
    """A SIREN of eight digits breaks the national schema: the generation is invalid and names the field."""
    header, rows = example_rows()
    broken = list(rows[0])
    broken[header.index("siren_amenageur")] = "13002526"
    registry.register_dataset(irve_dataset([tuple(broken)], header))
    generation = generation_run(dataset=registry.dataset_get("irve-statique"))
    assert generation.status == GenerationStatus.INVALID
    assert any("siren_amenageur" in error for error in generation.errors)


def test_bad_registrations_are_refused():
    """A resource without its producer, an unknown format or theme, or a file name taken by another dataset is
    refused when the app registers it (at start-up), not when someone downloads."""
    with pytest.raises(ValueError, match="needs its producing callable"):
        Resource(format="csv", filename="x.csv")
    with pytest.raises(ValueError, match="unknown open-data format"):
        Resource(format="xlsx", filename="x.xlsx", rows=lambda: iter([]))
    with pytest.raises(ValueError, match="unknown theme"):
        Dataset(slug="x", title="x", description="x", resources=(), themes=("NOPE",))
    taken = Resource(format="csv", filename="decp.json", rows=lambda: iter([]))
    with pytest.raises(ValueError, match="already a file of the dataset decp"):
        registry.register_dataset(Dataset(slug="autre", title="x", description="x", resources=(taken,)))

"""IRVE open data: both files validate against the official schemas (frictionless); the OCPP → IRVE mapping is
selectors.public.irve_dynamic_row's, tested with the selectors."""

import json
from pathlib import Path

import pytest
from django.test import Client
from frictionless import Resource, Schema

from mutualis.charging.choices import ConnectorStatus
from mutualis.charging.models import ChargePoint
from mutualis.charging.tests import factories

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parent.parent / "standards"


@pytest.fixture
def points(world):
    station = factories.station_at(world.site_b, tariff="0,35 € / kWh", commissioned_on="2024-05-02")
    online = factories.ChargePointFactory(station=station, socket_type_2=True)
    ChargePoint.objects.filter(pk=online.pk).update(is_online=True)
    online.connectors.update(status=ConnectorStatus.AVAILABLE)
    factories.ChargePointFactory(station=station, socket_type_2=False, socket_type_ef=True)
    return station


def _validate(tmp_path, url, schema_name):
    body = Client().get(url)
    assert body.status_code == 200 and body["Content-Type"] == "text/csv; charset=utf-8"
    path = tmp_path / "data.csv"
    path.write_bytes(b"".join(body.streaming_content))
    schema = Schema.from_descriptor(json.loads((STANDARDS / schema_name).read_text(encoding="utf-8")))
    report = Resource(path="data.csv", basepath=str(tmp_path), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return path.read_text(encoding="utf-8").splitlines()


def test_irve_statique_validates_against_the_official_schema(points, tmp_path):
    """/opendata/irve-statique.csv: one row per charge point, valid IRVE statique v2.3.0 (arrêté du 12 janvier
    2017 relatif aux données des stations et points de recharge)."""
    lines = _validate(tmp_path, "/opendata/irve-statique.csv", "schema-statique.json")
    assert len(lines) == 3 and lines[0].startswith("nom_amenageur,siren_amenageur,")


def test_irve_dynamique_validates_against_the_official_schema(points, tmp_path):
    """/opendata/irve-dynamique.csv: the live state of each point, valid IRVE dynamique v2.3.0."""
    lines = _validate(tmp_path, "/opendata/irve-dynamique.csv", "schema-dynamique.json")
    assert len(lines) == 3
    assert sorted(line.split(",")[1:3] for line in lines[1:]) == [["en_service", "libre"], ["inconnu", "inconnu"]]


def test_both_irve_datasets_are_in_the_catalogue_and_generate_valid_files(points, settings, tmp_path):
    """The worker's generation of the two IRVE datasets (the catalogue's files, with size and SHA-256) validates
    against the national schemas, and the DCAT-AP catalogue lists both with their schema."""
    from mutualis.opendata.models import GenerationStatus
    from mutualis.opendata.registry import dataset_get
    from mutualis.opendata.services import generation_run

    settings.MEDIA_ROOT = tmp_path / "media"
    for slug in ("irve-statique", "irve-dynamique"):
        generation = generation_run(dataset=dataset_get(slug), trigger="test")
        assert generation.status == GenerationStatus.VALID, generation.errors
    catalogue = Client().get("/opendata/catalog.ttl").content.decode()
    assert "irve-statique.csv" in catalogue and "irve-dynamique.csv" in catalogue
    assert "schema-irve-statique" in catalogue and "schema-irve-dynamique" in catalogue


def test_the_portal_home_shows_the_live_charging_map(points):
    """The open-data portal's home carries the live charging map (a widget of the charging app)."""
    page = Client().get("/donnees/").text

    assert 'id="portal-charging-map"' in page and "/recharge/carte/stations.geojson" in page

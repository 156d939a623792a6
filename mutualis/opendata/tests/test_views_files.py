"""/opendata/<file>: each format validated (CSV against its Table Schema with Frictionless, GeoJSON against RFC
7946, DECP against the national JSON Schema), streamed before the first generation, the generated file after."""

import csv
import hashlib
import io
import json

import pytest
from django.test import Client

from mutualis.members.testing import assert_role_matrix
from mutualis.opendata import registry
from mutualis.opendata.services import generation_run
from mutualis.opendata.validation import GEOJSON_SCHEMA_PATH, json_schema_errors, table_errors

pytestmark = pytest.mark.django_db

EVERYONE_200 = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def every_resource():
    return [(dataset, resource) for dataset in registry.datasets() for resource in dataset.resources]


def test_every_file_is_public(world):
    """Open data files are public to every role, anonymous included."""
    assert_role_matrix(world, method="get", url="/opendata/adherents.csv", expected=EVERYONE_200)


def test_an_unknown_file_is_not_found(client):
    """A file no dataset publishes answers 404."""
    assert client.get("/opendata/inconnu.csv").status_code == 404


@pytest.mark.parametrize("generated", [False, True], ids=["streamed", "generated"])
def test_every_download_passes_its_schema(catalogue_data, tmp_path, generated):
    """Every file of every dataset, streamed from the data or served as generated, validates: CSV with Frictionless
    against its Table Schema, JSON against its JSON Schema (DECP), GeoJSON against RFC 7946."""
    if generated:
        for dataset in registry.datasets():
            generation_run(dataset=dataset)
    for _dataset, resource in every_resource():
        response = Client().get(f"/opendata/{resource.filename}")
        assert response.status_code == 200
        assert response["Content-Type"] == f"{resource.media_type}; charset=utf-8"
        assert ("ETag" in response) is generated  # the stored file, or the data streamed
        content = body(response)
        path = tmp_path / resource.filename
        path.write_bytes(content)
        if resource.format == "csv" and resource.table_schema:
            assert table_errors(resource, path) == [], resource.filename
        elif resource.format == "json":
            document = json.loads(content)
            if resource.json_schema:
                assert json_schema_errors(resource.json_schema, document) == []
            else:
                assert isinstance(document, list) and set(document[0]) == set(resource.header)
        elif resource.format == "geojson":
            document = json.loads(content)
            assert json_schema_errors(GEOJSON_SCHEMA_PATH, document) == [], resource.filename
            assert document["features"], resource.filename


def test_the_geojson_schema_refuses_what_rfc_7946_forbids():
    """The GeoJSON check itself refuses a crs member and latitude-first positions."""
    assert json_schema_errors(GEOJSON_SCHEMA_PATH, {"type": "FeatureCollection", "features": [], "crs": {}})
    bad = {"type": "Point", "coordinates": [48.8, 200.0]}
    document = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": bad, "properties": {}}]}
    assert json_schema_errors(GEOJSON_SCHEMA_PATH, document)


def test_the_generated_file_is_served_with_its_checksum_as_etag(catalogue_data, client):
    """After a generation the download is the stored file: its length and SHA-256 (ETag) are those of the
    catalogue; a client holding it gets 304."""
    generation = generation_run(dataset=registry.dataset_get("adherents"))
    stored = generation.files.get(filename="adherents.csv")
    response = client.get("/opendata/adherents.csv")
    content = body(response)
    assert response["ETag"] == f'"{stored.sha256}"' and hashlib.sha256(content).hexdigest() == stored.sha256
    assert int(response["Content-Length"]) == stored.byte_size == len(content)
    assert "public" in response["Cache-Control"] and response["Content-Disposition"].startswith("attachment")
    assert client.get("/opendata/adherents.csv", HTTP_IF_NONE_MATCH=f'"{stored.sha256}"').status_code == 304


def test_data_changed_since_the_generation_is_streamed_fresh(catalogue_data, client):
    """When the data changed after the last generation, the download streams the current data."""
    generation_run(dataset=registry.dataset_get("adherents"))
    member = catalogue_data["member"]
    member.name = "Collège Hoche (renommé)"
    member.save()
    response = client.get("/opendata/adherents.csv")
    assert response.streaming and "ETag" not in response
    assert "Collège Hoche (renommé)" in body(response).decode()


def test_the_members_directory_lists_active_public_bodies_only(catalogue_data, client):
    """Only active members appear, with their SIREN, nature, communes and competences in force; no contact."""
    from mutualis.members.choices import MemberStatus
    from mutualis.members.tests.factories import MemberFactory

    MemberFactory(name="Demande en cours", status=MemberStatus.REQUESTED)
    rows = list(csv.DictReader(io.StringIO(body(client.get("/opendata/adherents.csv")).decode())))
    assert [row["nom"] for row in rows] == ["Collège Hoche"]
    [row] = rows
    assert row["siren"] == catalogue_data["member"].siren and row["nature"] == "public_establishment"
    assert row["communes"] == "78646" and row["competences"] == "digital_education"
    assert "email" not in row and "telephone" not in row


def test_equipment_per_commune_counts_delivered_items_without_security_devices(catalogue_data, client):
    """Two tablets delivered in Versailles in 2025 are one row of two; the camera is not published."""
    rows = list(csv.DictReader(io.StringIO(body(client.get("/opendata/equipements-communes.csv")).decode())))
    assert rows == [
        {
            "code_insee": "78646",
            "nom": "Versailles",
            "departement": "78",
            "annee_livraison": "2025",
            "nature": "tablet",
            "nature_libelle": "Tablette",
            "nombre": "2",
        }
    ]
    features = json.loads(body(client.get("/opendata/equipements-communes.geojson")))["features"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [2.13, 48.80]}

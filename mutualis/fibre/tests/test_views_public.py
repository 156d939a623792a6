"""What citizens and members see: the coverage map and its table, a member's communes, the commune page's panel,
and the open data files (GeoJSON checked against RFC 7946)."""

import datetime
import json

import jsonschema
import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.fibre.choices import PMZoneState
from mutualis.fibre.tests.factories import AddressFactory, PlanFactory, PMZoneFactory, TargetFactory
from mutualis.members.testing import assert_role_matrix
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db

EVERYONE_200 = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}

# RFC 7946 as a small JSON Schema: a FeatureCollection of Features whose geometries are (Multi)Polygons of
# [longitude, latitude] positions in WGS84, and no « crs » member (removed by RFC 7946).
POSITION = {
    "type": "array",
    "minItems": 2,
    "maxItems": 3,
    "prefixItems": [
        {"type": "number", "minimum": -180, "maximum": 180},
        {"type": "number", "minimum": -90, "maximum": 90},
    ],
}
RING = {"type": "array", "minItems": 4, "items": POSITION}
GEOMETRY = {
    "oneOf": [
        {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": "Polygon"}, "coordinates": {"type": "array", "items": RING}},
        },
        {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "MultiPolygon"},
                "coordinates": {"type": "array", "items": {"type": "array", "items": RING}},
            },
        },
    ]
}
GEOJSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "features"],
    "not": {"required": ["crs"]},
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "not": {"required": ["crs"]},
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": ["string", "number"]},
                    "geometry": {"oneOf": [{"type": "null"}, GEOMETRY]},
                    "properties": {"type": ["object", "null"]},
                },
            },
        },
    },
}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.10, 48.78], [2.16, 48.78], [2.16, 48.83], [2.10, 48.83], [2.10, 48.78]]],
}


@pytest.fixture
def versailles(world):
    """Versailles in the plan, with its contour, a commissioned PM zone and three connectable premises of ten."""
    place = world.site_a.commune
    place.contour = SQUARE
    place.save()
    plan = PlanFactory(commune=place, premises_planned=10)
    TargetFactory(plan=plan, year=2026, premises=10)
    zone = PMZoneFactory(commune=place, reference="PM-78646-01")
    PMZoneFactory(commune=place, state=PMZoneState.PLANNED, commissioned_on=None, planned_on=datetime.date(2025, 1, 1))
    AddressFactory(pm_zone=zone, dwellings=2, connected_on=datetime.date(2025, 4, 1))
    AddressFactory(pm_zone=zone, dwellings=1)
    return plan


def test_everyone_sees_the_coverage_map(world, versailles):
    """The coverage map is public."""
    assert_role_matrix(world, method="get", url="/fibre/couverture/", expected=EVERYONE_200)


def test_the_coverage_map_has_a_legend_and_the_same_figures_in_a_table(client, versailles):
    """The map's GeoJSON classes each commune; the legend says what each class means; the table gives the same
    figures, the commune linking to its page."""
    html = client.get("/fibre/couverture/").content.decode()
    assert 'class="map fibre-map" role="region"' in html
    for label in ("80 % et plus", "50 à 80 %", "25 à 50 %", "Moins de 25 %", "Aucun local raccordable"):
        assert label in html
    data = json.loads(html.split('<script id="coverage-data" type="application/json">')[1].split("</script>")[0])
    [feature] = data["features"]
    assert feature["properties"] | {"url": ""} == {
        "code": "78646",
        "name": "Versailles",
        "class": "c3",
        "rate": 30.0,
        "url": "",
    }
    assert '<a href="/territoire/communes/78646/">Versailles</a>' in html
    assert "30,0\u202f%" in html or "30,0\xa0%" in html


def test_the_coverage_table_filters_by_departement(client, versailles):
    """Filtering on the other département leaves no commune; a bad filter answers 400."""
    assert "Aucune commune du plan ne correspond" in client.get("/fibre/couverture/?departement=92").content.decode()
    assert client.get("/fibre/couverture/?departement=99").status_code == 400


def test_members_see_their_communes(world, versailles):
    """A member's users open their communes' page; visitors are sent to log in; staff without a member go to the
    operator's dashboard."""
    assert_role_matrix(
        world,
        method="get",
        url="/fibre/espace/",
        expected={"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 302},
    )


def test_a_member_sees_the_progress_and_pm_zones_of_its_commune(world, versailles):
    """Member A's reader sees Versailles's figures, chart and PM zones (the late one flagged); member B's user,
    whose commune is not in the plan, is told so."""
    html = login_as(Client(), world.reader).get("/fibre/espace/").content.decode()
    assert "La fibre dans vos communes" in html and 'data-fibre-chart="chart-progress-data"' in html
    assert "PM-78646-01" in html and "En retard de" in html
    other = login_as(Client(), world.other_member).get("/fibre/espace/").content.decode()
    assert "Aucune des communes de vos collectivités n'est au plan" in other


def test_the_commune_page_has_a_fibre_panel(client, world, versailles):
    """The public commune page shows the commune's fibre figures; a commune outside the plan shows none."""
    html = client.get("/territoire/communes/78646/").content.decode()
    assert "Fibre optique (FTTH)" in html
    assert "3 locaux raccordables à la fibre sur 10 à desservir" in html and "2 raccordés." in html
    assert "Points de mutualisation en service : 1 sur 2." in html and "1 en retard" in html
    assert "Achèvement prévu : 2026." in html
    assert "Fibre optique (FTTH)" not in client.get("/territoire/communes/92012/").content.decode()
    staff = login_as(Client(), world.staff).get("/territoire/communes/78646/").content.decode()
    assert 'href="/fibre/back-office/communes/78646/"' in staff
    member = login_as(Client(), world.reader).get("/territoire/communes/78646/").content.decode()
    assert 'href="/fibre/espace/"' in member


def body(response):
    """The bytes of a response, streamed (before the worker's first generation) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_open_data_files_are_public(world, versailles):
    """Both open data files are public."""
    for url in ("/opendata/fibre-communes.csv", "/opendata/fibre-communes.geojson"):
        assert_role_matrix(world, method="get", url=url, expected=EVERYONE_200)


def test_the_open_data_csv_has_one_line_per_commune(client, versailles):
    """/opendata/fibre-communes.csv: machine-readable column names, one line per commune of the plan."""
    response = client.get("/opendata/fibre-communes.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, line = body(response).decode("utf-8-sig").strip().split("\r\n")
    assert header == (
        "code_insee;nom;departement;epci_siren;locaux_a_desservir;locaux_raccordables;taux_raccordables;"
        "locaux_raccordes;zones_pm;zones_pm_en_service;annee_achevement_prevue;date_donnees"
    )
    assert line.startswith("78646;Versailles;78;247800584;10;3;30,0;2;2;1;2026;")


def test_the_open_data_geojson_is_valid_rfc_7946(client, versailles):
    """/opendata/fibre-communes.geojson: a FeatureCollection valid against RFC 7946 (no crs, WGS84 positions in
    longitude, latitude order: Versailles is near 2.1° E, 48.8° N), with the CSV's figures as properties."""
    commune("78686")  # a commune outside the plan is not published
    response = client.get("/opendata/fibre-communes.geojson")
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    document = json.loads(body(response))
    jsonschema.validate(document, GEOJSON_SCHEMA)
    [feature] = document["features"]
    longitude, latitude = feature["geometry"]["coordinates"][0][0]
    assert 1.4 < longitude < 2.3 and 48.4 < latitude < 49.1
    assert feature["id"] == "78646"
    assert feature["properties"]["locaux_raccordables"] == 3 and feature["properties"]["taux_raccordables"] == 30.0
    ring = feature["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]


def test_the_geojson_schema_rejects_what_rfc_7946_forbids():
    """The test's schema itself refuses a crs member and latitude-first positions out of range."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"type": "FeatureCollection", "features": [], "crs": {}}, GEOJSON_SCHEMA)
    bad = {"type": "Polygon", "coordinates": [[[48.8, 200.0], [48.8, 2.1], [48.9, 2.1], [48.8, 200.0]]]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": bad, "properties": {}}]},
            GEOJSON_SCHEMA,
        )

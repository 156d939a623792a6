"""The public territory API: anonymous read access, filters, 400 on bad filters, contours in details only."""

import pytest
from rest_framework.test import APIClient

from mutualis.accounts.tests.factories import UserFactory
from mutualis.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize(("code", "count"), [("78", 259), ("92", 36)])
def test_communes_by_departement(api, territory, code, count):
    """GET /api/v1/communes/?departement=78 counts 259 communes, ?departement=92 counts 36."""
    response = api.get("/api/v1/communes/", {"departement": code})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert {row["departement"] for row in response.json()["results"]} == {code}


def test_anonymous_and_signed_in_users_may_read(api, territory):
    """Reference data is public: anonymous clients and members' users alike get 200."""
    assert api.get("/api/v1/communes/").status_code == 200
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/communes/").json()["count"] == 295


def test_commune_list_has_no_contour_and_is_paginated(api, territory):
    """Lists carry codes and centroid but no contour; 50 a page by default."""
    body = api.get("/api/v1/communes/").json()

    assert body["count"] == 295
    assert len(body["results"]) == 50
    first = body["results"][0]
    assert "contour" not in first
    assert set(first) >= {"insee_code", "name", "siren", "postal_codes", "population", "epci", "ept", "latitude"}


def test_unknown_departement_is_a_400_with_the_field_error(api, territory):
    """?departement=99 answers 400 naming the field, in French."""
    response = api.get("/api/v1/communes/", {"departement": "99"})

    assert response.status_code == 400
    assert "departement" in response.json()
    assert "choix valide" in response.json()["departement"][0]


def test_unknown_intercommunality_is_a_400(api, territory):
    """An unknown SIREN in ?intercommunality= answers 400."""
    response = api.get("/api/v1/communes/", {"intercommunality": "123456789"})

    assert response.status_code == 400
    assert "intercommunality" in response.json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"intercommunality": "200057974"}, 8),  # EPT Grand Paris Seine Ouest
        ({"postal_code": "78000"}, 1),
        ({"q": "versailles"}, 1),
        ({"kind": "EPT"}, 36),
        ({"departement": "92", "q": "boulogne"}, 1),
    ],
)
def test_commune_filters(api, territory, params, expected):
    """Filters: EPCI/EPT SIREN, postal code, free search, kind of intercommunality; they combine."""
    assert api.get("/api/v1/communes/", params).json()["count"] == expected


def test_commune_ordering_by_population(api, territory):
    """?ordering=-population lists the most populated first."""
    body = api.get("/api/v1/communes/", {"departement": "92", "ordering": "-population"}).json()

    assert body["results"][0]["name"] == "Boulogne-Billancourt"


def test_commune_detail_has_contour_and_centroid(api, territory):
    """GET /api/v1/communes/92012/ returns the GeoJSON contour and centroid, EPCI and EPT by SIREN."""
    body = api.get("/api/v1/communes/92012/").json()

    assert body["name"] == "Boulogne-Billancourt"
    assert body["epci"] == "200054781"
    assert body["ept"] == "200057974"
    assert body["contour"]["type"] == "Polygon"
    assert body["centroid"] == {"type": "Point", "coordinates": [2.23909, 48.83641]}


def test_unknown_commune_is_a_404(api, territory):
    """An unknown INSEE code answers 404."""
    assert api.get("/api/v1/communes/99999/").status_code == 404


def test_api_is_read_only(api, territory):
    """Writes are refused and change nothing."""
    api.force_authenticate(UserFactory())

    assert api.post("/api/v1/communes/", {"insee_code": "78999", "name": "X"}).status_code == 405
    assert api.delete("/api/v1/communes/78646/").status_code == 405
    assert Commune.objects.count() == 295


def test_departements(api, territory):
    """Both départements are listed without contour; a detail by code has it."""
    body = api.get("/api/v1/departements/").json()
    assert [(d["code"], d["commune_count"]) for d in body["results"]] == [("78", 259), ("92", 36)]
    assert "contour" not in body["results"][0]

    yvelines = api.get("/api/v1/departements/78/").json()
    assert yvelines["siren"] == "227806460"
    assert yvelines["chef_lieu_code"] == "78646"
    assert yvelines["contour"]["type"] in {"Polygon", "MultiPolygon"}
    assert api.get("/api/v1/departements/75/").status_code == 404


def test_intercommunalities(api, territory):
    """EPCI/EPT filter by département and kind; a detail by SIREN lists its member communes of the territory."""
    assert api.get("/api/v1/intercommunalities/").json()["count"] == 16
    assert api.get("/api/v1/intercommunalities/", {"departement": "92"}).json()["count"] == 5
    assert api.get("/api/v1/intercommunalities/", {"kind": "CA"}).json()["count"] == 5
    assert api.get("/api/v1/intercommunalities/", {"departement": "99"}).status_code == 400

    gpso = api.get("/api/v1/intercommunalities/200057974/").json()
    assert gpso["name"] == "Grand Paris Seine Ouest"
    assert gpso["kind"] == "EPT"
    assert gpso["commune_count"] == 8
    assert "92012" in gpso["member_codes"]


def test_schema_documents_the_territory_endpoints_in_french(api):
    """The OpenAPI schema lists the territory endpoints with French summaries and filter descriptions."""
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    communes = schema["paths"]["/api/v1/communes/"]["get"]
    assert communes["summary"] == "Liste des communes"
    parameters = {p["name"]: p for p in communes["parameters"]}
    assert {"departement", "intercommunality", "postal_code", "q", "kind"} <= set(parameters)
    assert parameters["departement"]["description"].startswith("Département de la commune")
    assert "/api/v1/departements/{code}/" in schema["paths"]
    assert "/api/v1/intercommunalities/{siren}/" in schema["paths"]

"""The citizen portal (/donnees/): home with the apps' widgets, search and filters, dataset page, API page."""

import pytest
from django.test import Client

from mutualis.members.testing import assert_role_matrix
from mutualis.opendata import registry
from mutualis.opendata.services import generation_run

pytestmark = pytest.mark.django_db

EVERYONE_200 = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


def test_portal_pages_are_public(world):
    """The portal's pages need no login."""
    for url in ("/donnees/", "/donnees/jeux/", "/donnees/jeux/adherents/", "/donnees/api/"):
        assert_role_matrix(world, method="get", url=url, expected=EVERYONE_200)


def test_the_home_shows_the_fibre_widget_and_every_dataset(catalogue_data, client):
    """The home renders the widgets the apps registered (fibre's coverage map) and lists every dataset."""
    html = client.get("/donnees/").content.decode()
    assert 'id="portal-coverage-map"' in html and 'id="portal-coverage-data"' in html
    for dataset in registry.datasets():
        assert f'href="/donnees/jeux/{dataset.slug}/"' in html


def test_a_widget_with_nothing_to_show_leaves_no_trace(client):
    """Without any fibre plan the coverage widget renders nothing (no empty map)."""
    assert 'id="portal-coverage-map"' not in client.get("/donnees/").content.decode()


def test_a_registered_widget_is_rendered_in_order(client, monkeypatch):
    """An app's widget (the live charging map, later) appears on the home."""
    monkeypatch.setattr(registry, "_widgets", list(registry._widgets))
    registry.register_portal_widget(lambda request: '<section id="widget-essai">Essai</section>', order=5)
    assert 'id="widget-essai"' in client.get("/donnees/").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=commande+publique", {"decp"}),
        ("q=fibre", {"fibre-communes"}),
        ("theme=GOVE", {"decp", "adherents", "equipements-communes"}),
        ("format=geojson", {"fibre-communes", "equipements-communes"}),
        ("commune=78646", {"fibre-communes", "adherents", "equipements-communes"}),
        ("theme=TECH&format=csv", {"fibre-communes", "equipements-communes"}),
    ],
)
def test_search_filters_by_words_theme_format_and_commune(catalogue_data, client, query, expected):
    """Datasets are found by words, theme, file format and commune covered."""
    response = client.get(f"/donnees/jeux/?{query}")
    assert response.status_code == 200
    found = {dataset.slug for dataset in response.context["page"].object_list}
    assert found == expected


def test_an_invalid_filter_answers_400_and_lists_everything(catalogue_data, client):
    """An unknown theme is refused with a French message; the list is not filtered."""
    response = client.get("/donnees/jeux/?theme=NOPE")
    assert response.status_code == 400
    assert "Certains critères sont invalides" in response.content.decode()
    assert len(response.context["page"].object_list) == len(registry.datasets())


def test_no_result_shows_an_empty_state(catalogue_data, client):
    """A search that finds nothing says so and offers every dataset."""
    html = client.get("/donnees/jeux/?q=introuvable").content.decode()
    assert "Aucun jeu de données ne correspond à ces critères." in html


def test_the_dataset_page_shows_metadata_preview_and_downloads(catalogue_data, client):
    """The page names the publisher with its SIREN, the licence, frequency, coverage, previews the first rows and
    links each download; after a generation it shows size, SHA-256 and validation status."""
    html = client.get("/donnees/jeux/fibre-communes/").content.decode()
    assert "SIREN 257800011" in html and "Licence Ouverte / Open Licence 2.0" in html
    assert "Quotidienne" in html and "Versailles (78646)" in html
    assert '<th scope="col">code_insee</th>' in html and "<td>78646</td>" in html
    assert 'href="/opendata/fibre-communes.csv"' in html and "Pas encore généré" in html
    generation = generation_run(dataset=registry.dataset_get("fibre-communes"))
    html = Client().get("/donnees/jeux/fibre-communes/").content.decode()
    assert generation.files.get(filename="fibre-communes.csv").sha256 in html
    assert "Conforme au schéma" in html and "Valide" in html


def test_an_unknown_dataset_is_not_found(client):
    """A slug no app registered answers 404."""
    assert client.get("/donnees/jeux/inconnu/").status_code == 404


def test_the_api_page_links_the_catalogue_the_files_and_the_api(catalogue_data, client):
    """The API page links the DCAT catalogue, each file, the OpenAPI schema and its documentation."""
    html = client.get("/donnees/api/").content.decode()
    for href in ("/opendata/catalog.jsonld", "/opendata/catalog.ttl", "/opendata/decp.json", "/api/v1/schema/"):
        assert f'href="{href}"' in html
    assert 'href="/api/v1/docs/"' in html


def test_citizens_find_the_portal_in_the_navigation(client):
    """« Données ouvertes » is in the navigation of visitors."""
    assert 'href="/donnees/"' in client.get("/").content.decode()


def test_the_decp_page_previews_its_first_contracts(catalogue_data, client):
    """A JSON of its own shape (DECP) is previewed by its records' members, nested values as compact JSON."""
    html = client.get("/donnees/jeux/decp/").content.decode()
    assert '<th scope="col">codeCPV</th>' in html and '<th scope="col">titulaires</th>' in html
    assert "DECP 2.0 (139bercy/format-commande-publique 2.0.3)" in html

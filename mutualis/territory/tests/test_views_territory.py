"""Public territory pages: commune list (search, filters, pagination, empty state), commune, département, EPCI/EPT."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from mutualis.core import panels
from mutualis.core.collation import french_key

pytestmark = pytest.mark.django_db

LIST_URL = "/territoire/"


def test_commune_list_is_public_and_paginated(client, territory):
    """Anonymous visitors see the first 50 of the 295 communes and a link to the next page."""
    response = client.get(reverse("territory:commune_list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 295
    assert "Page 1 sur 6" in response.text
    assert 'rel="next"' in response.text


def test_commune_list_second_page_keeps_the_filters(client, territory):
    """Page 2 of the Yvelines keeps ?departement=78 in its links."""
    response = client.get(LIST_URL, {"departement": "78", "page": 2})

    assert response.context["page"].number == 2
    assert response.context["page"].paginator.count == 259
    assert "departement=78" in response.text.split('rel="prev"')[0].rsplit("href=", 1)[1]


def test_commune_list_search_by_name(client, territory):
    """Searching "Versailles" lists Versailles with a link to its page."""
    response = client.get(LIST_URL, {"q": "Versailles"})

    assert [c.insee_code for c in response.context["page"].object_list] == ["78646"]
    assert reverse("territory:commune_detail", args=["78646"]) in response.text
    assert "CA Versailles Grand Parc" in response.text
    assert "84\xa0095" in response.text


def test_commune_list_filters_by_departement_and_intercommunality(client, territory):
    """Filters by département and by EPCI/EPT (SIREN) narrow the list."""
    response = client.get(LIST_URL, {"departement": "92", "intercommunality": territory.gpso.siren})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 8
    assert 'value="92" selected' in response.text


def test_commune_list_empty_state(client, territory):
    """A search with no result says so and offers the whole list."""
    response = client.get(LIST_URL, {"q": "Atlantide"})

    assert response.status_code == 200
    assert "Aucune commune ne correspond à cette recherche." in response.text
    assert "<table" not in response.text


def test_commune_list_unknown_departement_is_a_400_with_a_french_message(client, territory):
    """A forged département code answers 400 with the field error shown next to the field."""
    response = client.get(LIST_URL, {"departement": "99"})

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert "<table" not in response.text


def test_commune_list_form_fields_have_labels(client, territory):
    """Every filter has a label bound to its input."""
    text = client.get(LIST_URL).text

    for field in ("q", "departement", "intercommunality", "kind"):
        assert f'for="id_{field}"' in text
        assert f'id="id_{field}"' in text


def test_commune_page_shows_the_facts_and_the_map(client, territory):
    """Versailles: INSEE code, SIREN, postal code, population with thousands separator, département, EPCI; map."""
    response = client.get(reverse("territory:commune_detail", args=["78646"]))

    assert response.status_code == 200
    text = response.text
    assert "<h1>Versailles</h1>" in text
    for fact in ("78646", "217806462", "78000", "84\xa0095 habitants", "Yvelines (78)"):
        assert fact in text
    assert reverse("territory:intercommunality_detail", args=["247800584"]) in text
    assert reverse("territory:departement_detail", args=["78"]) in text
    assert 'id="commune-contour" type="application/json"' in text
    assert 'aria-label="Carte du contour de la commune de Versailles"' in text
    assert 'aria-describedby="commune-facts"' in text
    assert "vendor/leaflet/leaflet.js" in text
    assert "territory/map.js" in text


def test_commune_page_shows_the_ept_of_a_commune_of_the_92(client, territory):
    """Boulogne-Billancourt shows its EPCI (the Métropole) and its EPT, both linked."""
    text = client.get(reverse("territory:commune_detail", args=["92012"])).text

    assert "Métropole du Grand Paris" in text
    assert "Grand Paris Seine Ouest" in text
    assert reverse("territory:intercommunality_detail", args=["200057974"]) in text


def test_map_has_no_tile_layer_when_tiles_are_not_configured(client, territory, settings):
    """Tests and offline installs set MAP_TILE_URL empty: the map draws contours on a blank background."""
    settings.MAP_TILE_URL = ""
    text = client.get(reverse("territory:commune_detail", args=["78646"])).text

    assert 'data-tile-url=""' in text


def test_map_uses_the_configured_tiles(client, territory, settings):
    """MAP_TILE_URL and MAP_TILE_ATTRIBUTION reach the map."""
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© exemple"
    text = client.get(reverse("territory:commune_detail", args=["78646"])).text

    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in text
    assert 'data-tile-attribution="© exemple"' in text


def test_unknown_commune_is_a_404(client, territory):
    """An unknown INSEE code answers 404."""
    assert client.get(reverse("territory:commune_detail", args=["99999"])).status_code == 404


def test_commune_page_renders_the_panels_of_other_apps(client, territory, monkeypatch):
    """A panel registered by another app appears on the commune page, with what it knows about the commune."""
    monkeypatch.setattr(panels, "_commune_panels", list(panels._commune_panels))

    def dummy_panel(commune, request):
        if commune.insee_code != "78646":
            return ""
        return format_html('<section class="dummy-panel"><h2>Panneau de test</h2><p>{}</p></section>', commune.name)

    panels.register_commune_panel(dummy_panel, order=1)

    versailles = client.get(reverse("territory:commune_detail", args=["78646"])).text
    boulogne = client.get(reverse("territory:commune_detail", args=["92012"])).text

    assert '<section class="dummy-panel"><h2>Panneau de test</h2><p>Versailles</p></section>' in versailles
    assert "dummy-panel" not in boulogne


def test_departement_page(client, territory):
    """The Hauts-de-Seine: facts, contour map, its EPCI/EPT, link to its communes."""
    response = client.get(reverse("territory:departement_detail", args=["92"]))

    assert response.status_code == 200
    text = response.text
    assert "Hauts-de-Seine (92)" in text
    assert "229200506" in text
    assert reverse("territory:commune_detail", args=["92050"]) in text  # chef-lieu Nanterre
    assert 'id="departement-contour"' in text
    assert "Grand Paris Seine Ouest" in text
    assert len(response.context["intercommunalities"]) == 5
    assert f"{reverse('territory:commune_list')}?departement=92" in text
    assert client.get(reverse("territory:departement_detail", args=["75"])).status_code == 404


def test_intercommunality_page(client, territory):
    """CA Versailles Grand Parc: kind, population, member communes on a map, the member outside the territory."""
    response = client.get(reverse("territory:intercommunality_detail", args=["247800584"]))

    assert response.status_code == 200
    text = response.text
    assert "Communauté d&#x27;agglomération" in text
    assert "273\xa0663 habitants" in text
    assert len(response.context["communes"]) == 17
    assert len(response.context["contours"]["features"]) == 17
    assert reverse("territory:commune_detail", args=["78646"]) in text
    assert "<li>91064</li>" in text
    assert 'id="intercommunality-contours"' in text
    assert client.get(reverse("territory:intercommunality_detail", args=["000000000"])).status_code == 404


def test_territory_link_in_the_navigation(client, territory):
    """The site navigation links to the territory."""
    assert f'href="{LIST_URL}"' in client.get("/").text


def test_commune_list_sorts_names_in_french_order(client, territory):
    """The communes are listed accents and case ignored: Béhoust between Bazoches and Bennecourt (not after
    Bullion), Élancourt between Ecquevilly and Émancé (not after Z)."""
    names = [c.name for c in client.get(LIST_URL, {"departement": "78"}).context["page"].paginator.object_list]

    assert names == sorted(names, key=french_key)
    assert names.index("Bazoches-sur-Guyonne") < names.index("Béhoust") < names.index("Bennecourt")
    assert names.index("Béhoust") < names.index("Bullion")
    assert names.index("Ecquevilly") < names.index("Élancourt") < names.index("Émancé") < names.index("Évecquemont")
    assert names.index("Évecquemont") < names.index("Flexanville")


def test_communes_folder_leads_to_the_list(client, territory):
    """/territoire/communes/, the folder of the commune pages, leads to the commune list (filters kept), not 404."""
    response = client.get("/territoire/communes/", {"departement": "92"})

    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?departement=92"
    followed = client.get(response["Location"])
    assert followed.status_code == 200 and followed.context["page"].paginator.count == 36


def test_departements_folder_lists_the_departements(client, territory):
    """/territoire/departements/, the folder of the département pages, lists both départements with their
    population, never a 404."""
    response = client.get("/territoire/departements/")

    assert response.status_code == 200
    assert [d.code for d, _ in response.context["departements"]] == ["78", "92"]
    assert reverse("territory:departement_detail", args=["92"]) in response.text
    assert all(population > 0 for _, population in response.context["departements"])


def test_intercommunalities_folder_lists_and_filters(client, territory):
    """/territoire/intercommunalites/ lists the EPCI and EPT, filtered by département and searched by name; an
    unknown département shows them all rather than failing."""
    everything = client.get("/territoire/intercommunalites/")
    of_92 = client.get("/territoire/intercommunalites/", {"departement": "92"})
    searched = client.get("/territoire/intercommunalites/", {"q": "Seine Ouest"})
    unknown = client.get("/territoire/intercommunalites/", {"departement": "75"})

    assert everything.status_code == 200
    assert len(of_92.context["page"].object_list) == 5
    assert [i.name for i in searched.context["page"].object_list] == ["Grand Paris Seine Ouest"]
    assert unknown.context["page"].paginator.count == everything.context["page"].paginator.count
    assert reverse("territory:intercommunality_detail", args=["247800584"]) in everything.text

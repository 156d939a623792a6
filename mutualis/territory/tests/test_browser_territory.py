"""Browser: a visitor searches a commune, opens its page and sees its contour drawn on the map; axe-core passes."""

import pytest
from playwright.sync_api import expect

from mutualis.core.testing_browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_commune_and_see_its_contour(page, territory):
    """List → search "Versailles" → commune page: Leaflet draws the contour (an SVG path) in the map."""
    page.goto("/territoire/")
    expect(page.get_by_role("heading", name="Communes du territoire")).to_be_visible()
    axe_check(page)

    page.get_by_label("Rechercher", exact=True).fill("Versailles")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/territoire/?q=Versailles**")
    axe_check(page)

    page.get_by_role("link", name="Versailles", exact=True).click()
    page.wait_for_url("**/territoire/communes/78646/")
    expect(page.get_by_role("heading", name="Versailles", level=1)).to_be_visible()
    map_region = page.get_by_role("region", name="Carte du contour de la commune de Versailles")
    path = map_region.locator("path.leaflet-interactive")
    path.wait_for(state="attached")
    assert path.count() == 1
    assert map_region.locator(".leaflet-tile").count() == 0  # tests run without background tiles
    axe_check(page)


def test_intercommunality_and_departement_maps(page, territory):
    """An EPT's page draws each member commune; the département page draws its contour; axe-core passes."""
    page.goto("/territoire/intercommunalites/200057974/")
    page.locator("#intercommunality-map path.leaflet-interactive").first.wait_for(state="attached")
    assert page.locator("#intercommunality-map path.leaflet-interactive").count() == 8
    axe_check(page)

    page.goto("/territoire/departements/78/")
    page.locator("#departement-map path.leaflet-interactive").wait_for(state="attached")
    axe_check(page)

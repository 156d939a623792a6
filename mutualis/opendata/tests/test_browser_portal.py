"""Browser: a visitor opens the open-data portal (the coverage map drawn by fibre's widget), searches a dataset,
opens its page (preview, downloads with checksum and validation) and the API page. Every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from mutualis.core.testing_browser import axe_check, click_and_wait
from mutualis.opendata import registry
from mutualis.opendata.services import generation_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_a_dataset_and_its_downloads(page, catalogue_data):
    """Home with the map, search by theme and words, the dataset page, the API page: all accessible."""
    generation_run(dataset=registry.dataset_get("fibre-communes"))
    page.goto("/donnees/")
    expect(page.get_by_role("heading", name="Données ouvertes", level=1)).to_be_visible()
    expect(page.locator("#portal-coverage-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#portal-coverage-map path.leaflet-interactive")).to_have_count(1)
    axe_check(page)

    search = page.get_by_role("search", name="Rechercher un jeu de données")
    search.get_by_label("Rechercher").fill("fibre")
    search.get_by_label("Format").select_option("geojson")
    click_and_wait(page, search.get_by_role("button", name="Rechercher"))
    expect(page.get_by_text("1 résultat")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Couverture en fibre optique (FTTH) par commune"))
    expect(page.get_by_role("heading", name="Aperçu")).to_be_visible()
    expect(page.get_by_role("cell", name="Versailles", exact=True)).to_be_visible()
    downloads = page.get_by_role("table", name="Fichiers du jeu de données", exact=False)
    expect(downloads.get_by_text("Conforme au schéma")).to_have_count(2)
    expect(downloads.get_by_role("link", name="Couverture par commune (CSV, tableur)")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Réutiliser ces données par programme"))
    expect(page.get_by_role("link", name="Schéma OpenAPI 3")).to_be_visible()
    axe_check(page)

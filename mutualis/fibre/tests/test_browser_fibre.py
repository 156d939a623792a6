"""Browser: a network officer's import with bad lines shows its report; an import's progress follows it live; the
public coverage map draws its communes next to its legend and table; the dashboard draws its chart. Every page
passes axe-core."""

import datetime
import io

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.fibre.choices import PMZoneState
from mutualis.fibre.models import Address, FibreImport
from mutualis.fibre.services.imports import import_run
from mutualis.fibre.tests.factories import (
    AddressFactory,
    PlanFactory,
    PMZoneFactory,
    TargetFactory,
    gracethd_file,
    gracethd_line,
    network_officer,
)
from mutualis.members.testing import build_world
from mutualis.members.tests.factories import commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "id => Boolean(window.Chart && window.Chart.getChart(document.getElementById(id)))"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.10, 48.78], [2.16, 48.78], [2.16, 48.83], [2.10, 48.83], [2.10, 48.78]]],
}


@pytest.fixture
def versailles(settings, tmp_path):
    """Versailles in the plan with its contour, a commissioned PM zone, a late one and a few addresses."""
    settings.MEDIA_ROOT = tmp_path
    place = commune("78646")
    place.contour = SQUARE
    place.save()
    plan = PlanFactory(commune=place, premises_planned=10)
    TargetFactory(plan=plan, year=2025, premises=6)
    TargetFactory(plan=plan, year=2026, premises=4)
    zone = PMZoneFactory(commune=place, reference="PM-78646-01")
    PMZoneFactory(
        commune=place,
        reference="PM-78646-02",
        state=PMZoneState.IN_PROGRESS,
        commissioned_on=None,
        planned_on=datetime.date(2025, 2, 1),
    )
    AddressFactory(pm_zone=zone, dwellings=6, connected_on=datetime.date(2025, 6, 1))
    return plan


def sign_in_officer(page):
    officer = network_officer()
    login(page, email=officer.email, password=PASSWORD, totp_device=totp_device_for(officer))
    return officer


def test_an_import_with_bad_lines_shows_its_report(page, versailles):
    """The officer uploads a GraceTHD file with two bad lines: nothing is imported and the report names each line,
    its column and its reason."""
    sign_in_officer(page)
    page.goto("/fibre/back-office/imports/")
    axe_check(page)
    page.get_by_label("GraceTHD (table t_adresse)").check()
    data = gracethd_file(
        [
            gracethd_line("AD1", pm="PM-78646-01"),
            gracethd_line("AD2", insee="78999"),
            gracethd_line("AD3", state="DEPLOYEE"),
        ]
    )
    page.get_by_label("Fichier CSV").set_input_files(
        files=[{"name": "t_adresse.csv", "mimeType": "text/csv", "buffer": data}]
    )
    click_and_wait(page, page.get_by_role("button", name="Importer"))
    expect(page.get_by_text("Fichier refusé : rien n'a été importé.")).to_be_visible()
    report = page.get_by_role("table", name="Lignes rejetées et leurs motifs")
    expect(report.get_by_role("row")).to_have_count(3)
    expect(report.get_by_role("cell", name="Commune inconnue : code INSEE « 78999 ».")).to_be_visible()
    expect(report.get_by_role("cell", name="État inconnu : « DEPLOYEE »", exact=False)).to_be_visible()
    axe_check(page)
    assert Address.objects.filter(code="AD1").count() == 0


def test_an_import_page_follows_the_import_until_it_ends(page, versailles):
    """A queued import's page polls its progress and shows the result once the worker has run it."""
    sign_in_officer(page)
    data = gracethd_file([gracethd_line(f"AD{n}", pm="PM-78646-01") for n in range(5)])
    queued = FibreImport.objects.create(layout="gracethd", file_name="livraison.csv", size=len(data))
    page.goto(f"/fibre/back-office/imports/{queued.pk}/")
    expect(page.get_by_role("status").filter(has_text="En attente")).to_be_visible()
    axe_check(page)
    import_run(fibre_import=queued, stream=io.BytesIO(data))
    expect(page.get_by_text("Import terminé : 5 lignes, 5 adresses nouvelles")).to_be_visible()
    expect(page.locator("progress[value='100']")).to_be_visible()
    axe_check(page)


def test_the_coverage_map_and_its_table(page, versailles):
    """A visitor sees the communes drawn on the map, the legend of the classes and the same figures in a table."""
    page.goto("/fibre/couverture/")
    expect(page.locator("#coverage-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#coverage-map path.leaflet-interactive")).to_have_count(1)
    expect(page.get_by_role("heading", name="Légende : part des locaux raccordables")).to_be_visible()
    expect(page.get_by_text("50 à 80 %", exact=True)).to_be_visible()
    table = page.get_by_role("table", name="Part des locaux raccordables à la fibre, par commune")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="Versailles"))
    expect(row).to_contain_text("60,0")
    axe_check(page)


def test_the_dashboard_draws_its_chart_next_to_its_table(page, versailles):
    """The operator's dashboard draws the quarterly chart and passes axe-core, its tables included."""
    sign_in_officer(page)
    page.goto("/fibre/back-office/")
    page.wait_for_function(DRAWN, arg="chart-progress")
    expect(
        page.get_by_role("img", name="Locaux raccordables et raccordés, cumulés, face à l'objectif du plan")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Avancement par département")).to_be_visible()
    axe_check(page)
    page.goto("/fibre/back-office/communes/78646/")
    page.wait_for_function(DRAWN, arg="chart-progress")
    expect(page.get_by_text("En retard de").first).to_be_visible()
    axe_check(page)


def test_a_member_follows_its_communes_and_the_commune_page_shows_the_panel(page, versailles):
    """Member A's reader sees Versailles's progress chart and PM zones, and the commune page's fibre panel."""
    world = build_world()
    login(page, email=world.reader.email, password=PASSWORD)
    page.goto("/fibre/espace/")
    page.wait_for_function(DRAWN, arg="chart-progress")
    expect(page.get_by_role("table", name="Zones PM de vos communes")).to_contain_text("PM-78646-02")
    axe_check(page)
    page.goto("/territoire/communes/78646/")
    panel = page.get_by_role("region", name="Fibre optique (FTTH)")
    expect(panel).to_contain_text("6 locaux raccordables à la fibre sur 10 à desservir")
    expect(panel.get_by_role("link", name="Suivi dans vos communes")).to_be_visible()
    axe_check(page)

"""Browser: the dashboards draw their charts from the page's JSON and pass axe-core, tables included."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, login
from mutualis.members.testing import build_world
from mutualis.purchasing.tests.test_selectors_dashboards import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "id => Boolean(window.Chart && window.Chart.getChart(document.getElementById(id)))"


def test_member_sees_spending_charts_and_tables(page):
    """A member's reader opens the dashboard: charts drawn, their figures in tables, no accessibility violation."""
    world = build_world()
    build_dataset(world)
    login(page, email=world.reader.email, password=PASSWORD)
    page.goto("/achats/tableau-de-bord/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tableau de bord des achats")
    page.wait_for_function(DRAWN, arg="chart-year")
    expect(page.get_by_role("img", name="Dépenses HT par année")).to_be_visible()
    expect(
        page.get_by_role("table", name="Dépenses HT par année").get_by_role("rowheader", name="2025")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Année", exact=True).select_option("2025")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**year=2025**")
    axe_check(page)


def test_operator_sees_lot_consumption_and_volumes(page):
    """The operator's dashboard draws lot consumption and volumes, and passes axe-core."""
    world = build_world()
    build_dataset(world)
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.goto("/achats/back-office/tableau-de-bord/")
    for chart in ("chart-lots", "chart-agreement", "chart-departement"):
        page.wait_for_function(DRAWN, arg=chart)
    expect(page.get_by_text("80 % atteints").first).to_be_visible()
    axe_check(page)

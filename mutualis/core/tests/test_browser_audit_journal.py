"""Browser: an administrator searches the audit journal as an inspector would; the page passes axe-core."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.core.tests.builders import record_journal
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_filters_the_journal_in_french_and_reads_what_changed(page):
    """The administrator picks « Adhésion approuvée » from the list and types the member's name, opens « Voir »
    and reads the status before → after in French; reversed dates are said on the form."""
    world = record_journal(build_world())
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.goto("/back-office/journal/")
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    axe_check(page)

    page.get_by_label("Action").select_option(label="Adhésion approuvée")
    page.get_by_label("Adhérent").fill("Versailles")
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    expect(page.get_by_text("Adhérent retenu : Commune de Versailles")).to_be_visible()
    expect(page.get_by_role("cell", name="Mairie de Boulogne")).to_have_count(0)
    page.get_by_text("Voir").click()
    diff = page.get_by_role("table", name="Champs enregistrés par l'entrée")
    expect(diff.get_by_role("rowheader", name="Statut")).to_be_visible()
    expect(diff.get_by_role("cell", name="Adhésion demandée")).to_be_visible()
    expect(diff.get_by_role("cell", name="08/12/2022")).to_be_visible()
    axe_check(page)

    page.get_by_label("Du").fill("2025-06-30")
    page.get_by_label("Au").fill("2025-01-01")
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    expect(page.get_by_text("La date « Au » (01/01/2025) précède la date « Du » (30/06/2025)")).to_be_visible()
    axe_check(page)

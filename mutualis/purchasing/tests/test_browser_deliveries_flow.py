"""Browser: an agent records a delivery with serial numbers (assets appear, their page tells the purchase),
certifies service fait; the manager registers the invoice and pays it late: the interest shows. axe-core on every
page visited."""

import datetime

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.assets.models import Asset
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.purchasing.tests.builders import sent_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def _iso(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def test_delivery_service_fait_and_late_invoice(page):
    """From a sent order of 2 tablets to a paid-late invoice with interest shown."""
    world = build_world()
    order = sent_order(world, tablets=2)
    line = order.lines.get()
    login(page, email=world.agent.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/livraisons/")
    axe_check(page)
    page.get_by_role("link", name="Enregistrer une livraison").click()
    axe_check(page)
    page.get_by_label("Date de livraison").fill(_iso(90))
    page.locator(f"#id_line_{line.pk}_quantity").fill("2")
    page.locator(f"#id_line_{line.pk}_serials").fill("TAB-001\nTAB-001")
    page.get_by_role("button", name="Enregistrer la livraison").click()
    expect(page.get_by_text("en double")).to_be_visible()
    axe_check(page)
    page.locator(f"#id_line_{line.pk}_serials").fill("TAB-001\nTAB-002")
    page.get_by_role("button", name="Enregistrer la livraison").click()
    page.wait_for_url(f"**/achats/commandes/{order.pk}/livraisons/")
    assert Asset.objects.filter(member=world.member_a).count() == 2
    page.get_by_role("link", name="Certifier le service fait").click()
    axe_check(page)
    page.get_by_label("Date d'exécution").fill(_iso(85))
    page.get_by_role("button", name="Certifier le service fait").click()
    page.wait_for_url(f"**/achats/commandes/{order.pk}/livraisons/")
    page.goto("/equipements/")
    axe_check(page)
    page.get_by_role("link", name="TAB-002").click()
    expect(page.get_by_role("heading", name="Achat")).to_be_visible()
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))

    login(page, email=world.manager.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/factures/nouvelle/")
    axe_check(page)
    page.get_by_label("Numéro de facture").fill("FAC-2026-77")
    page.get_by_label("Date de la facture").fill(_iso(82))
    page.get_by_label("Reçue le").fill(_iso(80))
    page.get_by_label("Montant HT (€)").fill("600.00")
    page.get_by_label("TVA (€)").fill("120.00")
    page.get_by_label("Montant TTC (€)").fill("720.00")
    page.get_by_role("button", name="Enregistrer la facture").click()
    page.wait_for_url("**/achats/factures/*/")
    axe_check(page)
    expect(page.get_by_text("Paiement en retard de 50 jours.")).to_be_visible()
    page.get_by_role("link", name="Enregistrer le paiement").click()
    axe_check(page)
    page.get_by_label("Payée le").fill(TODAY.isoformat())
    page.get_by_role("button", name="Confirmer le paiement").click()
    page.wait_for_url("**/achats/factures/*/")
    expect(page.get_by_text("Intérêts moratoires")).to_be_visible()
    page.goto("/achats/factures/")
    axe_check(page)

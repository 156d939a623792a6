"""Browser: a purchasing officer records an agreement, a lot, imports its BPU; every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, login
from mutualis.purchasing.models import CatalogueItem
from mutualis.purchasing.tests.factories import SupplierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BPU = (
    "référence;désignation;description;catégorie;unité;prix unitaire HT;taux de TVA;prix public HT\n"
    "TAB-10;Tablette 10 pouces;64 Go;tablet;unité;289,90;20;399\n"
    "ROB-1;Robot éducatif;;Robots et programmation;unité;119,50;20;150\n"
)


def test_purchasing_officer_builds_an_agreement_and_imports_its_bpu(page):
    """From an empty back-office to an agreement with a lot and its imported price schedule."""
    officer = StaffFactory(email="acheteur@operateur.fr", staff_role="purchasing_officer")
    supplier = SupplierFactory(name="Tablettes de France")
    login(page, email=officer.email, password=PASSWORD, totp_device=totp_device_for(officer))

    page.goto("/achats/back-office/accords-cadres/")
    axe_check(page)
    page.get_by_role("link", name="Nouvel accord-cadre").first.click()
    axe_check(page)
    page.get_by_label("Référence").fill("AC-2026-TAB")
    page.get_by_label("Objet").fill("Tablettes pour les collèges")
    page.get_by_label("Code CPV").fill("30213200-7")
    page.get_by_label("Date de notification").fill("2026-01-05")
    page.get_by_label("Date de début d'exécution").fill("2026-02-01")
    page.get_by_label("Durée (mois)").fill("60")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L2125-1").first).to_be_visible()
    axe_check(page)
    page.get_by_label("Durée (mois)").fill("48")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/accords-cadres/*/")
    axe_check(page)

    page.get_by_role("link", name="Ajouter un lot").click()
    page.get_by_label("Intitulé").fill("Tablettes tactiles")
    page.get_by_label("Montant maximum HT (€)").fill("250000")
    page.get_by_label(supplier.name).check()
    axe_check(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/accords-cadres/*/")
    page.get_by_role("link", name="Importer le BPU du lot 1").click()
    axe_check(page)
    page.get_by_label("Fichier BPU (XLSX ou CSV)").set_input_files(
        files=[{"name": "bpu.csv", "mimeType": "text/csv", "buffer": BPU.encode("utf-8")}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name="Lignes valides")).to_be_visible()
    axe_check(page)
    assert CatalogueItem.objects.count() == 0
    page.get_by_role("button", name="Importer 2 lignes").click()
    page.wait_for_url("**/accords-cadres/*/")
    expect(page.get_by_text("2 article(s) créé(s)")).to_be_visible()
    expect(page.get_by_role("cell", name="289,90 €")).to_be_visible()
    axe_check(page)
    assert CatalogueItem.objects.count() == 2

    page.get_by_role("link", name="Mettre en vigueur").click()
    axe_check(page)
    page.get_by_role("button", name="Confirmer la mise en vigueur").click()
    page.wait_for_url("**/accords-cadres/*/")
    expect(page.get_by_text("En vigueur").first).to_be_visible()
    page.goto("/achats/back-office/fournisseurs/")
    axe_check(page)
    page.get_by_role("link", name=supplier.name).click()
    axe_check(page)

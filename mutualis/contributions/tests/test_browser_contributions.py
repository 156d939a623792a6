"""Browser: an administrator sets a rate, issues a year's calls and opens a call; a member's reader reaches their
call from the menu and reads how to pay it; every page passes axe-core."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory
from mutualis.contributions.models import ContributionCall
from mutualis.contributions.services import call_issue_year
from mutualis.contributions.tests.factories import RateFactory, commune_member
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import Competence
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_sets_a_rate_issues_the_calls_and_opens_one(page):
    """Rate table → issue with confirmation → list with totals → printable call → the member's calls."""
    admin = StaffFactory(email="admin@operateur.fr")
    commune_member(name="Ville de Versailles", population=83_918)
    commune_member(name="Ville de Montrouge", population=50_260)
    login(page, email=admin.email, password=PASSWORD, totp_device=totp_device_for(admin))

    page.goto("/cotisations/taux/?year=2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Taux de cotisation 2025")
    axe_check(page)
    page.get_by_label("Montant par habitant (€) — Centrale d'achat").fill("-1")
    page.get_by_label("Plancher (€) — Centrale d'achat").fill("500")
    row = page.get_by_role("row", name=re.compile("Centrale d'achat"))
    row.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le montant ne peut pas être négatif.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Montant par habitant (€) — Centrale d'achat").fill("0,15")
    row.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Taux 2025 « Centrale d'achat » enregistré.")).to_be_visible()
    axe_check(page)

    page.goto("/cotisations/?year=2025")
    axe_check(page)
    page.get_by_role("link", name="Émettre les appels de cotisation 2025").click()
    expect(page.get_by_text("2 appels de cotisation seront émis")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Confirmer l'émission des appels 2025").click()
    expect(page.get_by_text("2 appels de cotisation émis pour 2025.")).to_be_visible()
    assert ContributionCall.objects.filter(year=2025).count() == 2
    axe_check(page)

    call = ContributionCall.objects.get(member__name="Ville de Versailles")
    page.get_by_role("link", name=call.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Appel de cotisation {call.number}")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    axe_check(page)
    page.get_by_text("Annuler l'appel de cotisation…").click()
    axe_check(page)

    page.get_by_role("link", name="Tous les appels de Ville de Versailles").click()
    expect(page.get_by_role("link", name=call.number, exact=True)).to_be_visible()
    axe_check(page)


def test_a_member_reader_reaches_a_call_from_the_menu_and_reads_how_to_pay_it(page):
    """Member space « Cotisations » section → menu « Cotisations » → the member's calls → the call with its issuer,
    due date and payment instructions, a PDF to download and a print button; every page passes axe-core."""
    world = build_world()
    for competence in (Competence.CENTRAL_PURCHASING, Competence.VIDEO_PROTECTION, Competence.EV_CHARGING):
        RateFactory(year=2025, competence=competence)
    call_issue_year(year=2025, acting_user=world.staff)
    call = ContributionCall.objects.get(member=world.member_a)
    login(page, email=world.reader.email, password=PASSWORD)

    page.goto("/espace/")
    section = page.get_by_role("region", name="Cotisations")
    expect(section.get_by_role("link", name=f"Appels de cotisation de {world.member_a.name}")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Cotisations"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cotisations de {world.member_a.name}")
    expect(page.get_by_role("link", name=f"PDF de l'appel {call.number}")).to_be_visible()
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name=call.number, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Appel de cotisation {call.number}")
    payment = page.get_by_role("region", name="Règlement")
    expect(payment).to_contain_text("FR76 9999 9000 0100 0000 1234 537")
    expect(payment).to_contain_text(f"en rappelant la référence {call.number}")
    expect(page.get_by_role("region", name="Émetteur")).to_contain_text(settings.OPERATOR_SIRET)
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'appel (PDF)").click()
    assert download.value.suggested_filename == f"{call.number}.pdf"
    axe_check(page)

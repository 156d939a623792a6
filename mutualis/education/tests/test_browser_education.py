"""Browser: a referent assigns licences to a class and the use dashboard draws its charts; a collège applies to
Robotyc and an education officer selects it; an officer lends a tablet and takes it back. Every page passes
axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.assets.tests.factories import AssetFactory
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.education.tests.factories import (
    EstablishmentFactory,
    ProjectCallFactory,
    ResourceFactory,
    SubscriptionFactory,
    college,
    departement_member,
)
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()
DRAWN = "id => Boolean(window.Chart && window.Chart.getChart(document.getElementById(id)))"


def officer_signs_in(page):
    officer = StaffFactory(email="education@operateur.example.fr", staff_role="education_officer")
    login(page, email=officer.email, password=PASSWORD, totp_device=totp_device_for(officer))
    return officer


def test_a_referent_assigns_licences_to_a_class(page):
    """The école's referent gives 25 of the 30 licences to class 3A; the count follows; the dashboard draws."""
    world = build_world()
    referent = UserFactory(email="referent@ecole.example.fr")
    school = EstablishmentFactory(member=world.member_a, name="École Jules-Ferry", referents=[referent])
    subscription = SubscriptionFactory(
        establishment=school,
        resource=ResourceFactory(title="Mon Quotidien"),
        licences=30,
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=200),
    )
    login(page, email=referent.email, password=PASSWORD)
    page.goto(f"/education/abonnements/{subscription.pk}/")
    expect(page.locator("#licence-count")).to_have_text("0 sur 30")
    axe_check(page)
    page.get_by_label("Bénéficiaire").select_option("class_group")
    page.get_by_label("Classe", exact=True).fill("3A")
    page.get_by_label("Licences (élèves de la classe)").fill("25")
    click_and_wait(page, page.get_by_role("button", name="Attribuer"))
    expect(page.locator("#licence-count")).to_have_text("25 sur 30")
    expect(page.get_by_role("cell", name="3A", exact=True)).to_be_visible()
    page.get_by_label("Bénéficiaire").select_option("class_group")
    page.get_by_label("Classe", exact=True).fill("3B")
    page.get_by_label("Licences (élèves de la classe)").fill("6")
    click_and_wait(page, page.get_by_role("button", name="Attribuer"))
    expect(page.get_by_text("Plus assez de licences : 5 disponible(s) sur 30, 6 demandée(s).").first).to_be_visible()
    axe_check(page)
    page.goto("/education/ressources/usage/")
    page.wait_for_function(DRAWN, arg="chart-resource")
    expect(page.get_by_role("img", name="Taux d'attribution par ressource (%)")).to_be_visible()
    expect(page.get_by_role("cell", name="83,3 %").first).to_be_visible()
    axe_check(page)


def test_a_collège_applies_to_robotyc_and_is_selected(page):
    """The collège's referent applies a 3e class to Robotyc; the education officer selects it."""
    build_world()
    referent = UserFactory(email="referent@college.example.fr")
    hoche = college(member=departement_member("78"), name="Collège Hoche")
    hoche.referents.add(referent)
    call = ProjectCallFactory(title="Robotyc", theme="Le robot écolo : trieur de déchets")
    login(page, email=referent.email, password=PASSWORD)
    page.goto(f"/education/projets/{call.pk}/")
    expect(page.get_by_text("Le robot écolo : trieur de déchets")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Candidater"))
    page.get_by_label("Classe").fill("3e B")
    page.get_by_label("Enseignant référent du projet").fill("Mme Lefèvre")
    page.get_by_label("Motivation").fill("Notre classe, avec ses élèves d'ULIS, veut construire un robot trieur.")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Déposer la candidature"))
    expect(page.locator("#application-status")).to_have_text("Déposée")
    url = page.url
    page.context.clear_cookies()
    officer_signs_in(page)
    page.goto(url)
    page.locator("#id_to_status").select_option("selected")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la décision"))
    expect(page.locator("#application-status")).to_have_text("Retenue")
    axe_check(page)


def test_an_officer_lends_a_tablet_and_takes_it_back(page):
    """The tablet is lent (its status « Prêté »), then returned in good condition (« En stock »)."""
    world = build_world()
    school = EstablishmentFactory(member=world.member_a, name="École Jules-Ferry")
    AssetFactory(member=world.member_a, site=world.site_a, serial_number="TAB-2026-001")
    officer_signs_in(page)
    page.goto("/education/prets/nouveau/")
    axe_check(page)
    page.get_by_label("N° de série de l'équipement").fill("TAB-2026-001")
    page.locator("#id_beneficiary_kind").select_option("pupil")
    page.get_by_label("Référence de l'emprunteur").fill("ELV-7f3a9c21")
    page.get_by_label("Établissement").select_option(str(school.pk))
    page.get_by_label("Début du prêt").fill(TODAY.isoformat())
    page.get_by_label("Retour prévu").fill((TODAY + datetime.timedelta(days=60)).isoformat())
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#asset-status")).to_have_text("Prêté")
    expect(page.get_by_role("link", name="Convention de prêt (PDF)")).to_be_visible()
    axe_check(page)
    page.get_by_label("État au retour").select_option("good")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le retour"))
    expect(page.locator("#loan-status")).to_contain_text("Rendu")
    expect(page.locator("#asset-status")).to_have_text("En stock")
    axe_check(page)

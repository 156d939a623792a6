"""Browser: an administrator approves an online request (a deliberation of 1900 refused first), sees the requester
proposed as first manager, then corrects, cancels and ends competence transfers."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import AdhesionRequest, CompetenceTransfer
from mutualis.members.testing import build_world
from mutualis.members.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_approves_an_online_request_and_corrects_competences(page):
    """The approval refuses a deliberation of 1900 in French; once approved, the requester is proposed as manager;
    a transfer is corrected, another cancelled after confirmation, and « Terminer » shows the recorded end."""
    world = build_world()
    member = factories.commune_member("78686", status=MemberStatus.REQUESTED)
    AdhesionRequest.objects.create(
        member=member, contact_name="Claire Martin", contact_function="DGS", contact_email="dgs@viroflay.example.fr"
    )
    factories.CompetenceTransferFactory(member=member, competence=Competence.VIDEO_PROTECTION)
    factories.CompetenceTransferFactory(
        member=member, competence=Competence.BROADBAND, start_date=datetime.date(2025, 1, 1), end_date=None
    )
    ended = factories.CompetenceTransferFactory(
        member=member,
        competence=Competence.EV_CHARGING,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.goto(f"/back-office/adherents/{member.pk}/")
    expect(page.get_by_role("heading", name="Commune de Viroflay", level=1)).to_be_visible()

    approval = page.locator("details", has_text="Approuver l'adhésion…")
    approval.get_by_text("Approuver l'adhésion…").click()
    approval.get_by_label("Référence de la délibération").fill("CS-1900-1")
    approval.get_by_label("Date de la délibération").fill("1900-01-01")
    click_and_wait(page, approval.get_by_role("button", name="Approuver", exact=True))
    expect(page.get_by_text("ne peut précéder la création du syndicat, le 01/01/2016")).to_be_visible()
    axe_check(page)
    page.get_by_label("Référence de la délibération").fill("CS-2026-014")
    page.get_by_label("Date de la délibération").fill(f"{timezone.localdate():%Y-%m-%d}")
    click_and_wait(page, page.get_by_role("button", name="Confirmer"))
    expect(page.get_by_text("Adhésion approuvée").first).to_be_visible()

    proposal = page.locator("details", has_text="Inviter Claire Martin comme premier gestionnaire…")
    proposal.get_by_text("Inviter Claire Martin comme premier gestionnaire…").click()
    expect(proposal.get_by_label("Adresse électronique")).to_have_value("dgs@viroflay.example.fr")
    expect(proposal.get_by_label("Rôle")).to_have_value("manager")
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Corriger Vidéoprotection"))
    expect(page.get_by_role("heading", name="Corriger « Vidéoprotection »")).to_be_visible()
    axe_check(page)
    page.get_by_label("Date de début").fill("1800-01-01")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la correction"))
    expect(page.get_by_text("ne peut précéder la création du syndicat")).to_be_visible()
    page.get_by_label("Date de début").fill("2024-03-01")
    page.get_by_label("Motif de la correction").fill("Date mal saisie")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la correction"))
    expect(page.get_by_text("Compétence « Vidéoprotection » corrigée.")).to_be_visible()
    expect(page.get_by_role("cell", name="01/03/2024")).to_be_visible()

    click_and_wait(page, page.get_by_role("link", name="Annuler le transfert Très haut débit"))
    expect(page.get_by_role("heading", name="Annuler le transfert « Très haut débit » ?")).to_be_visible()
    axe_check(page)
    page.get_by_label("Motif de l'annulation").fill("Délibération jamais adoptée")
    click_and_wait(page, page.get_by_role("button", name="Confirmer l'annulation"))
    expect(page.get_by_text("Transfert « Très haut débit » annulé.")).to_be_visible()
    assert not member.competences.filter(competence=Competence.BROADBAND).exists()

    click_and_wait(page, page.get_by_role("link", name="Terminer Recharge de véhicules électriques (IRVE)"))
    expect(page.get_by_text("Période enregistrée : du 01/01/2025 au 30/06/2027 inclus.")).to_be_visible()
    expect(page.get_by_label("Dernier jour du transfert")).to_have_value("2027-06-30")
    axe_check(page)
    assert CompetenceTransfer.objects.get(pk=ended.pk).end_date == datetime.date(2027, 6, 30)

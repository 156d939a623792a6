"""Browser: a public body asks to join online, corrects a mistake, and sees the confirmation."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from mutualis.core.testing_browser import axe_check, click_and_wait
from mutualis.members.choices import MemberStatus
from mutualis.members.models import AdhesionRequest, Member
from mutualis.members.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_asks_to_join_corrects_the_siren_and_sees_the_confirmation(page):
    """From the home page, a town's DGS fills the form; the mistyped SIREN is refused in French, then accepted."""
    factories.commune("78686")
    page.goto("/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Demander l'adhésion"))
    expect(page.get_by_role("heading", name="Demande d'adhésion", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_label("Nature de la structure").select_option("commune")
    page.get_by_label("Dénomination").fill("Commune de Viroflay")
    page.get_by_label("SIREN").fill("217 806 869")
    page.get_by_label("Département").select_option("78")
    page.get_by_label("Commune(s)").fill("Viroflay")
    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_label("Fonction").fill("Directrice générale des services")
    page.get_by_label("Adresse électronique").fill("dgs@viroflay.example.fr")
    page.get_by_label("Centrale d'achat").check()
    page.get_by_label("J'accepte que ces coordonnées soient utilisées").check()
    click_and_wait(page, page.get_by_role("button", name="Envoyer la demande"))
    expect(page.get_by_text("SIREN invalide : 9 chiffres avec une clé de contrôle correcte.")).to_be_visible()
    axe_check(page)
    assert not Member.objects.exists()

    page.get_by_label("SIREN").fill("217 806 868")
    page.get_by_label("J'accepte que ces coordonnées soient utilisées").check()
    click_and_wait(page, page.get_by_role("button", name="Envoyer la demande"))
    expect(page.get_by_role("heading", name="Demande enregistrée", level=1)).to_be_visible()
    expect(page.get_by_text("vous répondra après délibération")).to_be_visible()
    axe_check(page)

    member = Member.objects.get(siren="217806868")
    assert member.status == MemberStatus.REQUESTED
    assert AdhesionRequest.objects.get(member=member).competences == ["central_purchasing"]
    assert [m.to for m in mail.outbox] == [["dgs@viroflay.example.fr"]]

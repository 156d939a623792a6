"""Browser: a forgotten password reset from the e-mail's link, then « Mes sessions »; a recovery code used when
the authenticator is out of reach. Every page passes axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.core.testing import current_totp
from mutualis.core.testing_browser import axe_check, click_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Un-autre-mot-de-passe-2026"


def test_a_forgotten_password_is_reset_from_the_e_mail_s_link(page, live_server):
    """« Mot de passe oublié ? » → the e-mail's link → a new password → login with it → « Mes sessions »."""
    user = UserFactory(email="camille@versailles.fr")
    page.goto("/compte/connexion/")
    click_and_wait(page, page.get_by_role("link", name="Mot de passe oublié ?"))
    axe_check(page)
    page.get_by_label("Adresse électronique").fill(user.email)
    click_and_wait(page, page.get_by_role("button", name="Recevoir le lien"))
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    axe_check(page)

    [message] = mail.outbox
    link = re.search(r"http://\S+/compte/mot-de-passe-oublie/\S+/", message.body).group(0)
    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill("court")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("court")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le mot de passe"))
    expect(page.get_by_text("Ce mot de passe est trop court.").first).to_be_visible()
    axe_check(page)
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le mot de passe"))
    expect(page.get_by_text("Votre mot de passe est changé : connectez-vous avec le nouveau.")).to_be_visible()

    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Se connecter").last)
    assert "/connexion/" not in page.url
    page.goto("/compte/")
    click_and_wait(page, page.get_by_role("link", name="Mes sessions"))
    expect(page.get_by_test_id("current-session")).to_contain_text("sur Linux")
    expect(page.get_by_test_id("current-session")).to_contain_text("Cette session")
    axe_check(page)
    page.goto("/compte/mot-de-passe/")
    axe_check(page)


def test_a_recovery_code_replaces_a_lost_authenticator(page):
    """Enrolling TOTP shows ten recovery codes once; later, one of them signs in instead of the phone's code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = StaffFactory(email="admin@operateur.fr")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Se connecter").last)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    page.get_by_label("Code à usage unique").fill(current_totp(device))
    click_and_wait(page, page.get_by_role("button", name="Activer"))
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    axe_check(page)
    code = codes.first.inner_text()
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))

    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Se connecter").last)
    page.get_by_text("Je n'ai plus accès à mon application d'authentification").click()
    page.get_by_label("Code de secours").fill(code)
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Utiliser le code de secours"))
    expect(page.get_by_text("Code de secours accepté. Il vous en reste 9")).to_be_visible()
    page.goto("/back-office/journal/")
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()

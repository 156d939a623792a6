"""Browser: an operator staff member signs in with password and TOTP; pages pass axe-core."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory
from mutualis.core.testing import current_totp
from mutualis.core.testing_browser import axe_check, click_and_wait, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_is_accessible(page):
    """The public home page has no axe-core violation and its skip link reaches the content."""
    page.goto("/")
    axe_check(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"


def test_staff_enrols_totp_then_signs_in_with_it(page):
    """First login: enrol the authenticator; next login: password then the six-digit code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = StaffFactory(email="admin@operateur.fr")
    page.goto("/compte/connexion/")
    axe_check(page)
    page.get_by_label("Adresse électronique").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_url("**/compte/deux-facteurs/")
    axe_check(page)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    page.get_by_label("Code à usage unique").fill("000000" if current_totp(device) != "000000" else "111111")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("Code incorrect ou expiré.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Code à usage unique").fill(current_totp(device))
    click_and_wait(page, page.get_by_role("button", name="Activer"))
    assert "/deux-facteurs/" not in page.url
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))
    # The code just used is refused again (replay protection) until the next 30-second step; act as if it came.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    login(page, email=staff.email, password=PASSWORD, totp_device=device)
    assert "/connexion/" not in page.url
    page.goto("/back-office/journal/")
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    axe_check(page)

"""Browser: a member manager uses the member space; an administrator creates a member and runs its adhésion."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import MemberStatus
from mutualis.members.models import Member, Membership
from mutualis.members.testing import build_world
from mutualis.members.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_the_member_space_and_invites_a_user(page):
    """A member manager signs in, lands on the member space, and invites a colleague who gets an account."""
    world = build_world()
    login(page, email=world.manager.email, password=PASSWORD)
    page.wait_for_url("**/espace/")
    expect(page.get_by_role("heading", name="Commune de Versailles", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="01/01/2024").first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Hôtel de ville de Versailles")).to_be_visible()
    axe_check(page)

    page.get_by_label("Adresse électronique").fill("nouvelle.collegue@versailles.fr")
    page.locator("#id_role").select_option("agent")  # the table also has "Rôle de …" selects
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("heading", name="Invitation envoyée")).to_be_visible()
    assert "/compte/activer/" in page.get_by_test_id("set-password-url").inner_text()
    axe_check(page)
    assert Membership.objects.filter(member=world.member_a, user__email="nouvelle.collegue@versailles.fr").exists()


def test_administrator_creates_a_member_then_approves_and_activates_it(page):
    """An administrator (password + TOTP) records a member — the invalid SIREN is refused in French first — then
    approves its adhésion with the deliberation and activates it."""
    world = build_world()
    factories.commune("78686")
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.wait_for_url("**/back-office/adherents/")
    axe_check(page)

    page.get_by_role("link", name="Nouvel adhérent").click()
    expect(page.get_by_role("heading", name="Nouvel adhérent")).to_be_visible()
    axe_check(page)
    page.get_by_label("Dénomination").fill("Commune de Viroflay")
    page.get_by_label("Nature").select_option("commune")
    page.get_by_label("SIREN").fill("217 806 869")
    page.get_by_label("Département").select_option("78")
    page.get_by_label("Communes").fill("Viroflay")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("SIREN invalide : 9 chiffres avec une clé de contrôle correcte.")).to_be_visible()
    axe_check(page)
    assert not Member.objects.filter(name="Commune de Viroflay").exists()

    page.get_by_label("SIREN").fill("217 806 868")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Commune de Viroflay", level=1)).to_be_visible()
    expect(page.get_by_text("Adhésion demandée").first).to_be_visible()
    axe_check(page)

    approval = page.locator("details", has_text="Approuver l'adhésion…")
    approval.get_by_text("Approuver l'adhésion…").click()
    approval.get_by_label("Référence de la délibération").fill("CS-2026-014")
    approval.get_by_label("Date de la délibération").fill("2026-03-12")
    approval.get_by_role("button", name="Approuver", exact=True).click()
    expect(page.get_by_role("button", name="Activer l'adhérent")).to_be_visible()
    expect(page.get_by_text("Délibération CS-2026-014 du 12/03/2026")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Activer l'adhérent").click()
    expect(page.get_by_text("Adhérent actif").first).to_be_visible()
    axe_check(page)
    member = Member.objects.get(siren="217806868")
    assert member.status == MemberStatus.ACTIVE
    assert list(member.status_changes.values_list("to_status", flat=True)) == ["requested", "approved", "active"]


def test_every_other_members_page_passes_axe(page):
    """The forms and confirmation pages of the members app have no accessibility violation."""
    world = build_world()
    factories.MembershipFactory(user=world.reader, member=world.member_b)
    transfer = world.member_a.competences.first()
    extra = factories.MembershipFactory(member=world.member_a)
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    for path in [
        f"/back-office/adherents/{world.member_a.pk}/modifier/",
        f"/back-office/adherents/{world.member_a.pk}/statut/withdrawn/",
        f"/back-office/adherents/{world.member_a.pk}/competences/nouvelle/",
        f"/back-office/competences/{transfer.pk}/fin/",
        f"/espace/{world.member_a.pk}/",
        f"/espace/{world.member_a.pk}/sites/nouveau/",
        f"/espace/sites/{world.site_a.pk}/modifier/",
        f"/espace/sites/{world.site_a.pk}/mise-hors-service/",
        f"/espace/{world.member_a.pk}/utilisateurs/inviter/",
        f"/espace/utilisateurs/{extra.pk}/retrait/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))
    login(page, email=world.reader.email, password=PASSWORD)
    page.goto("/espace/")
    expect(page.get_by_role("link", name="Commune de Boulogne-Billancourt")).to_be_visible()
    axe_check(page)

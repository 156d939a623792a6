"""Browser: an existing account accepts its invitation in « Mon compte »; a new one activates its account and is
signed in; an invalid invitation from the back-office stays there, its error summary taking the focus and leading
to the field."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.models import AuditEntry
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import MemberRole
from mutualis.members.models import Membership
from mutualis.members.services import memberships
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


def test_an_existing_account_accepts_its_invitation_in_my_account(page):
    """Member B's manager, invited to member A, has no access until they accept in « Mon compte »; accepting
    opens member A's space with the role offered."""
    world = build_world()
    memberships.membership_invite(
        member=world.member_a, email=world.other_member.email, role=MemberRole.AGENT, acting_user=world.manager
    )
    login(page, email=world.other_member.email, password=PASSWORD)
    page.goto(f"/espace/{world.member_a.pk}/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    page.goto("/compte/")
    invitations = page.get_by_role("region", name="Invitations en attente de votre réponse")
    expect(invitations.get_by_text("Commune de Versailles", exact=True)).to_be_visible()
    axe_check(page)
    click_and_wait(page, invitations.get_by_role("button", name="Accepter l'invitation de Commune de Versailles"))
    expect(page.get_by_text("Vous avez rejoint Commune de Versailles avec le rôle « Agent ».")).to_be_visible()
    expect(page.get_by_role("heading", name="Commune de Versailles", level=1)).to_be_visible()
    axe_check(page)
    assert Membership.objects.get(member=world.member_a, user=world.other_member).role == MemberRole.AGENT


def test_a_new_account_is_named_activated_and_signed_in(page):
    """The manager invites a newcomer with their name; the set-password page names the account; choosing the
    password signs the newcomer in on their member's space, and the activation is in the audit log."""
    world = build_world()
    login(page, email=world.manager.email, password=PASSWORD)
    page.goto(f"/espace/{world.member_a.pk}/utilisateurs/inviter/")
    page.get_by_label("Adresse électronique").fill("camille.durand@versailles.fr")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Durand")
    click_and_wait(page, page.get_by_role("button", name="Envoyer l'invitation"))
    link = page.get_by_test_id("set-password-url").inner_text()
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))

    page.goto(urlsplit(link).path)  # the link names SITE_ROOT, not the live server
    expect(page.get_by_text("Vous activez le compte camille.durand@versailles.fr.", exact=False)).to_be_visible()
    axe_check(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)  # both labels read « … nouveau mot de passe »
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Votre compte est activé : bienvenue sur Mutualis.")).to_be_visible()
    expect(page.get_by_role("heading", name="Commune de Versailles", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Camille Durand")).to_be_visible()
    axe_check(page)
    assert AuditEntry.objects.filter(action="user.activate", actor__email="camille.durand@versailles.fr").exists()


def test_an_invalid_backoffice_invitation_stays_in_the_backoffice_and_leads_to_the_field(page):
    """From the back-office member page, an invitation with a bad address comes back in the back-office; the error
    summary has the focus, and its link moves the focus to the address field."""
    world = build_world()
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.goto(f"/back-office/adherents/{world.member_a.pk}/")
    users = page.get_by_role("region", name="Utilisateurs")
    users.get_by_label("Adresse électronique").fill("pas-une-adresse")
    click_and_wait(page, users.get_by_role("button", name="Envoyer l'invitation"))
    assert "/back-office/adherents/" in page.url
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs.")
    expect(summary).to_be_focused()
    expect(page.get_by_role("link", name="Commune de Versailles")).to_have_attribute(
        "href", f"/back-office/adherents/{world.member_a.pk}/"
    )
    axe_check(page)
    summary.get_by_role("link", name="Adresse électronique").click()
    expect(page.get_by_label("Adresse électronique")).to_be_focused()
    assert not Membership.objects.filter(user__email="pas-une-adresse").exists()

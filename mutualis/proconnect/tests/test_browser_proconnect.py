"""Browser: an agent clicks « S'identifier avec ProConnect », logs in at the provider's page and lands in their
member space; the ProConnect pages pass axe-core."""

import copy

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mutualis.core.testing_browser import axe_check, click_and_wait
from mutualis.members.tests.factories import make_siret
from mutualis.proconnect import oidc
from mutualis.proconnect.models import ProConnectIdentity
from mutualis.proconnect.testing.local_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mot-de-passe-agent"


@pytest.fixture
def browser_provider(live_server, settings):
    """The provider, sending agents back to the live server; Mutualis configured for it (CSP form-action too)."""
    running = LocalProvider.start(
        redirect_uris=[live_server.url + reverse("proconnect:callback")],
        post_logout_redirect_uris=[live_server.url + reverse("proconnect:logout_return")],
    )
    settings.SITE_ROOT = live_server.url
    settings.PROCONNECT_DOMAIN = running.origin
    settings.PROCONNECT_CLIENT_ID, settings.PROCONNECT_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", running.origin]
    settings.CONTENT_SECURITY_POLICY = policy
    oidc.clear_cache()
    yield running
    running.stop()
    oidc.clear_cache()


def _provider_login(page, email):
    page.get_by_label("Adresse électronique professionnelle").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))


def test_agent_signs_in_with_proconnect_and_lands_in_member_space(page, world, browser_provider):
    """The button leads to the provider's login page; back from it, the agent is in their member space; logging out
    goes through the provider's end-session and back."""
    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-agent", email=world.agent.email)
    browser_provider.add_accounts(
        {
            world.agent.email: {
                "given_name": "Camille",
                "usual_name": "Durand",
                "siret": world.member_a.siret,
                "idp_id": "fi-mairie",
                "sub": "sub-agent",
                "password": PASSWORD,
            }
        }
    )
    page.goto(reverse("accounts:login"))
    expect(page.get_by_role("link", name="Qu'est-ce que ProConnect ?")).to_have_attribute(
        "href", "https://www.proconnect.gouv.fr/"
    )
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="S'identifier avec ProConnect"))
    expect(page.get_by_label("Adresse électronique professionnelle")).to_be_visible()
    _provider_login(page, world.agent.email)
    expect(page.get_by_role("heading", name=world.member_a.name)).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))
    # The provider asks to confirm the logout (its own page), then sends back with our state.
    click_and_wait(page, page.get_by_role("button", name="Oui, me déconnecter"))
    expect(page.get_by_text("aussi déconnecté de ProConnect")).to_be_visible()


def test_new_agent_sees_pending_page_and_unknown_structure_the_adhesion_invitation(page, world, browser_provider):
    """A new agent of a member waits for approval; an agent of no member is invited to ask for adhésion; both pages
    pass axe-core."""
    browser_provider.add_accounts(
        {
            "nouvel.agent@versailles.fr": {
                "given_name": "Lou",
                "usual_name": "Martin",
                "siret": make_siret(world.member_a.siren, "0042"),
                "idp_id": "fi-mairie",
                "password": PASSWORD,
            },
            "agent@ailleurs.fr": {
                "given_name": "Sam",
                "usual_name": "Petit",
                "siret": make_siret("130025265", "0001"),
                "idp_id": "fi-ailleurs",
                "password": PASSWORD,
            },
        }
    )
    page.goto(reverse("accounts:login"))
    click_and_wait(page, page.get_by_role("button", name="S'identifier avec ProConnect"))
    axe_check(page)
    _provider_login(page, "nouvel.agent@versailles.fr")
    expect(page.get_by_role("heading", name="Demande de rattachement en attente")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))
    click_and_wait(page, page.get_by_role("button", name="Oui, me déconnecter"))
    page.goto(reverse("accounts:login"))
    click_and_wait(page, page.get_by_role("button", name="S'identifier avec ProConnect"))
    _provider_login(page, "agent@ailleurs.fr")
    expect(page.get_by_role("heading", name="Votre structure n'est pas encore adhérente")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Demander l'adhésion de ma structure"))
    expect(page.get_by_label("Adresse électronique")).to_have_value("agent@ailleurs.fr")

"""Browser: a member agent orders tablets from the catalogue, the operator validates and consolidates; every page
visited passes axe-core."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, Order
from mutualis.purchasing.tests.factories import CatalogueItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_orders_and_operator_validates_and_consolidates(page):
    """An agent fills the basket, sets the delivery site and submits; the operator validates, then consolidates."""
    world = build_world()
    item = CatalogueItemFactory(label="Tablette 10 pouces collège", price=Decimal("289"))
    login(page, email=world.agent.email, password=PASSWORD)
    page.goto("/achats/catalogue/")
    axe_check(page)
    page.get_by_label("Mot-clé").fill("collège")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=item.label).click()
    axe_check(page)
    page.get_by_label("Quantité").fill("30")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/achats/panier/")
    axe_check(page)
    order = Order.objects.get()
    page.get_by_role("link", name=f"Finaliser la commande {order.number}").click()
    axe_check(page)
    page.get_by_role("link", name="Site de livraison et références").click()
    axe_check(page)
    page.get_by_label("Site de livraison").select_option(str(world.site_a.pk))
    page.get_by_label("Référence interne").fill("Collège — rentrée")
    page.get_by_role("button", name="Enregistrer").click()
    click_and_wait(page, page.get_by_role("button", name="Soumettre la commande"))
    axe_check(page)
    assert Order.objects.get().status == OrderStatus.SUBMITTED
    page.goto("/achats/commandes/")
    axe_check(page)

    page.context.clear_cookies()
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.goto("/achats/back-office/commandes/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name=f"Valider {order.number}"))
    assert Order.objects.get().status == OrderStatus.VALIDATED
    page.goto("/achats/back-office/regroupements/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Préparer la commande groupée"))
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Créer et envoyer"))
    expect(page).to_have_url(re.compile(r"/achats/back-office/regroupements/\d+/$"))
    axe_check(page)
    assert ConsolidatedOrder.objects.get().total_ht == Decimal("8670.00")
    assert Order.objects.get().status == OrderStatus.SENT

"""Browser, as a new user would: from the order page to its deliveries and service fait by clicks only (the README
walkthrough's step « Livraisons »), the execution date proposed; the validation queue saying why an order cannot be
validated yet; the consolidated order's print button wired without inline script. axe-core on every page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Order
from mutualis.purchasing.services import consolidation as consolidation_services
from mutualis.purchasing.tests.builders import sent_order
from mutualis.purchasing.tests.factories import CatalogueItemFactory, MemberPurchasingSettingsFactory, order_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def test_agent_reaches_deliveries_and_service_fait_from_the_order_page(page):
    """The agent opens the order, clicks « Livraisons », records the delivery, and finds its date proposed as the
    execution date of service fait."""
    world = build_world()
    order = sent_order(world, tablets=1)
    line = order.lines.get()
    delivered_on = (TODAY - datetime.timedelta(days=3)).isoformat()
    login(page, email=world.agent.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Livraisons", exact=True))
    expect(page.get_by_role("heading", name=f"Livraisons de la commande {order.number}")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Enregistrer une livraison"))
    page.get_by_label("Date de livraison").fill(delivered_on)
    page.locator(f"#id_line_{line.pk}_quantity").fill("1")
    page.locator(f"#id_line_{line.pk}_serials").fill("TAB-900")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la livraison"))
    click_and_wait(page, page.get_by_role("link", name="Certifier le service fait"))
    expect(page.get_by_label("Date d'exécution")).to_have_value(delivered_on)
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Certifier le service fait"))
    expect(page.get_by_text("Service fait certifié.")).to_be_visible()
    assert Order.objects.get(pk=order.pk).execution_date.isoformat() == delivered_on


def test_buyer_sees_why_an_order_waits_and_prints_the_consolidated_order(page):
    """The queue tells the buyer an order waits for its member's approval and offers « Valider » on the other; the
    consolidated order's print button shows once its script has run."""
    world = build_world()
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("500.00"))
    item = CatalogueItemFactory(price=Decimal("300"))
    waiting = order_for(member=world.member_a, user=world.agent, item=item, quantity=2, site=world.site_a, submit=True)
    ready = order_for(member=world.member_a, user=world.agent, item=item, quantity=1, site=world.site_a, submit=True)
    buyer = StaffFactory(email="acheteur@operateur.fr", staff_role="purchasing_officer")
    login(page, email=buyer.email, password=PASSWORD, totp_device=totp_device_for(buyer))
    page.goto("/achats/back-office/commandes/")
    waiting_row = page.get_by_role("row").filter(has_text=waiting.number)
    expect(waiting_row.get_by_text("En attente d'approbation par l'adhérent.")).to_be_visible()
    expect(waiting_row.get_by_role("button", name="Valider")).to_have_count(0)
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name=f"Valider {ready.number}"))
    expect(page.get_by_text(f"Commande {ready.number} : Validée par la centrale.")).to_be_visible()
    assert Order.objects.get(pk=ready.pk).status == OrderStatus.VALIDATED

    consolidation = consolidation_services.consolidated_order_create(
        lot=item.lot, supplier=ready.supplier, acting_user=buyer
    )
    page.goto(f"/achats/commandes/{ready.pk}/")
    click_and_wait(page, page.get_by_role("link", name=consolidation.number))
    expect(page.get_by_role("button", name="Imprimer ou enregistrer en PDF")).to_be_visible()
    axe_check(page)

"""Browser, the whole chain of issue 3: a collège's agent orders tablets, its manager approves, the operator
validates and consolidates, the collège receives them with serial numbers (assets appear), certifies service fait,
the invoice is paid late and the interest shows. axe-core finds nothing on any page visited."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.assets.models import Asset
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import Competence, MemberRole
from mutualis.members.tests.factories import CompetenceTransferFactory, MemberFactory, MembershipFactory, SiteFactory
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Invoice, Order
from mutualis.purchasing.tests.factories import CatalogueItemFactory, MemberPurchasingSettingsFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def _days_ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def _sign_out(page):
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))


def test_collège_orders_tablets_from_basket_to_late_payment(page):
    """Order → approval → validation → consolidation → delivery with serials → assets → service fait → late
    payment with interest."""
    college = MemberFactory(name="Collège Jean-Racine")
    CompetenceTransferFactory(
        member=college, competence=Competence.CENTRAL_PURCHASING, start_date=datetime.date(2024, 1, 1)
    )
    site = SiteFactory(member=college, name="Collège Jean-Racine — bâtiment A", kind="college")
    agent, manager = UserFactory(email="agent@college.fr"), UserFactory(email="principal@college.fr")
    MembershipFactory(user=agent, member=college, role=MemberRole.AGENT)
    MembershipFactory(user=manager, member=college, role=MemberRole.MANAGER)
    MemberPurchasingSettingsFactory(member=college, approval_threshold_ht=Decimal("500.00"))
    buyer = StaffFactory(email="acheteur@operateur.fr", staff_role="purchasing_officer")
    item = CatalogueItemFactory(label="Tablette 10 pouces", price=Decimal("289.00"), list_price_ht=Decimal("369.00"))

    # The agent orders three tablets for the collège.
    login(page, email=agent.email, password=PASSWORD)
    page.goto("/achats/catalogue/")
    axe_check(page)
    page.get_by_role("link", name=item.label).click()
    page.get_by_label("Quantité").fill("3")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/achats/panier/")
    axe_check(page)
    order = Order.objects.get(member=college)
    page.get_by_role("link", name=f"Finaliser la commande {order.number}").click()
    page.get_by_role("link", name="Site de livraison et références").click()
    page.get_by_label("Site de livraison").select_option(str(site.pk))
    page.get_by_role("button", name="Enregistrer").click()
    click_and_wait(page, page.get_by_role("button", name="Soumettre la commande"))
    axe_check(page)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED
    _sign_out(page)

    # 867 € HT is above the collège's 500 € threshold: its manager approves.
    login(page, email=manager.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Approuver").first)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED
    _sign_out(page)

    # The purchasing officer validates, then consolidates the lot's orders into one purchase order.
    login(page, email=buyer.email, password=PASSWORD, totp_device=totp_device_for(buyer))
    page.goto("/achats/back-office/commandes/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name=f"Valider {order.number}"))
    page.goto("/achats/back-office/regroupements/")
    click_and_wait(page, page.get_by_role("link", name="Préparer la commande groupée"))
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Créer et envoyer"))
    expect(page).to_have_url(re.compile(r"/achats/back-office/regroupements/\d+/$"))
    axe_check(page)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SENT
    _sign_out(page)

    # The collège receives the tablets with their serial numbers, then certifies service fait.
    line = order.lines.get()
    login(page, email=agent.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/livraisons/")
    page.get_by_role("link", name="Enregistrer une livraison").click()
    axe_check(page)
    page.get_by_label("Date de livraison").fill(_days_ago(90))
    page.locator(f"#id_line_{line.pk}_quantity").fill("3")
    page.locator(f"#id_line_{line.pk}_serials").fill("JR-TAB-001\nJR-TAB-002\nJR-TAB-003")
    page.get_by_role("button", name="Enregistrer la livraison").click()
    page.wait_for_url(f"**/achats/commandes/{order.pk}/livraisons/")
    assert sorted(Asset.objects.filter(member=college, site=site).values_list("serial_number", flat=True)) == [
        "JR-TAB-001",
        "JR-TAB-002",
        "JR-TAB-003",
    ]
    page.get_by_role("link", name="Certifier le service fait").click()
    page.get_by_label("Date d'exécution").fill(_days_ago(88))
    page.get_by_role("button", name="Certifier le service fait").click()
    page.wait_for_url(f"**/achats/commandes/{order.pk}/livraisons/")
    page.goto("/equipements/")
    axe_check(page)
    expect(page.get_by_role("link", name="JR-TAB-002")).to_be_visible()
    _sign_out(page)

    # The invoice arrived 80 days ago and is paid today: 50 days late, interest and the 40 € fee are owed.
    login(page, email=manager.email, password=PASSWORD)
    page.goto(f"/achats/commandes/{order.pk}/factures/nouvelle/")
    page.get_by_label("Numéro de facture").fill("F-2026-0042")
    page.get_by_label("Date de la facture").fill(_days_ago(81))
    page.get_by_label("Reçue le").fill(_days_ago(80))
    page.get_by_label("Montant HT (€)").fill("867.00")
    page.get_by_label("TVA (€)").fill("173.40")
    page.get_by_label("Montant TTC (€)").fill("1040.40")
    page.get_by_role("button", name="Enregistrer la facture").click()
    page.wait_for_url("**/achats/factures/*/")
    expect(page.get_by_text("Paiement en retard de 50 jours.")).to_be_visible()
    page.get_by_role("link", name="Enregistrer le paiement").click()
    page.get_by_label("Payée le").fill(TODAY.isoformat())
    page.get_by_role("button", name="Confirmer le paiement").click()
    page.wait_for_url("**/achats/factures/*/")
    axe_check(page)
    invoice = Invoice.objects.get(order=order)
    assert invoice.flat_fee == Decimal("40.00") and invoice.late_interest > 0
    expect(page.get_by_text("Intérêts moratoires")).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

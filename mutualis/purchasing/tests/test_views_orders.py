"""Behaviour of the ordering pages: catalogue filters, the basket, bad input answered with 400 and nothing
written, decisions from the order page, consolidation and its CSV."""

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mutualis.core.testing import login_as
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, Lot, Order, OrderLine
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    LotFactory,
    MemberPurchasingSettingsFactory,
    order_for,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    login_as(client, user)
    return client


def test_catalogue_search_and_filters(world):
    """The catalogue searches by keyword and filters by price; closed agreements' items are not listed."""
    tablet = CatalogueItemFactory(label="Tablette durcie", price=Decimal("300"))
    robot = CatalogueItemFactory(label="Robot éducatif", price=Decimal("90"))
    closed = CatalogueItemFactory(
        label="Borne réservée", lot=LotFactory(agreement__allowed_member_kinds=["departement"])
    )
    client = client_for(world.agent)
    page = client.get(reverse("purchasing:catalogue")).content.decode()
    assert tablet.label in page and robot.label in page and closed.label not in page
    page = client.get(reverse("purchasing:catalogue"), {"q": "robot"}).content.decode()
    assert robot.label in page and tablet.label not in page
    page = client.get(reverse("purchasing:catalogue"), {"min_price": "100", "max_price": "500"}).content.decode()
    assert tablet.label in page and robot.label not in page


def test_catalogue_price_range_error_answers_400(world):
    """A minimum price above the maximum is an error shown in French with status 400."""
    response = client_for(world.agent).get(reverse("purchasing:catalogue"), {"min_price": "500", "max_price": "100"})
    assert response.status_code == 400
    assert "Le prix maximum doit être supérieur au prix minimum." in response.content.decode()


def test_item_page_shows_price_list_price_and_saving(world):
    """The item page shows the current price, the list price and the saving per unit."""
    item = CatalogueItemFactory(price=Decimal("300"), list_price_ht=Decimal("400"))
    page = client_for(world.agent).get(reverse("purchasing:catalogue_item", args=[item.pk])).content.decode()
    assert "300,00\xa0€" in page and "400,00\xa0€" in page and "100,00\xa0€" in page


def test_basket_add_with_bad_quantity_writes_nothing(world):
    """A quantity of zero is refused with a French message and status 400; no order is opened."""
    item = CatalogueItemFactory()
    response = client_for(world.agent).post(
        reverse("purchasing:basket_add", args=[item.pk]), {"member": world.member_a.pk, "quantity": 0}
    )
    assert response.status_code == 400
    assert "La quantité doit être d'au moins 1." in html.unescape(response.content.decode())
    assert not Order.objects.exists()


def test_basket_shows_totals_and_savings(world):
    """The basket shows each draft with totals HT, TVA, TTC and the saving against list prices."""
    item = CatalogueItemFactory(price=Decimal("300"), list_price_ht=Decimal("400"))
    client = client_for(world.agent)
    client.post(reverse("purchasing:basket_add", args=[item.pk]), {"member": world.member_a.pk, "quantity": 2})
    page = client.get(reverse("purchasing:basket")).content.decode()
    assert "600,00\xa0€" in page and "120,00\xa0€" in page and "720,00\xa0€" in page and "200,00\xa0€" in page


def test_missing_ej_is_refused_on_the_form(world):
    """When the member requires an EJ number, saving the order without one answers 400 and changes nothing."""
    MemberPurchasingSettingsFactory(member=world.member_a, requires_ej=True)
    order = order_for(member=world.member_a, user=world.agent)
    response = client_for(world.agent).post(
        reverse("purchasing:order_update", args=[order.pk]), {"site": world.site_a.pk, "internal_reference": "X"}
    )
    assert response.status_code == 400
    assert "Votre collectivité exige un numéro d'engagement juridique (EJ)." in html.unescape(response.content.decode())
    order.refresh_from_db()
    assert order.site is None and order.internal_reference == ""


def test_rejection_without_reason_answers_400(world):
    """Rejecting an order without a reason is refused with status 400; the order stays submitted."""
    order = order_for(member=world.member_a, user=world.agent, site=world.site_a, submit=True)
    response = client_for(world.staff).post(
        reverse("purchasing:order_transition", args=[order.pk]), {"to_status": "rejected", "reason": ""}
    )
    assert response.status_code == 400
    assert "Indiquez le motif." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


def test_validation_beyond_maximum_answers_400_with_the_article(world):
    """CCP R2162-4: validating beyond the lot's maximum shows the reason on the order page and changes nothing."""
    item = CatalogueItemFactory(lot=LotFactory(max_amount_ht=Decimal("100")))
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
    response = client_for(world.staff).post(
        reverse("purchasing:order_transition", args=[order.pk]), {"to_status": "validated"}
    )
    assert response.status_code == 400
    assert "R2162-4" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED
    assert Lot.objects.get(pk=item.lot_id).consumed_amount_ht == 0


def test_order_page_shows_buttons_from_abilities(world):
    """A manager sees the approve button on an order above the threshold; the agent does not."""
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("100"))
    order = order_for(member=world.member_a, user=world.agent, site=world.site_a, submit=True)
    url = reverse("purchasing:order_detail", args=[order.pk])
    assert "Approuver la commande" in client_for(world.manager).get(url).content.decode()
    assert "Approuver la commande" not in client_for(world.agent).get(url).content.decode()


def test_order_list_filters_by_status_and_ej(world):
    """Members filter their orders by status and EJ number."""
    draft = order_for(member=world.member_a, user=world.agent)
    submitted = order_for(member=world.member_a, user=world.agent, site=world.site_a)
    services.order_update(order=submitted, ej_number="EJ-4242", acting_user=world.agent)
    client = client_for(world.reader)
    page = client.get(reverse("purchasing:order_list"), {"ej": "4242"}).content.decode()
    assert submitted.number in page and draft.number not in page
    page = client.get(reverse("purchasing:order_list"), {"status": "cancelled"}).content.decode()
    assert draft.number not in page


def test_consolidation_groups_orders_and_exports_csv(world):
    """Validated orders of one lot and supplier become one consolidated order; its CSV opens in a spreadsheet."""
    item = CatalogueItemFactory(price=Decimal("300.50"))
    for _ in range(2):
        order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    client = client_for(world.staff)
    page = client.get(reverse("purchasing:consolidation_list")).content.decode()
    assert "601,00\xa0€" in page
    response = client.post(
        reverse("purchasing:consolidation_create"), {"lot": item.lot_id, "supplier": order.supplier_id}
    )
    consolidation = ConsolidatedOrder.objects.get()
    assert response.status_code == 302
    assert consolidation.number.startswith("CG-") and consolidation.total_ht == Decimal("601.00")
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.SENT}
    page = client.get(reverse("purchasing:consolidation_detail", args=[consolidation.pk])).content.decode()
    assert "data-print" in page and "core/print.js" in page and "purchasing/orders.css" in page
    content = client.get(reverse("purchasing:consolidation_export", args=[consolidation.pk])).content.decode("utf-8")
    assert content.startswith("\ufeff")
    header, first = content.lstrip("\ufeff").splitlines()[:2]
    assert header.split(";")[0] == "Commande groupée"
    assert "300,5000" in first.split(";") and first.split(";")[-1] == "300,50"
    assert OrderLine.objects.filter(order__consolidation=consolidation).count() == 2


def test_other_members_orders_are_invisible(world):
    """Tenant isolation: another member's users neither list nor open member A's orders (404)."""
    order = order_for(member=world.member_a, user=world.agent)
    client = client_for(world.other_member)
    assert order.number not in client.get(reverse("purchasing:order_list")).content.decode()
    assert order.number not in client.get(reverse("purchasing:basket")).content.decode()
    assert client.get(reverse("purchasing:order_detail", args=[order.pk])).status_code == 404
    response = client.post(reverse("purchasing:order_transition", args=[order.pk]), {"to_status": "cancelled"})
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_order_form_offers_the_holders_of_a_multi_holder_lot(world):
    """The holder select appears only when the lot has several holders, ranked; a bad choice answers 400 in French
    and leaves the order as it was."""
    from mutualis.purchasing.models import LotHolder
    from mutualis.purchasing.tests.factories import SupplierFactory

    item = CatalogueItemFactory()
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a)
    client = client_for(world.agent)
    url = reverse("purchasing:order_update", args=[order.pk])
    assert 'name="supplier"' not in client.get(url).content.decode()

    second = LotHolder.objects.create(lot=item.lot, supplier=SupplierFactory(name="Bureautique Ouest"), rank=2)
    page = client.get(url).content.decode()
    assert 'name="supplier"' in page and "2. Bureautique Ouest" in page
    response = client.post(url, {"supplier": second.supplier_id, "site": world.site_a.pk})
    assert response.status_code == 400
    assert "Le titulaire classé premier n&#x27;est pas retenu" in response.content.decode()
    assert Order.objects.get(pk=order.pk).supplier_id != second.supplier_id
    response = client.post(
        url, {"supplier": second.supplier_id, "site": world.site_a.pk, "note": "Rupture chez le premier titulaire."}
    )
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).supplier_id == second.supplier_id


def test_sent_consolidations_are_searchable_and_paginated(world):
    """The consolidated orders already sent are found by their number, a supplier, an agreement or one of their
    orders' numbers, 25 a page; a search without result says so."""
    first_item, second_item = CatalogueItemFactory(), CatalogueItemFactory()
    numbers = {}
    for item in (first_item, second_item):
        order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
        client_for(world.staff).post(
            reverse("purchasing:consolidation_create"), {"lot": item.lot_id, "supplier": order.supplier_id}
        )
        numbers[item] = (ConsolidatedOrder.objects.get(lot=item.lot).number, order.number)
    client = client_for(world.staff)
    url = reverse("purchasing:consolidation_list")
    both = client.get(url).content.decode()
    assert numbers[first_item][0] in both and numbers[second_item][0] in both and "2 résultats" in both
    by_order = client.get(url, {"q": numbers[second_item][1]}).content.decode()
    assert numbers[second_item][0] in by_order and numbers[first_item][0] not in by_order
    supplier = first_item.lot.lot_holders.get().supplier
    supplier.name = "Bureautique Ouest"
    supplier.save(update_fields=["name"])
    by_supplier = client.get(url, {"q": "bureautique"}).content.decode()
    assert numbers[first_item][0] in by_supplier and numbers[second_item][0] not in by_supplier
    nothing = client.get(url, {"q": "introuvable"}).content.decode()
    assert "Aucune commande groupée ne correspond à cette recherche." in nothing


def test_consolidating_nothing_answers_400_with_the_list(world):
    """Asking to consolidate a lot with no validated order answers 400 with the reason, the list and its search;
    nothing is created."""
    item = CatalogueItemFactory()
    response = client_for(world.staff).post(
        reverse("purchasing:consolidation_create"),
        {"lot": item.lot_id, "supplier": item.lot.lot_holders.get().supplier_id},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="search"' in body and "Aucune commande groupée pour l'instant." in body
    assert ConsolidatedOrder.objects.count() == 0


def test_consolidation_is_confirmed_before_it_is_sent(world):
    """Preparing a consolidation lists the orders, members and totals it will send, and sends nothing; a lot or
    supplier that does not exist answers 404."""
    item = CatalogueItemFactory(price=Decimal("300.50"))
    orders = []
    for _ in range(2):
        order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
        orders.append(services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff))
    client = client_for(world.staff)
    url = reverse("purchasing:consolidation_create")
    listing = client.get(reverse("purchasing:consolidation_list")).content.decode()
    assert f"{url}?lot={item.lot_id}&amp;supplier={orders[0].supplier_id}" in listing
    page = client.get(url, {"lot": item.lot_id, "supplier": orders[0].supplier_id}).content.decode()
    assert all(order.number in page for order in orders)
    assert "2 commandes validées partiront en une seule commande groupée : 601,00\xa0€ HT" in page
    assert "Adhérents concernés : 1." in page
    assert ConsolidatedOrder.objects.count() == 0
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.VALIDATED}
    assert client.get(url, {"lot": 999999, "supplier": orders[0].supplier_id}).status_code == 404
    assert client.get(url, {"lot": "x"}).status_code == 404

"""The public commune panel « Achats mutualisés livrés » counts the orders delivered there, by year of delivery
(issue 11, defect 5)."""

import datetime

import pytest

from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Delivery
from mutualis.purchasing.selectors.dashboards import commune_purchasing_summary
from mutualis.purchasing.tests.factories import CatalogueItemFactory, order_with_lines

pytestmark = pytest.mark.django_db
# The statuses of an order delivered in full, and the year of its (last) delivery in this test.
DELIVERED = {
    OrderStatus.DELIVERED: 2024,
    OrderStatus.SERVICE_CERTIFIED: 2025,
    OrderStatus.INVOICED: 2025,
    OrderStatus.PAID: 2025,
}


def test_panel_counts_delivered_orders_only_by_year_of_delivery(client, world):
    """One order of 100 € HT in every status at a Versailles site: only the delivered, service certified, invoiced
    and paid ones count, each in the year of its last delivery (not of its validation)."""
    item = CatalogueItemFactory()
    for status in OrderStatus:
        order = order_with_lines(
            member=world.member_a,
            site=world.site_a,
            status=status,
            validated_at=None,
            lines=[(item, 1, "100.00", None)],
        )
        if status == OrderStatus.PARTIALLY_DELIVERED:
            Delivery.objects.create(order=order, delivered_on=datetime.date(2025, 5, 2))
        if status in DELIVERED:
            # An earlier partial delivery does not decide the year: the last one does.
            Delivery.objects.create(order=order, delivered_on=datetime.date(DELIVERED[status] - 1, 12, 20))
            Delivery.objects.create(order=order, delivered_on=datetime.date(DELIVERED[status], 1, 15))

    summary = commune_purchasing_summary(commune=world.site_a.commune)
    assert summary is not None
    assert summary["orders"] == 4 and str(summary["total_ht"]) == "400.00"
    assert [(row["year"], row["count"]) for row in summary["years"]] == [(2024, 1), (2025, 3)]
    body = client.get(f"/territoire/communes/{world.site_a.commune.insee_code}/").content.decode()
    assert "4 commandes passées via la centrale d'achat et livrées" in body
    assert "400,00\xa0€ HT" in body and "par année de livraison" in body


def test_panel_is_absent_while_orders_are_only_validated_or_sent(client, world):
    """Validated and sent orders are not delivered yet: the commune shows no purchasing panel."""
    item = CatalogueItemFactory()
    for status in (OrderStatus.VALIDATED, OrderStatus.SENT):
        order_with_lines(member=world.member_a, site=world.site_a, status=status, lines=[(item, 3, "100.00", None)])
    assert commune_purchasing_summary(commune=world.site_a.commune) is None
    body = client.get(f"/territoire/communes/{world.site_a.commune.insee_code}/").content.decode()
    assert "Achats mutualisés livrés dans la commune" not in body

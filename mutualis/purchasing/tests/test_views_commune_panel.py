"""The public purchasing panel of a commune page: aggregates of the orders delivered to sites in the commune."""

import datetime

import pytest
from django.utils import timezone

from mutualis.purchasing.models import Delivery
from mutualis.purchasing.tests.factories import CatalogueItemFactory, order_with_lines

pytestmark = pytest.mark.django_db


def test_commune_page_shows_purchases_delivered_there(client, world):
    """Orders delivered to a Versailles site appear, per year and with their savings, to anonymous visitors; drafts
    and orders delivered elsewhere do not; no item is named."""
    versailles = world.site_a.commune
    item = CatalogueItemFactory(label="Caméra dôme extérieure")
    validated = timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 0))
    delivered = order_with_lines(
        member=world.member_a,
        site=world.site_a,
        status="delivered",
        validated_at=validated,
        lines=[(item, 2, "300.00", "400.00")],
    )
    Delivery.objects.create(order=delivered, delivered_on=datetime.date(2025, 3, 20))
    order_with_lines(member=world.member_a, site=world.site_a, status="draft", lines=[(item, 50, "300.00", None)])
    assert world.site_b.commune != versailles
    elsewhere = order_with_lines(
        member=world.member_b, site=world.site_b, status="delivered", lines=[(item, 9, "300.00", None)]
    )
    Delivery.objects.create(order=elsewhere, delivered_on=datetime.date(2025, 3, 20))

    body = client.get(f"/territoire/communes/{versailles.insee_code}/").content.decode()
    assert "Achats mutualisés livrés dans la commune" in body
    assert "1 commande passée via la centrale d'achat" in body and "Acheteur : 1 adhérent." in body
    assert "600,00\xa0€ HT" in body and "Économies par rapport aux prix publics : 200,00\xa0€ HT" in body
    assert '<th scope="row">2025</th>' in body
    assert item.label not in body


def test_commune_without_deliveries_has_no_purchasing_panel(client, world):
    """A commune where nothing was delivered shows no purchasing panel."""
    body = client.get(f"/territoire/communes/{world.site_a.commune.insee_code}/").content.decode()
    assert "Adhérents et sites dans cette commune" in body  # the page and its other panels rendered
    assert "Achats mutualisés livrés dans la commune" not in body

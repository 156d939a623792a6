"""The asset page tells where the asset came from: purchasing's « Achat » panel, for those who may see the asset."""

import datetime

import pytest
from django.utils.html import escape

from mutualis.assets.models import Asset
from mutualis.assets.tests.factories import AssetFactory
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix
from mutualis.purchasing.tests.builders import deliver_all, sent_order

pytestmark = pytest.mark.django_db
DELIVERED_ON = datetime.date(2026, 3, 10)
MEMBER_A_SEES = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


@pytest.fixture
def delivered(world):
    """A tablet of member A delivered on 10/03/2026 through an order (300 € HT a unit)."""
    order = sent_order(world, tablets=1)
    deliver_all(order, world.agent, on=DELIVERED_ON)
    return order, Asset.objects.get(purchase__delivery_line__delivery__order=order)


def test_asset_page_matrix_with_the_purchase_panel(world, delivered):
    """The asset page of a delivered asset: member A's users and staff 200, another member's user 404."""
    _order, asset = delivered
    assert_role_matrix(world, method="get", url=f"/equipements/{asset.pk}/", expected=MEMBER_A_SEES)


@pytest.mark.parametrize("role", ["reader", "agent", "manager", "staff"])
def test_purchase_panel_shows_the_order_it_came_from(world, delivered, client, role):
    """The panel names the order (linked), the member, the supplier, the framework agreement and lot, the delivery
    date and the unit price paid."""
    order, asset = delivered
    login_as(client, world.users[role])
    page = client.get(f"/equipements/{asset.pk}/").content.decode()
    assert 'id="asset-purchase-panel-title">Achat</h2>' in page
    assert f'<a href="/achats/commandes/{order.pk}/">{order.number}</a>' in page
    for text in (order.member.name, order.supplier.name, order.lot.agreement.reference, order.lot.title):
        assert escape(text) in page
    assert "10/03/2026" in page
    assert "300,00\u00a0€" in page


def test_no_purchase_panel_for_an_asset_bought_elsewhere(world, client):
    """An asset the centrale d'achat did not deliver has no « Achat » panel."""
    asset = AssetFactory(member=world.member_a, site=world.site_a)
    login_as(client, world.reader)
    response = client.get(f"/equipements/{asset.pk}/")
    assert response.status_code == 200 and "asset-purchase-panel-title" not in response.content.decode()

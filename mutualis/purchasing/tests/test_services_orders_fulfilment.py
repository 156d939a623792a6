"""Fulfilment statuses follow recorded facts: no bare status change marks an order delivered, certified or paid."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from mutualis.core.testing import login_as
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import OrderTransition
from mutualis.purchasing.services import orders
from mutualis.purchasing.tests.builders import sent_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["agent", "manager", "staff"])
def test_no_bare_status_change_to_delivered_or_paid(world, role):
    """Whoever asks, a sent order moves to "delivered" only by recording a delivery (with its serial numbers)."""
    order = sent_order(world)
    user = getattr(world, role)
    for status in (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED):
        with pytest.raises(ValidationError, match="livraison"):
            orders.order_transition(order=order, to_status=status, acting_user=user)
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT
    assert not OrderTransition.objects.filter(order=order, to_status=OrderStatus.DELIVERED).exists()


def test_api_refuses_a_bare_delivered_status(world):
    """The API refuses (no status change is open on a sent order: 403) and leaves the order as it was."""
    order = sent_order(world)
    api = APIClient()
    login_as(api, world.agent)
    response = api.post(f"/api/v1/orders/{order.pk}/transition/", {"to_status": "delivered"}, format="json")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT

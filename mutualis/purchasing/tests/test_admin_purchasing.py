"""The Django admin shows purchasing read-only: every change goes through the services."""

import datetime

import pytest
from django.test import Client

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.members.testing import rows
from mutualis.purchasing.models import Order, Supplier
from mutualis.purchasing.tests.builders import deliver_all, sent_order

pytestmark = pytest.mark.django_db

MODELS = [
    "supplier",
    "frameworkagreement",
    "lot",
    "catalogueitem",
    "memberpurchasingsettings",
    "order",
    "consolidatedorder",
    "delivery",
    "invoice",
    "lotalert",
]


def test_admin_browses_purchasing_without_add_change_or_delete(world):
    """A superuser lists every purchasing model and opens an order; adding, editing and deleting are
    refused and change nothing."""
    order = sent_order(world)
    deliver_all(order, world.agent, on=datetime.date.today())
    client = Client()
    login_as(client, StaffFactory(is_superuser=True))
    for model in MODELS:
        assert client.get(f"/admin/purchasing/{model}/").status_code == 200, model
    assert client.get(f"/admin/purchasing/order/{order.pk}/change/").status_code == 200
    assert client.get(f"/admin/purchasing/supplier/{order.supplier_id}/change/").status_code == 200
    assert client.get("/admin/purchasing/order/add/").status_code == 403
    before = rows(Order.objects.all()) + rows(Supplier.objects.all())
    assert client.post(f"/admin/purchasing/order/{order.pk}/change/", {"note": "Autre"}).status_code == 403
    assert client.post(f"/admin/purchasing/supplier/{order.supplier_id}/delete/", {"post": "yes"}).status_code == 403
    assert rows(Order.objects.all()) + rows(Supplier.objects.all()) == before

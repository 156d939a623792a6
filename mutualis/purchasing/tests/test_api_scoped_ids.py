"""The purchasing API answers another member's id (or an object the caller may not see) exactly as an id that does
not exist: the same 400 message, and nothing written — a client cannot probe for other members' rows."""

import datetime
import json
import re

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.members.testing import rows
from mutualis.purchasing.models import Delivery, Invoice, Order, OrderLine
from mutualis.purchasing.tests.builders import sent_order
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory, SupplierFactory, order_for

pytestmark = pytest.mark.django_db

MISSING = 987654321  # no row has this id


def state():
    return (
        rows(Order.objects.all())
        + rows(OrderLine.objects.all())
        + rows(Delivery.objects.all())
        + rows(Invoice.objects.all())
    )


def post(user, url, data):
    client = Client()
    login_as(client, user)
    return client.post(url, json.dumps(data), content_type="application/json")


def error_at(response, path, pk):
    """The error message at `path` in the 400 body, the id it names replaced by <id>."""
    assert response.status_code == 400, response.content
    error = response.json()
    for key in path:
        error = error[key]
    return re.sub(rf"(?<!\d){pk}(?!\d)", "<id>", " ".join(error))


def _delivery(order, line_pk):
    return {
        "order": order,
        "delivered_on": datetime.date.today().isoformat(),
        "lines": [{"order_line": line_pk, "quantity": 1, "serial_numbers": ["SN-SCOPE-1"]}],
    }


def _invoice(order):
    today = datetime.date.today().isoformat()
    return {
        "order": order,
        "number": "F-SCOPE-1",
        "invoice_date": today,
        "received_on": today,
        "amount_ht": "300.00",
        "amount_vat": "60.00",
        "amount_ttc": "360.00",
    }


def cases(world):
    """(who asks, URL, payload for an id, where the error is, an id of what they may not see) per related field."""
    own = sent_order(world)
    theirs = sent_order(world, member=world.member_b)
    item = CatalogueItemFactory()
    draft = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a)
    closed_lot = LotFactory(agreement__status="draft")  # not open to members
    restricted = CatalogueItemFactory(lot=LotFactory(agreement__allowed_member_kinds=["departement"]))
    own_line = own.lines.get().pk
    return {
        "delivery line": (
            "agent",
            "/api/v1/deliveries/",
            lambda pk: _delivery(own.pk, pk),
            ("lines", "0", "order_line"),
            theirs.lines.get().pk,
        ),
        "delivery order": (
            "agent",
            "/api/v1/deliveries/",
            lambda pk: _delivery(pk, own_line),
            ("order",),
            theirs.pk,
        ),
        "invoice order": ("manager", "/api/v1/invoices/", _invoice, ("order",), theirs.pk),
        "order member": (
            "agent",
            "/api/v1/orders/",
            lambda pk: {"member": pk, "lot": item.lot_id},
            ("member",),
            world.member_b.pk,
        ),
        "order site": (
            "agent",
            "/api/v1/orders/",
            lambda pk: {"member": world.member_a.pk, "lot": item.lot_id, "site": pk},
            ("site",),
            world.site_b.pk,
        ),
        "order lot": (
            "agent",
            "/api/v1/orders/",
            lambda pk: {"member": world.member_a.pk, "lot": pk},
            ("lot",),
            closed_lot.pk,
        ),
        "order supplier": (
            "agent",
            "/api/v1/orders/",
            lambda pk: {"member": world.member_a.pk, "lot": item.lot_id, "supplier": pk},
            ("supplier",),
            SupplierFactory().pk,  # holds no lot the agent may see
        ),
        "order line item": (
            "agent",
            f"/api/v1/orders/{draft.pk}/lines/",
            lambda pk: {"item": pk, "quantity": 1},
            ("item",),
            restricted.pk,
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "delivery line",
        "delivery order",
        "invoice order",
        "order member",
        "order site",
        "order lot",
        "order supplier",
        "order line item",
    ],
)
def test_an_unseen_id_reads_as_a_missing_one(world, case):
    """Another member's order, order line, member or site, a lot, supplier or item the caller may not see: the same
    400 message as for an id that does not exist, and nothing written."""
    who, url, payload, path, unseen = cases(world)[case]
    user = getattr(world, who)
    before = state()
    missing = error_at(post(user, url, payload(MISSING)), path, MISSING)
    hidden = error_at(post(user, url, payload(unseen)), path, unseen)
    assert hidden == missing
    assert "non valide" in missing
    assert state() == before

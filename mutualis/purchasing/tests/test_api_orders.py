"""Orders API: scoped reads, drafts, lines and transitions through the services, 400 with field errors, 404 for
another member's order, and the role matrix on every route."""

from decimal import Decimal

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, Lot, Order, OrderLine
from mutualis.purchasing.services import consolidation as consolidation_services
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, MemberPurchasingSettingsFactory, order_for

pytestmark = pytest.mark.django_db
ALL_200 = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


def state():
    return rows(Order.objects.all()) + rows(OrderLine.objects.all()) + rows(Lot.objects.all())


def api(user):
    client = Client()
    login_as(client, user)
    return client


@pytest.fixture
def item(world):
    return CatalogueItemFactory()


def test_order_list_is_scoped(world, item):
    """A member's users list their member's orders only; staff list every order."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    assert_role_matrix(world, method="get", url="/api/v1/orders/", expected=ALL_200, api=True)
    numbers = [o["number"] for o in api(world.other_member).get("/api/v1/orders/").json()["results"]]
    assert numbers == []
    numbers = [o["number"] for o in api(world.reader).get("/api/v1/orders/").json()["results"]]
    assert numbers == [order.number]


def test_another_members_order_answers_404(world, item):
    """Another member's order is reported missing, never forbidden."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    assert_role_matrix(
        world, method="get", url=f"/api/v1/orders/{order.pk}/", expected={**ALL_200, "other_member": 404}, api=True
    )


def test_draft_creation_by_agents_and_managers(world, item):
    """Agents and managers open drafts for their member; others are refused and nothing is created."""
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/orders/",
        data={"member": world.member_a.pk, "lot": item.lot_id, "site": world.site_a.pk},
        expected={"other_member": 400, "reader": 403, "agent": 201, "manager": 201, "staff": 403},
        state=state,
        api=True,
    )


def test_draft_creation_errors_are_field_errors(world, item):
    """A missing EJ number the member requires is a 400 field error and no order is left behind."""
    MemberPurchasingSettingsFactory(member=world.member_a, requires_ej=True)
    response = api(world.agent).post(
        "/api/v1/orders/",
        {"member": world.member_a.pk, "lot": item.lot_id, "site": world.site_a.pk, "ej_number": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ej_number" in response.json()
    assert not Order.objects.exists()


def test_lines_are_added_by_agents_and_managers(world, item):
    """Agents and managers add lines to a draft; the line keeps today's price; refusals change nothing."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/orders/{order.pk}/lines/",
        data={"item": item.pk, "quantity": 2},
        expected={"other_member": 404, "reader": 403, "agent": 201, "manager": 201, "staff": 403},
        state=state,
        api=True,
    )
    order.refresh_from_db()
    assert order.lines.get().quantity == 5 and order.total_ht == Decimal("1500.00")


def test_bad_quantity_is_a_field_error(world, item):
    """A quantity of zero answers 400 on the quantity field; nothing changes."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    before = state()
    response = api(world.agent).post(
        f"/api/v1/orders/{order.pk}/lines/", {"item": item.pk, "quantity": 0}, content_type="application/json"
    )
    assert response.status_code == 400 and "quantity" in response.json()
    assert state() == before


def test_transition_matrix_for_validation(world, item):
    """Only purchasing staff validate through the API; the member's users are refused and nothing changes."""

    def url(role):
        order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
        return f"/api/v1/orders/{order.pk}/transition/"

    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"to_status": "validated"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 200},
        state=state,
        api=True,
    )


def test_transition_errors_are_400(world, item):
    """An unknown status, a missing reason or the lot maximum (CCP R2162-4) answer 400; nothing changes."""
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
    client = api(world.staff)
    url = f"/api/v1/orders/{order.pk}/transition/"
    before = state()
    assert client.post(url, {"to_status": "nope"}, content_type="application/json").status_code == 400
    response = client.post(url, {"to_status": "rejected"}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    Lot.objects.filter(pk=item.lot_id).update(max_amount_ht=Decimal("100"))
    before = state()
    response = client.post(url, {"to_status": "validated"}, content_type="application/json")
    assert response.status_code == 400 and "R2162-4" in str(response.json())
    assert state() == before
    response = client.post(url, {"to_status": "rejected", "reason": "Hors marché"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == OrderStatus.REJECTED


def test_consolidated_orders_are_for_staff(world, item):
    """Consolidated purchase orders are read by operator staff only."""
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
    services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    consolidation = consolidation_services.consolidated_order_create(
        lot=item.lot, supplier=order.supplier, acting_user=world.staff
    )
    members_403 = {"other_member": 403, "reader": 403, "agent": 403, "manager": 403, "staff": 200}
    assert_role_matrix(world, method="get", url="/api/v1/consolidated-orders/", expected=members_403, api=True)
    assert_role_matrix(
        world, method="get", url=f"/api/v1/consolidated-orders/{consolidation.pk}/", expected=members_403, api=True
    )
    data = api(world.staff).get(f"/api/v1/consolidated-orders/{consolidation.pk}/").json()
    assert data["orders"] == [order.number]
    assert ConsolidatedOrder.objects.count() == 1


def test_schema_lists_the_order_endpoints(world):
    """The OpenAPI schema documents the orders endpoints."""
    schema = api(world.staff).get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/orders/",
        "/api/v1/orders/{id}/lines/",
        "/api/v1/orders/{id}/transition/",
        "/api/v1/consolidated-orders/",
    ):
        assert path in schema["paths"]

"""Delivery and service-fait pages and the deliveries API: role matrices, French errors, nothing written on refusal."""

import datetime

import pytest

from mutualis.assets.models import Asset
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Delivery, Order
from mutualis.purchasing.tests.builders import deliver_all, sent_order

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_delivery_list_matrix(world):
    """Every user of member A and staff see the order's deliveries; another member gets 404."""
    order = sent_order(world)
    assert_role_matrix(
        world,
        method="get",
        url=f"/achats/commandes/{order.pk}/livraisons/",
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def test_delivery_create_matrix(world):
    """Agents, managers and purchasing staff record deliveries; readers 403; another member 404."""
    order = sent_order(world, tablets=3)
    line = order.lines.get()

    def data(role):
        return {
            "delivered_on": TODAY.isoformat(),
            f"line_{line.pk}_quantity": 1,
            f"line_{line.pk}_serials": f"SN-{role}",
        }

    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/commandes/{order.pk}/livraisons/nouvelle/",
        data=data,
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
        state=lambda: (rows(Delivery.objects.all()), rows(Asset.objects.all())),
    )
    assert set(Asset.objects.values_list("serial_number", flat=True)) == {"SN-agent", "SN-manager", "SN-staff"}
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_delivery_form_shows_french_error_and_writes_nothing(world, client):
    """Two serial numbers for three units: 400, the error under the line, no delivery and no asset."""
    order = sent_order(world, tablets=3)
    line = order.lines.get()
    login_as(client, world.agent)
    page = client.get(f"/achats/commandes/{order.pk}/livraisons/nouvelle/")
    assert page.status_code == 200 and "Numéros de série" in page.content.decode()
    response = client.post(
        f"/achats/commandes/{order.pk}/livraisons/nouvelle/",
        {"delivered_on": TODAY.isoformat(), f"line_{line.pk}_quantity": 3, f"line_{line.pk}_serials": "A\nB"},
    )
    assert response.status_code == 400
    assert "exactement un numéro de série par unité" in response.content.decode()
    assert Delivery.objects.count() == 0 and Asset.objects.count() == 0


def test_service_certify_matrix_and_post(world, client):
    """Only the member's agents and managers certify service fait (page 200; others 403 / 404)."""
    order = sent_order(world, tablets=1)
    deliver_all(order, world.agent, on=TODAY)
    url = f"/achats/commandes/{order.pk}/service-fait/"
    assert_role_matrix(
        world,
        method="get",
        url=url,
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 403},
    )
    login_as(client, world.manager)
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    assert client.post(url, {"execution_date": future}).status_code == 400
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert client.post(url, {"execution_date": TODAY.isoformat()}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.execution_date) == (OrderStatus.SERVICE_CERTIFIED, TODAY)


def test_deliveries_api_matrix(world):
    """GET /api/v1/deliveries/{id}/ scoped; POST by agents, managers, purchasing staff with serials."""
    order = sent_order(world, tablets=3)
    line = order.lines.get()
    deliver = lambda role: {  # noqa: E731
        "order": order.pk,
        "delivered_on": TODAY.isoformat(),
        "lines": [{"order_line": line.pk, "quantity": 1, "serial_numbers": [f"API-{role}"]}],
    }
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/deliveries/",
        data=deliver,
        api=True,
        expected={"other_member": 400, "reader": 403, "agent": 201, "manager": 201, "staff": 201},
        state=lambda: rows(Delivery.objects.all()),
    )
    delivery = Delivery.objects.first()
    assert_role_matrix(
        world,
        method="get",
        url=f"/api/v1/deliveries/{delivery.pk}/",
        api=True,
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )
    assert_role_matrix(
        world,
        method="get",
        url="/api/v1/deliveries/",
        api=True,
        expected={"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def test_deliveries_api_bad_serials_400(world, client):
    """The API answers 400 with the line's French error; nothing written."""
    order = sent_order(world, tablets=2)
    line = order.lines.get()
    login_as(client, world.agent)
    response = client.post(
        "/api/v1/deliveries/",
        {
            "order": order.pk,
            "delivered_on": TODAY.isoformat(),
            "lines": [{"order_line": line.pk, "quantity": 2, "serial_numbers": ["X", "X"]}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "en double" in str(response.json()[f"line_{line.pk}"])
    assert Delivery.objects.count() == 0


def test_delivery_form_and_service_post_matrices(world):
    """GET the delivery form; POST service fait: agents/managers only (the second one finds it already certified)."""
    order = sent_order(world, tablets=1)
    assert_role_matrix(
        world,
        method="get",
        url=f"/achats/commandes/{order.pk}/livraisons/nouvelle/",
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
    )
    deliver_all(order, world.agent, on=TODAY)
    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/commandes/{order.pk}/service-fait/",
        data={"execution_date": TODAY.isoformat()},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 403, "staff": 403},
        state=lambda: rows(Order.objects.filter(pk=order.pk)),
    )

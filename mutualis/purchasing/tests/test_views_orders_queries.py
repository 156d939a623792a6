"""The order lists cost the same number of queries whatever their length: what each row's abilities need (the
viewer's role, the member's approval threshold) comes annotated on the list's own query."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutualis.core.testing import login_as
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    MemberPurchasingSettingsFactory,
    order_with_lines,
)

pytestmark = pytest.mark.django_db


def add_orders(world, item, count):
    """`count` orders of member A awaiting the operator: submitted (half of them above the member's approval
    threshold) and approved ones."""
    for n in range(count):
        quantity = 1 if n % 2 else 4  # 300 € or 1 200 € HT, around the 1 000 € threshold
        status = OrderStatus.APPROVED if n % 3 == 0 else OrderStatus.SUBMITTED
        order_with_lines(member=world.member_a, lines=[(item, quantity, "300", "400")], status=status)


def queries(user, url):
    client = Client()
    login_as(client, user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "url_name"),
    [("staff", "purchasing:backoffice_order_list"), ("agent", "purchasing:order_list")],
    ids=["validation_queue", "member_order_list"],
)
def test_order_lists_query_count_does_not_grow_with_rows(world, who, url_name):
    """The validation queue (with each row's « Valider » and « Refuser » from its abilities) and a member's order
    list run as many queries for 30 orders as for 3."""
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("1000"))
    item = CatalogueItemFactory()
    user, url = getattr(world, who), reverse(url_name)
    add_orders(world, item, 3)
    few = queries(user, url)
    add_orders(world, item, 27)
    many = queries(user, url)
    assert many == few

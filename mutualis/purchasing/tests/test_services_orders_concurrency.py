"""CCP R2162-4 under concurrency: two validations that together pass a lot's maximum cannot both succeed.

Runs on PostgreSQL only (CI's second unit run, `.ci/run`): there, two transactions read the lot at the same time,
and only the row lock (`select_for_update` in `services.orders._consume`) makes the second wait for the first.
On SQLite the database's single write lock serialises the two validations anyway, so the test passed with the
row lock removed and proved nothing. Verified: with the lock removed this test fails on PostgreSQL.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualis.members.testing import build_world
from mutualis.purchasing import rules
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Lot, Order
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory, order_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction, so it cannot show a missing row lock: PostgreSQL only",
    ),
]


def test_two_concurrent_validations_cannot_both_pass_the_maximum(monkeypatch):
    """CCP R2162-4: the lot's row lock serialises validations, so exactly one of two orders that together exceed
    the maximum is validated and consumption stays within it."""
    world = build_world()
    item = CatalogueItemFactory(lot=LotFactory(max_amount_ht=Decimal("1000.00"), min_amount_ht=None))
    orders = [
        order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, quantity=2, submit=True)
        for _ in range(2)
    ]  # 600 € HT each: one fits under 1 000 €, not both
    start = threading.Barrier(2)
    at_the_check = threading.Barrier(2)
    check = rules.assert_within_framework_maximum

    def check_together(**amounts: Decimal) -> None:
        # Both validations meet at the maximum check when nothing stops them (no row lock: both read the same
        # consumption); with the lock the second is still waiting for it, so the first goes on alone after 2 s.
        with contextlib.suppress(threading.BrokenBarrierError):
            at_the_check.wait(timeout=2)
        check(**amounts)

    monkeypatch.setattr(rules, "assert_within_framework_maximum", check_together)
    outcomes: list[str] = []

    def validate(order: Order) -> None:
        start.wait()
        try:
            services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
            outcomes.append("validated")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=validate, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "validated"]
    lot = Lot.objects.get(pk=item.lot_id)
    assert lot.consumed_amount_ht == Decimal("600.00") <= lot.max_amount_ht
    assert Order.objects.filter(status=OrderStatus.VALIDATED).count() == 1

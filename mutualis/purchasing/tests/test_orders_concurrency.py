"""CCP R2162-4 under concurrency: two validations that together pass a lot's maximum cannot both succeed."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from mutualis.members.testing import build_world
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import Lot, Order
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory, order_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_validations_cannot_both_pass_the_maximum():
    """CCP R2162-4: the lot's row lock serialises validations, so exactly one of two orders that together exceed
    the maximum is validated and consumption stays within it."""
    world = build_world()
    item = CatalogueItemFactory(lot=LotFactory(max_amount_ht=Decimal("1000.00"), min_amount_ht=None))
    orders = [
        order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, quantity=2, submit=True)
        for _ in range(2)
    ]  # 600 € HT each: one fits under 1 000 €, not both
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def validate(order: Order) -> None:
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
                    outcomes.append("validated")
                    return
                except ValidationError:
                    outcomes.append("refused")
                    return
                except OperationalError as exc:
                    # SQLite's in-memory test database shares one cache between connections, which reports a
                    # held write lock at once ("table is locked") instead of waiting the busy timeout as a file
                    # database or PostgreSQL would: the client simply tries again, as a web request would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("gave up")
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

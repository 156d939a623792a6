"""Test builders: a sent order of member A (world) with serialized and non-serialized lines, delivered (its serial
numbers becoming assets) and certified."""

import datetime
from decimal import Decimal
from typing import Any

from mutualis.purchasing.choices import ItemCategory, OrderStatus
from mutualis.purchasing.models import Order, OrderLine
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory, SupplierFactory

_counter = {"n": 0}


def sent_order(world: Any, *, member: Any = None, site: Any = None, tablets: int = 3, cables: int = 0) -> Order:
    """An order sent to its supplier: `tablets` serialized tablets (300 € HT, 24-month warranty) and optionally
    `cables` non-serialized items (10 € HT)."""
    _counter["n"] += 1
    member = member or world.member_a
    site = site or (world.site_a if member == world.member_a else world.site_b)
    supplier = SupplierFactory()
    lot = LotFactory(holder=supplier)
    order = Order.objects.create(
        number=f"BC-TEST-{_counter['n']:05d}",
        member=member,
        lot=lot,
        supplier=supplier,
        site=site,
        status=OrderStatus.SENT,
        ej_number="EJ-2026-0042",
        service_code="SERV-DSI",
    )
    total_ht = Decimal("0")
    if tablets:
        item = CatalogueItemFactory(lot=lot, warranty_months=24, serialized=True, category=ItemCategory.TABLET)
        OrderLine.objects.create(
            order=order,
            item=item,
            quantity=tablets,
            unit_price_ht=Decimal("300"),
            vat_rate=Decimal("20"),
            list_price_ht=Decimal("400"),
        )
        total_ht += 300 * tablets
    if cables:
        item = CatalogueItemFactory(lot=lot, serialized=False, label="Câble HDMI", category=ItemCategory.OTHER)
        OrderLine.objects.create(
            order=order, item=item, quantity=cables, unit_price_ht=Decimal("10"), vat_rate=Decimal("20")
        )
        total_ht += 10 * cables
    order.total_ht = total_ht
    order.total_vat = (total_ht * Decimal("0.2")).quantize(Decimal("0.01"))
    order.total_ttc = order.total_ht + order.total_vat
    order.save()
    return order


def deliver_all(order: Order, user: Any, *, on: datetime.date, prefix: str = "SN") -> None:
    """Deliver every remaining unit of the order (serials PREFIX-<line>-<n>)."""
    from mutualis.purchasing.services.deliveries import delivery_record

    lines = []
    for line in order.lines.select_related("item"):
        remaining = line.quantity - line.delivered_quantity
        serials = [f"{prefix}-{line.pk}-{i}" for i in range(remaining)] if line.item.serialized else []
        lines.append({"order_line": line, "quantity": remaining, "serial_numbers": serials})
    delivery_record(order=order, delivered_on=on, lines=lines, acting_user=user)


def certified_order(world: Any, *, delivered_on: datetime.date, executed_on: datetime.date, **kwargs: Any) -> Order:
    """A sent order, fully delivered and with service fait certified by member A's agent."""
    from mutualis.purchasing.services.deliveries import service_certify

    order = sent_order(world, **kwargs)
    deliver_all(order, world.agent, on=delivered_on)
    return service_certify(order=order, execution_date=executed_on, acting_user=world.agent)

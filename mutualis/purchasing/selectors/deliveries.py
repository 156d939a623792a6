"""Reads of deliveries, scoped by the user through the orders they may see."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.validation import parse_id
from mutualis.purchasing.models import Delivery, DeliveryLine, Order


def delivery_list(*, user: Viewer, order: Order | None = None) -> QuerySet[Delivery]:
    """Deliveries of the orders the user may see (of one order if given), oldest first, with their lines."""
    qs = (
        Delivery.objects.visible_to(user)
        .select_related("order", "order__member", "received_by")
        .prefetch_related(
            Prefetch("lines", queryset=DeliveryLine.objects.select_related("order_line", "order_line__item"))
        )
    )
    if order is not None:
        qs = qs.filter(order=order)
    return qs.order_by("delivered_on", "pk")


def delivery_get(*, user: Viewer, pk: Any) -> Delivery:
    """One delivery the user may see, or Http404."""
    delivery = delivery_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if delivery is None:
        raise Http404
    return delivery

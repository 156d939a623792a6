"""Prices of catalogue items over time: the award price, then each amendment's from its effective date."""

import datetime
from decimal import Decimal

from mutualis.purchasing.models import CatalogueItem, ItemPrice


def item_price_on(item: CatalogueItem, day: datetime.date) -> Decimal | None:
    """The unit price HT in force on `day` (the latest price effective on or before it), or None if none yet."""
    price = ItemPrice.objects.filter(item=item, effective_from__lte=day).order_by("-effective_from").first()
    return price.unit_price_ht if price else None

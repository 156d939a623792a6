"""Reads of the equipment fleet, scoped by the user: staff see every asset, a member's users their members' assets.

Other apps (supervision, charging, education loans) look assets up through these functions.
Another member's asset is reported as missing (Http404).
"""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.assets.models import Asset, AssetEvent
from mutualis.core.validation import parse_id

# Values of the "warranty" filter: "expired", or a number of days within which the warranty ends.
WARRANTY_WINDOWS = ("30", "90", "180")


def asset_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Asset]:
    """Assets the user may see, optionally filtered.

    filters: q (serial number, label, item reference or label), member, site, status, category, warranty
    ("expired" or a number of days: warranty ending within that many days).
    """
    qs = Asset.objects.visible_to(user).select_related("member", "site", "item")
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(serial_number__icontains=q)
            | Q(label__icontains=q)
            | Q(item__label__icontains=q)
            | Q(item__reference__icontains=q)
        )
    for key, field in (("member", "member_id"), ("site", "site_id")):
        if value := parse_id(filters.get(key)):
            qs = qs.filter(**{field: value})
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("category"):
        qs = qs.filter(item__category=filters["category"])
    warranty = str(filters.get("warranty") or "")
    today = timezone.localdate()
    if warranty == "expired":
        qs = qs.filter(warranty_end__lt=today)
    elif warranty in WARRANTY_WINDOWS:
        qs = qs.filter(warranty_end__gte=today, warranty_end__lte=today + datetime.timedelta(days=int(warranty)))
    return qs.order_by("member__name", "item__label", "serial_number", "pk")


def asset_get(*, user: Viewer, pk: Any) -> Asset:
    """One asset the user may see, or Http404."""
    asset = asset_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if asset is None:
        raise Http404
    return asset


def asset_find(*, user: Viewer, item: Any, serial_number: str) -> Asset | None:
    """The asset of that item and serial number if the user may see it (for supervision / charging links)."""
    return asset_list(user=user).filter(item=item, serial_number=serial_number).first()


def asset_event_list(*, asset: Asset) -> QuerySet[AssetEvent]:
    """An asset's history, oldest first (the asset was obtained through asset_get, so already scoped)."""
    return AssetEvent.objects.filter(asset=asset).select_related("acting_user", "site")

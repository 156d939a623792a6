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
from mutualis.core.collation import french
from mutualis.core.validation import parse_id

# Values of the "warranty" filter: "expired", or a number of days within which the warranty ends.
WARRANTY_WINDOWS = ("30", "90", "180")


def asset_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Asset]:
    """Assets the user may see, optionally filtered.

    filters: q (serial number, designation, manufacturer or reference), member, site, status, kind, warranty
    ("expired" or a number of days: warranty ending within that many days).
    """
    qs = Asset.objects.visible_to(user).select_related("member", "site")
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(serial_number__icontains=q)
            | Q(designation__icontains=q)
            | Q(manufacturer__icontains=q)
            | Q(reference__icontains=q)
        )
    for key, field in (("member", "member_id"), ("site", "site_id")):
        if value := parse_id(filters.get(key)):
            qs = qs.filter(**{field: value})
    for key in ("status", "kind"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    warranty = str(filters.get("warranty") or "")
    today = timezone.localdate()
    if warranty == "expired":
        qs = qs.filter(warranty_end__lt=today)
    elif warranty in WARRANTY_WINDOWS:
        qs = qs.filter(warranty_end__gte=today, warranty_end__lte=today + datetime.timedelta(days=int(warranty)))
    return qs.order_by(french("member__name"), french("designation"), "serial_number", "pk")


def asset_get(*, user: Viewer, pk: Any) -> Asset:
    """One asset the user may see, or Http404."""
    asset = asset_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if asset is None:
        raise Http404
    return asset


def asset_find(*, user: Viewer, serial_number: str, reference: str = "", manufacturer: str = "") -> Asset | None:
    """The asset of that model and serial number if the user may see it (for supervision / charging links)."""
    return (
        asset_list(user=user)
        .filter(serial_number=serial_number.strip(), reference=reference.strip(), manufacturer=manufacturer.strip())
        .first()
    )


def serial_numbers_in_fleet(*, serial_numbers: list[str], reference: str, manufacturer: str = "") -> list[str]:
    """Which of these serial numbers of that model the fleet already holds, sorted.

    Not scoped by user on purpose: a serial number is unique across every member's fleet (the model's constraint),
    so whoever records a delivery must learn that it is taken before the delivery is written.
    """
    taken = Asset.objects.filter(
        manufacturer=manufacturer.strip(), reference=reference.strip(), serial_number__in=serial_numbers
    )
    return sorted(taken.values_list("serial_number", flat=True))


def asset_event_list(*, asset: Asset) -> QuerySet[AssetEvent]:
    """An asset's history, oldest first (the asset was obtained through asset_get, so already scoped)."""
    return AssetEvent.objects.filter(asset=asset).select_related("acting_user", "site")

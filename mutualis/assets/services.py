"""Writes on the equipment fleet: assets created from deliveries, status changes, moves between sites.

Other apps (supervision, charging, education loans) change assets only through these functions.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.choices import ASSET_TRANSITIONS, AssetStatus
from mutualis.assets.models import Asset, AssetEvent
from mutualis.core.dates import add_months
from mutualis.core.services import audit_record, snapshot
from mutualis.members.models import Member, Site


class AssetEventKind:
    """The kinds of AssetEvent rows (free text in the model, fixed here)."""

    DELIVERED = "delivered"
    STATUS = "status"
    MOVED = "moved"


def asset_create(
    *,
    member: Member,
    site: Site | None,
    kind: str,
    designation: str,
    serial_number: str,
    delivered_on: datetime.date,
    acting_user: User | None,
    manufacturer: str = "",
    reference: str = "",
    purchase_price_ht: Decimal | None = None,
    warranty_months: int | None = None,
) -> Asset:
    """Record one piece of equipment received by a member, in stock at its site, with what it is (a snapshot the
    fleet keeps whatever becomes of the purchase), warranty from the delivery date, and its « delivered » event."""
    asset = Asset(
        member=member,
        site=site,
        kind=kind,
        designation=designation.strip(),
        manufacturer=manufacturer.strip(),
        reference=reference.strip(),
        serial_number=serial_number.strip(),
        purchase_price_ht=purchase_price_ht,
        delivered_on=delivered_on,
        warranty_end=add_months(delivered_on, warranty_months) if warranty_months is not None else None,
        status=AssetStatus.IN_STOCK,
    )
    asset.full_clean()
    with transaction.atomic():
        asset.save()
        AssetEvent.objects.create(
            asset=asset, acting_user=acting_user, kind=AssetEventKind.DELIVERED, to_status=asset.status, site=site
        )
    return asset


def asset_transition(*, asset: Asset, to_status: str, acting_user: User, note: str = "") -> Asset:
    """Move an asset to another status allowed by ASSET_TRANSITIONS, with an event and an audit entry."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if to_status not in ASSET_TRANSITIONS.get(asset.status, set()):
            raise ValidationError(
                {
                    "to_status": _("Un équipement « %(from)s » ne peut pas passer à « %(to)s ».")
                    % {
                        "from": AssetStatus(asset.status).label,
                        "to": AssetStatus(to_status).label if to_status in AssetStatus.values else to_status,
                    }
                }
            )
        before = snapshot(asset, ["status"])
        from_status = asset.status
        asset.status = to_status
        asset.full_clean()
        asset.save(update_fields=["status", "updated_at"])
        AssetEvent.objects.create(
            asset=asset,
            acting_user=acting_user,
            kind=AssetEventKind.STATUS,
            from_status=from_status,
            to_status=to_status,
            site=asset.site,
            note=note,
        )
        audit_record(
            actor=acting_user,
            action="asset.transition",
            obj=asset,
            member_id=asset.member_id,
            before=before,
            after=snapshot(asset, ["status"]),
            reason=note,
        )
    return asset


def asset_move(*, asset: Asset, site: Site, acting_user: User, note: str = "") -> Asset:
    """Move an asset to another active site of the same member, with an event and an audit entry."""
    if site.member_id != asset.member_id:
        raise ValidationError({"site": _("Le site doit appartenir à l'adhérent propriétaire de l'équipement.")})
    if getattr(site, "is_active", True) is False:
        raise ValidationError({"site": _("Ce site est hors service.")})
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        before = snapshot(asset, ["site"])
        asset.site = site
        asset.full_clean()
        asset.save(update_fields=["site", "updated_at"])
        AssetEvent.objects.create(asset=asset, acting_user=acting_user, kind=AssetEventKind.MOVED, site=site, note=note)
        audit_record(
            actor=acting_user,
            action="asset.move",
            obj=asset,
            member_id=asset.member_id,
            before=before,
            after=snapshot(asset, ["site"]),
            reason=note,
        )
    return asset

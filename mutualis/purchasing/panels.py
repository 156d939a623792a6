"""Purchasing's panels on shared pages (registered in PurchasingConfig.ready): the public commune page and the
asset page."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.accounts.types import Viewer
from mutualis.purchasing.models import DeliveredAsset
from mutualis.purchasing.permissions import get_abilities
from mutualis.purchasing.selectors.dashboards import commune_purchasing_summary


def commune_purchasing_panel(commune: Any, request: Any) -> str:
    """ "Achats mutualisés livrés dans la commune": public aggregates, "" when nothing was delivered there."""
    summary = commune_purchasing_summary(commune=commune)
    if summary is None:
        return ""
    return render_to_string("purchasing/partials/commune_panel.html", {"summary": summary}, request=request)


def delivered_asset_get(*, user: Viewer, asset: Any) -> DeliveredAsset | None:
    """The purchase that brought the asset, if the user may see it (None for an asset bought elsewhere)."""
    return (
        DeliveredAsset.objects.visible_to(user)
        .filter(asset=asset)
        .select_related(
            "delivery_line__delivery",
            "delivery_line__order_line",
            "delivery_line__delivery__order__member",
            "delivery_line__delivery__order__supplier",
            "delivery_line__delivery__order__lot__agreement",
        )
        .first()
    )


def asset_purchase_panel(asset: Any, request: Any) -> str:
    """ "Achat" on the asset page: the order (linked when the viewer may open it), member, supplier, framework
    agreement and lot, delivery date and unit price; "" when the asset did not come through the centrale d'achat."""
    link = delivered_asset_get(user=request.user, asset=asset)
    if link is None:
        return ""
    order = link.delivery_line.delivery.order
    context = {
        "link": link,
        "order": order,
        "delivery": link.delivery_line.delivery,
        "order_line": link.delivery_line.order_line,
        "can_view_order": get_abilities(request.user, order)["view"],
    }
    return render_to_string("purchasing/partials/asset_purchase_panel.html", context, request=request)

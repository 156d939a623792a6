"""Panels supervision adds to other apps' pages (registered in SupervisionConfig.ready): « Mon compte » shows a
member's user the alarms and incidents of their sites; the asset page shows the supervised device it is."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.choices import OPEN_STATUSES
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.selectors.alarms import alarm_scope, incident_list


def account_security_panel(user: Any, request: Any) -> str:
    """ "Sûreté de vos sites": open alarms and incidents of the member's protected sites; "" when it has none."""
    if is_operator_staff(user) or not ProtectedSite.objects.visible_to(user).exists():
        return ""
    context = {
        "open_alarms": alarm_scope(user).filter(status__in=OPEN_STATUSES).count(),
        "incidents": incident_list(user=user).count(),
    }
    return render_to_string("supervision/partials/account_panel.html", context, request=request)


def asset_supervision_panel(asset: Any, request: Any) -> str:
    """ "Supervision" on the asset page: the device it is, its site and state; "" when it is not supervised."""
    devices = list(Device.objects.visible_to(request.user).filter(asset=asset).select_related("protected_site__site"))
    if not devices:
        return ""
    return render_to_string("supervision/partials/asset_panel.html", {"devices": devices}, request=request)

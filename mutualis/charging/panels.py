"""The « Recharge » panels: on an asset's page (the borne in the fleet: its station, points and their live state)
and on the public commune page (its published stations and their availability). Registered in the app's ready()."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.charging.models import ChargePoint, Station
from mutualis.charging.selectors.public import public_station_list
from mutualis.charging.selectors.registry import point_state, station_list
from mutualis.core.permissions import is_operator_staff


def asset_charging_panel(asset: Any, request: Any) -> str:
    """« Recharge »: the station (or charge point) this asset is, with each point's live state; "" otherwise."""
    user = getattr(request, "user", None)
    station = station_list(user=user).filter(asset=asset).first()
    if station is None:
        cp = ChargePoint.objects.visible_to(user).filter(asset=asset).select_related("station").first()
        station = station_list(user=user).filter(pk=cp.station_id).first() if cp else None
    if station is None:
        return ""
    context = {
        "station": station,
        "states": [point_state(cp) for cp in station.charge_points.all()],
        "staff": is_operator_staff(user),
    }
    return render_to_string("charging/partials/asset_panel.html", context, request=request)


def commune_charging_panel(commune: Any, request: Any) -> str:
    """« Bornes de recharge »: the commune's published stations and their availability; "" when it has none."""
    stations: list[Station] = list(public_station_list().filter(commune=commune))
    if not stations:
        return ""
    rows = [(station, [point_state(cp) for cp in station.charge_points.all()]) for station in stations]
    return render_to_string("charging/partials/commune_panel.html", {"rows": rows}, request=request)

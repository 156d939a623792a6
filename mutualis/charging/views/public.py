"""Pages anyone reads (no login): the map of stations with live availability (/recharge/carte/), its GeoJSON, a
page per station; and a member's own stations and their use (/recharge/espace/)."""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from mutualis.charging.selectors import public, web
from mutualis.charging.selectors import registry as selectors
from mutualis.charging.selectors import sessions as session_selectors
from mutualis.charging.views.backoffice import usage_context
from mutualis.core.permissions import is_operator_staff


def public_map_labels() -> dict[str, Any]:
    """The words of the public map's script (markers, popups, zoom buttons), in French."""
    return {
        "available": _("Disponible"),
        "occupied": _("Occupé"),
        "reserved": _("Réservé"),
        "out_of_order": _("Hors service"),
        "unknown": _("État inconnu"),
        "free": _("point(s) libre(s)"),
        "details": _("Voir la station"),
        "zoom_in": _("Zoom avant"),
        "zoom_out": _("Zoom arrière"),
    }


def public_map_view(request: HttpRequest) -> HttpResponse:
    """The public map of every published station, its availability refreshed, and the same list in a table."""
    stations = public.public_station_list()
    rows = [(station, public.public_point_states(station)) for station in stations]
    context = {"rows": rows, "labels": public_map_labels(), "refresh": max(settings.CHARGING_LIVE_REFRESH, 15)}
    return render(request, "charging/public_map.html", context)


@never_cache
def public_map_geojson_view(request: HttpRequest) -> HttpResponse:
    """/recharge/carte/stations.geojson: every published station and its points' live availability (RFC 7946)."""
    body = json.dumps(web.public_map_geojson(), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_station_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A published station: where, when, how to pay, each point's power, sockets and live availability."""
    station = public.public_station_get(pk=pk)
    states = [(state, web.socket_labels(state.charge_point)) for state in public.public_point_states(station)]
    return render(request, "charging/public_station.html", {"station": station, "states": states})


@login_required
def member_stations_view(request: HttpRequest) -> HttpResponse:
    """A member's users see their members' stations, their live state and use over the last twelve months."""
    stations = selectors.station_list(user=request.user)
    if is_operator_staff(request.user):
        return redirect("charging:station_list")
    rows = [
        (
            station,
            web.usage_summary(session_selectors.monthly_energy(user=request.user, station=station)),
            [selectors.point_state(cp) for cp in station.charge_points.all()],
        )
        for station in stations
    ]
    context = usage_context(session_selectors.monthly_energy(user=request.user)) if rows else {}
    context["rows"] = rows
    return render(request, "charging/member_stations.html", context)

"""Reads the charging pages need besides the registry's: the open sessions of a station, a point's open
reservations, the public map's GeoJSON, a year of use summed up."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mutualis.accounts.types import Viewer
from mutualis.charging.choices import SessionStatus
from mutualis.charging.models import ChargingSession, Reservation, Station
from mutualis.charging.selectors.public import public_station_list
from mutualis.charging.selectors.registry import point_state


def station_active_sessions(*, user: Viewer, station: Station) -> QuerySet[ChargingSession]:
    """The sessions open now on a station's points, newest first."""
    return (
        ChargingSession.objects.visible_to(user)
        .filter(charge_point__station=station, status=SessionStatus.ACTIVE)
        .select_related("charge_point", "connector")
        .order_by("-started_at", "-id")
    )


def open_reservations(*, user: Viewer, charge_point: Any) -> QuerySet[Reservation]:
    """A point's reservations that may still be cancelled (requested or accepted, not expired)."""
    return Reservation.objects.visible_to(user).filter(
        charge_point=charge_point, status__in=("requested", "accepted"), expires_at__gt=timezone.now()
    )


def public_map_geojson() -> dict[str, Any]:
    """Every published station as a GeoJSON point (RFC 7946, longitude first) with its charge points' live
    availability and a count per availability."""
    features = []
    for station in public_station_list():
        points = []
        counts: dict[str, int] = {}
        for cp in station.charge_points.all():
            state = point_state(cp)
            counts[state.availability] = counts.get(state.availability, 0) + 1
            points.append(
                {
                    "id": cp.id_pdc_itinerance,
                    "power_kw": float(cp.power_kw),
                    "sockets": socket_labels(cp),
                    "availability": state.availability,
                }
            )
        features.append(
            {
                "type": "Feature",
                "id": station.id_station_itinerance,
                "geometry": {"type": "Point", "coordinates": [station.longitude, station.latitude]},
                "properties": {
                    "name": station.name,
                    "address": station.address,
                    "commune": station.commune.name,
                    "url": reverse("charging:public_station", args=[station.pk]),
                    "points": points,
                    "available": counts.get("available", 0),
                    "total": len(points),
                    "availability": _station_availability(counts),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _station_availability(counts: dict[str, int]) -> str:
    # What the marker says: a free point wins, then busy ones, then reserved; otherwise out of order or unknown.
    for availability in ("available", "occupied", "reserved", "out_of_order"):
        if counts.get(availability):
            return availability
    return "unknown"


def socket_labels(cp: Any) -> list[str]:
    """The sockets of a charge point, by their usual French names."""
    labels = [
        ("socket_type_2", "Type 2"),
        ("socket_type_ef", "Type E/F"),
        ("socket_combo_ccs", "Combo CCS"),
        ("socket_chademo", "CHAdeMO"),
        ("socket_other", "Autre"),
    ]
    return [label for flag, label in labels if getattr(cp, flag)]


def usage_summary(months: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals of selectors.sessions.monthly_energy's months: sessions, energy (Wh), mean utilisation (percent)."""
    return {
        "sessions": sum(row["sessions"] for row in months),
        "energy_wh": sum(row["energy_wh"] for row in months),
        "utilisation": round(100 * sum(row["utilisation"] for row in months) / len(months), 1) if months else None,
    }


def usage_chart(months: list[dict[str, Any]], *, energy_label: str, utilisation_label: str) -> dict[str, Any]:
    """The months as charging/monthly_chart.js draws them: energy in kWh (bars), utilisation in percent (line)."""
    return {
        "labels": [date_format(row["month"], "M Y") for row in months],
        "datasets": [
            {"key": "energy", "label": energy_label, "data": [round(row["energy_wh"] / 1000, 1) for row in months]},
            {
                "key": "utilisation",
                "label": utilisation_label,
                "data": [round(100 * row["utilisation"], 1) for row in months],
            },
        ],
    }

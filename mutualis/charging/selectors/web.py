"""Reads the charging pages need besides the registry's: use of stations (sessions, energy, occupation) over a
period, the live block of a station, the public map's GeoJSON."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.charging.choices import SessionStatus
from mutualis.charging.models import ChargingSession, Reservation, Station
from mutualis.charging.selectors.public import public_station_list
from mutualis.charging.selectors.registry import point_state

USAGE_DAYS = 30


@dataclass(frozen=True)
class StationUsage:
    """A station's use over a period: sessions started, energy delivered, share of the time its points charged."""

    station: Station
    sessions: int
    energy_wh: int
    occupation: float | None  # percent of the points' time with a session open; None without points


def station_usage(
    *, user: Viewer, stations: QuerySet[Station] | list[Station], days: int = USAGE_DAYS, now: Any = None
) -> list[StationUsage]:
    """The use of each station (the user's scoping applies) over the last `days` days, in the stations' order."""
    now = now or timezone.now()
    start = now - datetime.timedelta(days=days)
    stations = list(stations)
    sessions = (
        ChargingSession.objects.visible_to(user)
        .filter(charge_point__station__in=stations)
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gt=start), started_at__lt=now)
        .values(
            "charge_point__station_id", "started_at", "stopped_at", "meter_start_wh", "meter_stop_wh", "last_meter_wh"
        )
    )
    counts: dict[int, int] = {}
    energy: dict[int, int] = {}
    busy: dict[int, float] = {}
    for row in sessions:
        station_id = row["charge_point__station_id"]
        if row["started_at"] >= start:
            counts[station_id] = counts.get(station_id, 0) + 1
            end_wh = row["meter_stop_wh"] if row["meter_stop_wh"] is not None else row["last_meter_wh"]
            if end_wh is not None:
                energy[station_id] = energy.get(station_id, 0) + max(0, end_wh - row["meter_start_wh"])
        began, ended = max(row["started_at"], start), min(row["stopped_at"] or now, now)
        busy[station_id] = busy.get(station_id, 0.0) + max(0.0, (ended - began).total_seconds())
    points = dict(
        Station.objects.filter(pk__in=[s.pk for s in stations])
        .annotate(n=Count("charge_points", filter=Q(charge_points__is_active=True)))
        .values_list("pk", "n")
    )
    period = days * 86400
    return [
        StationUsage(
            station=station,
            sessions=counts.get(station.pk, 0),
            energy_wh=energy.get(station.pk, 0),
            occupation=(
                min(100.0, round(100 * busy.get(station.pk, 0.0) / (period * points[station.pk]), 1))
                if points.get(station.pk)
                else None
            ),
        )
        for station in stations
    ]


def usage_total(rows: list[StationUsage]) -> dict[str, Any]:
    """Totals of a list of station uses (occupation: mean of the stations that have points)."""
    occupations = [row.occupation for row in rows if row.occupation is not None]
    return {
        "sessions": sum(row.sessions for row in rows),
        "energy_wh": sum(row.energy_wh for row in rows),
        "occupation": round(sum(occupations) / len(occupations), 1) if occupations else None,
    }


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

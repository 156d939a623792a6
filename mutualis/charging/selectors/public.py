"""What anyone (no login) reads: the published stations, their charge points and live availability — the same
facts the IRVE open data publishes, nothing about who charged."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mutualis.charging.models import Station
from mutualis.charging.selectors.registry import PointState, _points_prefetch, point_state
from mutualis.core.collation import french
from mutualis.core.validation import parse_id


def public_station_list() -> QuerySet[Station]:
    """Every published station (public data, IRVE), by name in French order, with points and connectors."""
    return (
        Station.objects.filter(is_published=True)
        .select_related("commune")
        .defer("commune__contour")
        .prefetch_related(_points_prefetch())
        .order_by(french("name"), "pk")
    )


def public_station_get(*, pk: Any) -> Station:
    """One published station, or Http404."""
    station = public_station_list().filter(pk=pk).first() if parse_id(pk) else None
    if station is None:
        raise Http404
    return station


def public_point_states(station: Station) -> list[PointState]:
    """The live availability of a published station's charge points (from the prefetched rows)."""
    return [point_state(cp) for cp in station.charge_points.all()]

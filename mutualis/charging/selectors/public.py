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


# OCPP status family → IRVE dynamique v2.3 (etat_pdc, occupation_pdc).
_IRVE_STATES = {
    "available": ("en_service", "libre"),
    "occupied": ("en_service", "occupe"),
    "reserved": ("en_service", "reserve"),
    "out_of_order": ("hors_service", "inconnu"),
    "unknown": ("inconnu", "inconnu"),
}
_SOCKETS = (
    ("etat_prise_type_2", "socket_type_2"),
    ("etat_prise_type_combo_ccs", "socket_combo_ccs"),
    ("etat_prise_type_chademo", "socket_chademo"),
    ("etat_prise_type_ef", "socket_type_ef"),
)


def irve_dynamic_row(state: PointState) -> dict[str, Any]:
    """One row of IRVE dynamique for a charge point's live state: Available → en_service/libre; Preparing,
    Charging, SuspendedEV, SuspendedEVSE, Finishing → en_service/occupe; Reserved → en_service/reserve; Faulted,
    Unavailable → hors_service; offline → inconnu; each socket it has: fonctionnel, hors_service or inconnu;
    horodatage: when the state was last known (a datetime)."""
    point = state.charge_point
    etat, occupation = _IRVE_STATES[state.availability]
    socket_state = {"en_service": "fonctionnel", "hors_service": "hors_service"}.get(etat, "inconnu")
    times = [c.status_at for c in point.connectors.all() if c.status_at] + (
        [point.last_seen_at] if point.last_seen_at else []
    )
    row: dict[str, Any] = {
        "id_pdc_itinerance": point.id_pdc_itinerance,
        "etat_pdc": etat,
        "occupation_pdc": occupation,
        "horodatage": max(times) if times else point.updated_at,
    }
    for column, field in _SOCKETS:
        row[column] = socket_state if getattr(point, field) else ""
    return row

"""Reads of the charging registry and its live state, scoped by the viewer (another member's object: Http404)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.charging.choices import OCCUPIED_STATUSES, OUT_OF_ORDER_STATUSES, ConnectorStatus
from mutualis.charging.models import ChargePoint, Connector, IdTag, Station
from mutualis.core.collation import french
from mutualis.core.validation import parse_id


def _get(queryset: QuerySet, pk: Any) -> Any:
    obj = queryset.filter(pk=pk).first() if parse_id(pk) else None
    if obj is None:
        raise Http404
    return obj


def station_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Station]:
    """The stations the user may see (staff: all; a member's users: their members'), by name in French order,
    with their charge points and connectors; filters: q (name, AFIREV id, address), commune (id), member (id)."""
    filters = filters or {}
    queryset = Station.objects.visible_to(user).select_related("commune", "site", "site__member")
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(id_station_itinerance__icontains=q) | Q(address__icontains=q)
        )
    if commune := parse_id(filters.get("commune")):
        queryset = queryset.filter(commune_id=commune)
    if member := parse_id(filters.get("member")):
        queryset = queryset.filter(site__member_id=member)
    return queryset.prefetch_related(_points_prefetch()).defer("commune__contour").order_by(french("name"), "pk")


def _points_prefetch() -> Prefetch:
    return Prefetch(
        "charge_points",
        queryset=ChargePoint.objects.order_by("id_pdc_itinerance").prefetch_related(
            Prefetch("connectors", queryset=Connector.objects.order_by("evse_id", "connector_id"))
        ),
    )


def station_get(*, user: Viewer, pk: Any) -> Station:
    """One station the user may see, with its points and connectors, or Http404."""
    return _get(station_list(user=user), pk)


def charge_point_list(*, user: Viewer, station: Station | None = None) -> QuerySet[ChargePoint]:
    """The charge points the user may see (of one station, when given), with their connectors."""
    queryset = ChargePoint.objects.visible_to(user).select_related("station", "station__commune")
    if station is not None:
        queryset = queryset.filter(station=station)
    return queryset.prefetch_related(
        Prefetch("connectors", queryset=Connector.objects.order_by("evse_id", "connector_id"))
    ).order_by("station__name", "id_pdc_itinerance")


def charge_point_get(*, user: Viewer, pk: Any) -> ChargePoint:
    """One charge point the user may see, or Http404."""
    return _get(charge_point_list(user=user), pk)


def id_tag_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[IdTag]:
    """The badges the user may see (staff: all; a member's users: their members'); filters: q, status, member."""
    filters = filters or {}
    queryset = IdTag.objects.visible_to(user).select_related("member")
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(id_tag__icontains=q) | Q(holder__icontains=q))
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if member := parse_id(filters.get("member")):
        queryset = queryset.filter(member_id=member)
    return queryset.order_by("id_tag")


def id_tag_get(*, user: Viewer, pk: Any) -> IdTag:
    """One badge the user may see, or Http404."""
    return _get(id_tag_list(user=user), pk)


@dataclass(frozen=True)
class PointState:
    """A charge point's live state as shown on maps and lists (and IRVE dynamique): online, status, occupation."""

    charge_point: ChargePoint
    online: bool
    status: str  # the worst/most telling connector status, or Unknown when offline
    availability: str  # "available", "occupied", "reserved", "out_of_order", "unknown"
    last_seen_at: Any


def point_state(charge_point: ChargePoint) -> PointState:
    """The live state of one charge point, from its connectors (prefetched by the list selectors): offline means
    unknown, whatever the last status said."""
    connectors = list(charge_point.connectors.all())
    status = _point_status(connectors)
    if not charge_point.is_online or not charge_point.is_active:
        availability = "unknown" if charge_point.is_active else "out_of_order"
        status = ConnectorStatus.UNKNOWN if charge_point.is_active else ConnectorStatus.UNAVAILABLE
    elif status in OUT_OF_ORDER_STATUSES:
        availability = "out_of_order"
    elif status in OCCUPIED_STATUSES:
        availability = "occupied"
    elif status == ConnectorStatus.RESERVED:
        availability = "reserved"
    elif status == ConnectorStatus.AVAILABLE:
        availability = "available"
    else:
        availability = "unknown"
    return PointState(charge_point, charge_point.is_online, status, availability, charge_point.last_seen_at)


def _point_status(connectors: list[Connector]) -> str:
    # Connector 0 (the whole point) overrides when it says the point is out of order; otherwise the connectors
    # say whether it is in use (any busy), reserved, free.
    whole = next((c.status for c in connectors if c.connector_id == 0), ConnectorStatus.UNKNOWN)
    own = [c.status for c in connectors if c.connector_id != 0]
    if whole in OUT_OF_ORDER_STATUSES:
        return whole
    for family in (OCCUPIED_STATUSES, {ConnectorStatus.RESERVED}, OUT_OF_ORDER_STATUSES, {ConnectorStatus.AVAILABLE}):
        if found := next((s for s in own if s in family), None):
            return found
    return whole if whole != ConnectorStatus.UNKNOWN else (own[0] if own else ConnectorStatus.UNKNOWN)


def station_live_state(*, user: Viewer, station: Station) -> list[PointState]:
    """The live state of each charge point of a station the user may see."""
    return [point_state(cp) for cp in charge_point_list(user=user, station=station)]

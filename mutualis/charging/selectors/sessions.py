"""Reads of charging sessions and meter values, scoped by the viewer."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from mutualis.accounts.types import Viewer
from mutualis.charging.models import ChargingSession, MeterValue
from mutualis.charging.selectors.registry import _get
from mutualis.core.validation import parse_id


def session_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[ChargingSession]:
    """The sessions the user may see, newest first; filters: station, charge_point, commune (ids), status, id_tag,
    started_after / started_before (dates), reconciled (bool)."""
    filters = filters or {}
    queryset = ChargingSession.objects.visible_to(user).select_related(
        "charge_point", "charge_point__station", "charge_point__station__commune", "tag"
    )
    for key, field in (
        ("station", "charge_point__station_id"),
        ("charge_point", "charge_point_id"),
        ("commune", "charge_point__station__commune_id"),
    ):
        if value := parse_id(filters.get(key)):
            queryset = queryset.filter(**{field: value})
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if id_tag := (filters.get("id_tag") or "").strip():
        queryset = queryset.filter(Q(id_tag__iexact=id_tag))
    if after := filters.get("started_after"):
        queryset = queryset.filter(started_at__date__gte=after)
    if before := filters.get("started_before"):
        queryset = queryset.filter(started_at__date__lte=before)
    if filters.get("reconciled") in (True, "true", "1"):
        queryset = queryset.filter(reconciled=True)
    return queryset.defer("charge_point__station__commune__contour").order_by("-started_at", "-id")


def session_get(*, user: Viewer, pk: Any) -> ChargingSession:
    """One session the user may see, or Http404."""
    return _get(session_list(user=user), pk)


def session_meter_values(*, session: ChargingSession, measurand: str = "") -> QuerySet[MeterValue]:
    """A session's meter values in time order (one measurand when given); the session comes from a selector."""
    queryset = MeterValue.objects.filter(session=session)
    if measurand:
        queryset = queryset.filter(measurand=measurand)
    return queryset.order_by("timestamp", "id")

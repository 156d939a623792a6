"""Reads of charging sessions and meter values, scoped by the viewer."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest, TruncMonth
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.charging.choices import SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, MeterValue
from mutualis.charging.selectors.registry import _get
from mutualis.core.dates import add_months
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


def monthly_energy(
    *, user: Viewer, station: Any = None, commune: Any = None, months: int = 12, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Energy and use per month over the last `months` months (oldest first) of the sessions the user may see (of
    one station or commune when given): month (first day), sessions, energy_wh, charging_hours, and utilisation —
    the share of the month the charge points spent in a session."""
    today = today or timezone.localdate()
    first = add_months(today.replace(day=1), -(months - 1))
    queryset = session_list(user=user).filter(status=SessionStatus.COMPLETED, started_at__date__gte=first)
    points = ChargePoint.objects.visible_to(user)
    if station is not None:
        queryset, points = queryset.filter(charge_point__station=station), points.filter(station=station)
    if commune is not None:
        queryset = queryset.filter(charge_point__station__commune=commune)
        points = points.filter(station__commune=commune)
    rows = (
        queryset.annotate(month=TruncMonth("started_at"))
        .values("month")
        .annotate(
            count=Count("pk"),
            energy=Sum(Greatest(F("meter_stop_wh") - F("meter_start_wh"), Value(0))),
            duration=Sum(ExpressionWrapper(F("stopped_at") - F("started_at"), output_field=DurationField())),
        )
        .order_by("month")
    )
    by_month: dict[datetime.date, dict[str, Any]] = {_month(row["month"]): dict(row) for row in rows}
    point_count = points.count()
    result = []
    for index in range(months):
        month = add_months(first, index)
        row: dict[str, Any] = by_month.get(month, {})
        duration = row.get("duration") or datetime.timedelta(0)
        span = (add_months(month, 1) - month).total_seconds() * max(point_count, 1)
        result.append(
            {
                "month": month,
                "sessions": row.get("count", 0),
                "energy_wh": int(row.get("energy") or 0),
                "charging_hours": round(duration.total_seconds() / 3600, 1),
                "utilisation": round(duration.total_seconds() / span, 4) if point_count else 0.0,
            }
        )
    return result


def _month(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)

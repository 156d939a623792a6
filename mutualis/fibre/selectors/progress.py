"""Progress of the deployment, as public aggregates: per commune, per EPCI and département, by quarter.

Definitions (the same on every page, in the API and in the open data):

- **premises** (« locaux ») of an address: its dwellings plus its business premises;
- **to serve**: the plan's premises to serve in the commune (when the plan has none, those counted in the address
  base, abandoned addresses excepted);
- **connectable** on a day: premises of addresses deployed (DE) by then, whose PM zone was commissioned by then —
  from the later of the address's cabling and its PM's commissioning;
- **connected**: premises of addresses where a subscription was reported by then;
- **target** at the end of a quarter: the yearly targets of the past years, plus the current year's target spread
  evenly over its quarters;
- a PM zone is **late** when its planned commissioning date has passed and it is neither commissioned nor
  abandoned.

Each function runs a constant number of aggregate queries, whatever the number of addresses.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, DateField, F, Max, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.collation import french_key
from mutualis.fibre.choices import AddressState, PMZoneState
from mutualis.fibre.models import Address, DeploymentPlan, PMZone, YearlyTarget

PREMISES = F("dwellings") + F("business_premises")
OPEN_PM_STATES = (PMZoneState.PLANNED, PMZoneState.IN_PROGRESS)
# Coverage classes of the map (share of premises connectable), ARCEP-style: lower bound in percent and label.
COVERAGE_CLASSES = (
    (80, "c5", "80 % et plus"),
    (50, "c4", "50 à 80 %"),
    (25, "c3", "25 à 50 %"),
    (0.001, "c2", "Moins de 25 %"),
    (0, "c1", "Aucun local raccordable"),
)


@dataclass
class Progress:
    """The figures of one commune, or of a group of communes added together."""

    planned: int = 0
    counted: int = 0
    connectable: int = 0
    connected: int = 0
    pm_zones: int = 0
    pm_commissioned: int = 0
    pm_late: int = 0
    completion_year: int | None = None
    communes: int = 0

    @property
    def to_serve(self) -> int:
        """Premises to serve: the plan's figure, else those counted in the address base."""
        return self.planned or self.counted

    @property
    def rate(self) -> float | None:
        """Share of the premises to serve that are connectable, in percent (None when there is none to serve)."""
        return round(100 * self.connectable / self.to_serve, 1) if self.to_serve else None

    @property
    def take_up(self) -> float | None:
        """Share of the connectable premises that are connected, in percent."""
        return round(100 * self.connected / self.connectable, 1) if self.connectable else None

    @property
    def coverage_class(self) -> str:
        """The map class of the rate (c1 none … c5 80 % and more)."""
        rate = self.rate or 0
        return next(key for bound, key, _label in COVERAGE_CLASSES if rate >= bound)

    def add(self, other: "Progress") -> None:
        for name in ("planned", "counted", "connectable", "connected", "pm_zones", "pm_commissioned", "pm_late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.communes += other.communes or 1
        years = [y for y in (self.completion_year, other.completion_year) if y]
        self.completion_year = max(years) if years else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "premises_to_serve": self.to_serve,
            "premises_counted": self.counted,
            "connectable": self.connectable,
            "connected": self.connected,
            "connectable_rate": self.rate,
            "take_up_rate": self.take_up,
            "pm_zones": self.pm_zones,
            "pm_zones_commissioned": self.pm_commissioned,
            "pm_zones_late": self.pm_late,
            "completion_year": self.completion_year,
        }


def coverage_legend() -> list[dict[str, str]]:
    """The map's classes, from the highest, with their French labels."""
    return [{"key": key, "label": _(label)} for _bound, key, label in COVERAGE_CLASSES]


def connectable_since() -> Case:
    """The day an address's premises became connectable (None if they are not): the later of its cabling and its
    PM zone's commissioning, for a deployed address."""
    return Case(
        When(
            state=AddressState.DEPLOYED,
            cabled_on__isnull=False,
            pm_zone__commissioned_on__isnull=False,
            then=Case(
                When(cabled_on__gt=F("pm_zone__commissioned_on"), then=F("cabled_on")),
                default=F("pm_zone__commissioned_on"),
                output_field=DateField(),
            ),
        ),
        default=None,
        output_field=DateField(),
    )


def connectable_on(day: datetime.date, prefix: str = "") -> Q:
    """Addresses whose premises are connectable on `day` (see connectable_since)."""
    return Q(
        **{
            f"{prefix}state": AddressState.DEPLOYED,
            f"{prefix}cabled_on__lte": day,
            f"{prefix}pm_zone__commissioned_on__lte": day,
        }
    )


def _ids(communes: Iterable[int] | QuerySet | None) -> Any:
    return communes if communes is None or isinstance(communes, QuerySet) else list(communes)


def commune_progress(
    *, communes: Iterable[int] | QuerySet | None = None, day: datetime.date | None = None
) -> dict[int, Progress]:
    """Figures per commune id on `day` (today by default), for the communes given (ids) or every planned one."""
    day = day or timezone.localdate()
    communes = _ids(communes)
    plans = DeploymentPlan.objects.annotate(completion_year=Max("targets__year"))
    addresses = Address.objects.all()
    zones = PMZone.objects.all()
    if communes is not None:
        plans = plans.filter(commune__in=communes)
        addresses = addresses.filter(commune__in=communes)
        zones = zones.filter(commune__in=communes)
    result: dict[int, Progress] = defaultdict(Progress)
    for plan in plans.values("commune_id", "premises_planned", "completion_year"):
        progress = result[plan["commune_id"]]
        progress.planned, progress.completion_year = plan["premises_planned"], plan["completion_year"]
    rows = (
        addresses.order_by()
        .values("commune_id")
        .annotate(
            counted=Sum(PREMISES, filter=~Q(state=AddressState.ABANDONED)),
            connectable=Sum(PREMISES, filter=connectable_on(day)),
            connected=Sum(PREMISES, filter=Q(connected_on__lte=day)),
        )
    )
    for row in rows:
        progress = result[row["commune_id"]]
        progress.counted, progress.connectable = row["counted"] or 0, row["connectable"] or 0
        progress.connected = row["connected"] or 0
    zone_rows = (
        zones.exclude(state=PMZoneState.ABANDONED)
        .order_by()
        .values("commune_id")
        .annotate(
            total=Count("pk"),
            commissioned=Count("pk", filter=Q(commissioned_on__lte=day)),
            late=Count("pk", filter=Q(state__in=OPEN_PM_STATES, planned_on__lt=day)),
        )
    )
    for zone_row in zone_rows:
        progress = result[zone_row["commune_id"]]
        progress.pm_zones, progress.pm_commissioned = zone_row["total"], zone_row["commissioned"]
        progress.pm_late = zone_row["late"]
    for progress in result.values():
        progress.communes = 1
    return dict(result)


def progress_rows(*, plans: Iterable[DeploymentPlan], day: datetime.date | None = None) -> list[dict[str, Any]]:
    """One row per plan given (commune and its figures), in the plans' order."""
    given = list(plans)
    figures = commune_progress(communes=[plan.commune_id for plan in given], day=day)
    return [
        {"plan": plan, "commune": plan.commune, "progress": figures.get(plan.commune_id, Progress())} for plan in given
    ]


def total(rows: Iterable[dict[str, Any]]) -> Progress:
    """The figures of rows added together."""
    result = Progress()
    for row in rows:
        result.add(row["progress"])
    return result


def grouped(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Rows added up by "departement" or "epci" (communes without an EPCI are left out of the EPCI groups), by
    name in French order."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = getattr(row["commune"], by)
        if key is None:
            continue
        group = groups.setdefault(key.pk, {"place": key, "progress": Progress()})
        group["progress"].add(row["progress"])
    return sorted(groups.values(), key=lambda group: french_key(group["place"].name))


def _quarter_end(year: int, quarter: int) -> datetime.date:
    return (
        datetime.date(year, 12, 31) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(1)
    )


def _by_quarter(queryset: QuerySet, date_expression: Any) -> dict[tuple[int, int], int]:
    rows = (
        queryset.annotate(when=date_expression)
        .exclude(when=None)
        .annotate(year=ExtractYear("when"), quarter=ExtractQuarter("when"))
        .order_by()
        .values("year", "quarter")
        .annotate(premises=Sum(PREMISES))
    )
    return {(row["year"], row["quarter"]): row["premises"] or 0 for row in rows}


def quarterly_series(
    *, communes: Iterable[int] | QuerySet | None = None, day: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Target, connectable and connected premises (cumulated) at the end of each quarter of the plan, for the
    communes given (ids) or every planned one. Quarters run from the plan's first year (or the first premises made
    connectable) to its last target year or the current quarter; figures after `day` are None (not yet known)."""
    day = day or timezone.localdate()
    communes = _ids(communes)
    targets = YearlyTarget.objects.all()
    addresses = Address.objects.all()
    if communes is not None:
        targets, addresses = targets.filter(plan__commune__in=communes), addresses.filter(commune__in=communes)
    per_year = dict(targets.order_by().values_list("year").annotate(total=Sum("premises")))
    connectable = _by_quarter(addresses, connectable_since())
    connected = _by_quarter(addresses.filter(connected_on__isnull=False), F("connected_on"))
    years = [*per_year, *(year for year, _q in connectable), *(year for year, _q in connected)]
    if not years:
        return []
    first = min(years)
    last = max([*per_year, day.year]) if per_year else day.year
    series = []
    target_before = sum(premises for year, premises in per_year.items() if year < first)
    done = {"connectable": 0, "connected": 0}
    for year in range(first, last + 1):
        for quarter in range(1, 5):
            end = _quarter_end(year, quarter)
            started = datetime.date(year, 3 * quarter - 2, 1) <= day
            done["connectable"] += connectable.get((year, quarter), 0)
            done["connected"] += connected.get((year, quarter), 0)
            target = target_before + per_year.get(year, 0) * quarter // 4
            series.append(
                {
                    "label": f"T{quarter} {year}",
                    "year": year,
                    "quarter": quarter,
                    "end": end,
                    "target": target,
                    "connectable": done["connectable"] if started else None,
                    "connected": done["connected"] if started else None,
                    "gap": done["connectable"] - target if started else None,
                }
            )
        target_before += per_year.get(year, 0)
    return series


def late_pm_zones(*, communes: Iterable[int] | QuerySet | None = None, day: datetime.date | None = None) -> QuerySet:
    """PM zones past their planned commissioning date, neither commissioned nor abandoned, the latest first."""
    day = day or timezone.localdate()
    zones = PMZone.objects.filter(state__in=OPEN_PM_STATES, planned_on__lt=day).select_related("commune")
    if communes is not None:
        zones = zones.filter(commune__in=_ids(communes))
    return zones.defer("commune__contour").order_by("planned_on", "reference")


def chart_spec(series: list[dict[str, Any]]) -> dict[str, Any]:
    """The quarterly series as the chart script reads it: labels and three datasets (target, connectable,
    connected); the page's table holds the same figures."""
    return {
        "labels": [row["label"] for row in series],
        "datasets": [
            {"key": "target", "label": _("Objectif du plan"), "data": [row["target"] for row in series]},
            {"key": "connectable", "label": _("Locaux raccordables"), "data": [row["connectable"] for row in series]},
            {"key": "connected", "label": _("Locaux raccordés"), "data": [row["connected"] for row in series]},
        ],
    }

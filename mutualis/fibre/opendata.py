"""Fibre's open data (registered in FibreConfig.ready through the opendata registry): the coverage per commune as
/opendata/fibre-communes.csv and .geojson, and the coverage map on the portal's home."""

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.fibre.models import DeploymentPlan, FibreImport, PMZone
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress
from mutualis.opendata.registry import Dataset, Place, Resource, latest_change
from mutualis.territory.models import Commune

SCHEMA = Path(__file__).resolve().parent / "schemas" / "fibre-communes.json"
OPEN_DATA_COLUMNS = (
    "code_insee",
    "nom",
    "departement",
    "epci_siren",
    "locaux_a_desservir",
    "locaux_raccordables",
    "taux_raccordables",
    "locaux_raccordes",
    "zones_pm",
    "zones_pm_en_service",
    "annee_achevement_prevue",
    "date_donnees",
)


def _rows_with_commune() -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(commune id, row) per commune of the plan, the row in OPEN_DATA_COLUMNS order (a few hundred communes: the
    figures come from a constant number of aggregate queries)."""
    today = timezone.localdate().isoformat()
    for row in progress.progress_rows(plans=selectors.plan_list()):
        commune, figures = row["commune"], row["progress"]
        yield (
            commune.pk,
            (
                commune.insee_code,
                commune.name,
                commune.departement.code,
                commune.epci.siren if commune.epci else None,
                figures.to_serve,
                figures.connectable,
                figures.rate,
                figures.connected,
                figures.pm_zones,
                figures.pm_commissioned,
                figures.completion_year,
                today,
            ),
        )


def open_data_rows() -> Iterator[tuple[Any, ...]]:
    """One row per commune of the plan, in OPEN_DATA_COLUMNS order."""
    return (row for _pk, row in _rows_with_commune())


def open_data_features() -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """(INSEE code, contour, row) per commune of the plan: the CSV's figures on each commune's contour."""
    rows = list(_rows_with_commune())
    contours = dict(Commune.objects.filter(pk__in=[pk for pk, _row in rows]).values_list("pk", "contour"))
    return ((row[0], contours.get(pk), row) for pk, row in rows)


def spatial() -> list[Place]:
    """The communes of the plan and their départements."""
    plans = DeploymentPlan.objects.select_related("commune__departement").only(
        "commune__insee_code", "commune__name", "commune__departement__code", "commune__departement__name"
    )
    communes = [Place(plan.commune.insee_code, plan.commune.name) for plan in plans]
    departements = {
        plan.commune.departement.code: Place(
            plan.commune.departement.code, plan.commune.departement.name, "departement"
        )
        for plan in plans
    }
    return communes + list(departements.values())


def temporal() -> tuple[datetime.date | None, datetime.date | None]:
    """From the first plan recorded to today (the figures are computed on the day)."""
    first = DeploymentPlan.objects.aggregate(first=Min("created_at"))["first"]
    return (timezone.localdate(first) if first else None, timezone.localdate())


def last_modified() -> datetime.datetime | None:
    """The latest change of a plan, a PM zone or an address import."""
    return latest_change(DeploymentPlan, PMZone, FibreImport)


DATASET = Dataset(
    slug="fibre-communes",
    title=_("Couverture en fibre optique (FTTH) par commune"),
    description=_(
        "Pour chaque commune du plan de déploiement du réseau d'initiative publique : locaux (logements et locaux "
        "professionnels) à desservir, raccordables et raccordés, zones de points de mutualisation (PM) et leur mise "
        "en service, année d'achèvement prévue. Un local est raccordable quand son adresse est déployée et que son "
        "PM est en service. Chiffres calculés le jour indiqué dans la colonne date_donnees."
    ),
    themes=("TECH", "REGI"),
    keywords=("fibre optique", "FTTH", "très haut débit", "réseau d'initiative publique", "couverture"),
    frequency="DAILY",
    spatial=spatial,
    temporal=temporal,
    last_modified=last_modified,
    resources=(
        Resource(
            format="csv",
            filename="fibre-communes.csv",
            title=_("Couverture par commune (CSV, tableur)"),
            header=OPEN_DATA_COLUMNS,
            rows=open_data_rows,
            table_schema=SCHEMA,
            delimiter=";",
            bom=True,
            decimal_comma=True,
        ),
        Resource(
            format="geojson",
            filename="fibre-communes.geojson",
            title=_("Couverture par commune, sur le contour des communes (GeoJSON)"),
            header=OPEN_DATA_COLUMNS,
            features=open_data_features,
        ),
    ),
)


def coverage_features(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The coverage map's GeoJSON: the communes of these progress rows, on their contour, with their coverage
    class and rate, linked to their commune page (the public map and the portal's widget draw it)."""
    contours = dict(Commune.objects.filter(pk__in=[row["commune"].pk for row in rows]).values_list("pk", "contour"))
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": row["commune"].insee_code,
                "name": row["commune"].name,
                "class": row["progress"].coverage_class,
                "rate": row["progress"].rate,
                "url": reverse("territory:commune_detail", args=[row["commune"].insee_code]),
            },
            "geometry": contours[row["commune"].pk],
        }
        for row in rows
        if contours.get(row["commune"].pk)
    ]
    return {"type": "FeatureCollection", "features": features}


# The portal's home is the busiest public page: its map (the same for every visitor) is kept a few minutes.
WIDGET_CACHE_SECONDS = 300


def portal_coverage_widget(request: Any) -> str:
    """The coverage map on the portal's home, with its legend and totals ("" when no commune has a plan)."""

    def render() -> str:
        rows = progress.progress_rows(plans=selectors.plan_list())
        if not rows:
            return ""
        context = {
            "geojson": coverage_features(rows),
            "legend": progress.coverage_legend(),
            "totals": progress.total(rows),
        }
        return render_to_string("fibre/partials/portal_widget.html", context, request=request)

    return cache.get_or_set("fibre:portal_widget", render, WIDGET_CACHE_SECONDS)

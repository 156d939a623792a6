"""Pages of the deployment for citizens and members: the coverage map (/fibre/couverture/), a member's communes
(/fibre/espace/), and the open data per commune (/opendata/fibre-communes.csv and .geojson)."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from mutualis.core.exports import csv_decimal, csv_response
from mutualis.core.permissions import is_operator_staff
from mutualis.fibre.filters import PlanFilterSet
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress
from mutualis.fibre.views.backoffice import progress_context
from mutualis.territory.models import Commune


def coverage_view(request: HttpRequest) -> HttpResponse:
    """The public coverage map: communes of the plan coloured by their share of connectable premises, with a
    legend, and the same figures in a table."""
    filterset = PlanFilterSet(request.GET or None, queryset=selectors.plan_list())
    valid = not filterset.is_bound or filterset.is_valid()
    rows = progress.progress_rows(plans=filterset.qs if valid else selectors.plan_list())
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
    context = {
        "filter": filterset,
        "rows": rows,
        "totals": progress.total(rows),
        "legend": progress.coverage_legend(),
        "geojson": {"type": "FeatureCollection", "features": features},
        "today": timezone.localdate(),
    }
    return render(request, "fibre/coverage.html", context, status=200 if valid else 400)


@login_required
def member_progress_view(request: HttpRequest) -> HttpResponse:
    """A member's users see the deployment in their members' communes: figures, quarters, PM zones."""
    communes = selectors.member_commune_ids(user=request.user)
    plans = selectors.plan_list().filter(commune__in=communes)
    if not plans.exists() and is_operator_staff(request.user):
        return redirect("fibre:backoffice_dashboard")
    rows = progress.progress_rows(plans=plans)
    ids = [row["commune"].pk for row in rows]
    zones = selectors.pm_zone_list(user=request.user).filter(commune__in=ids) if ids else []
    context = {"rows": rows, "zones": zones} | progress_context(rows, ids)
    return render(request, "fibre/member_progress.html", context)


# --- Open data ------------------------------------------------------------------------------------------------

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


def open_data_rows() -> list[dict[str, Any]]:
    """One row per commune of the plan, with the open-data column names (see OPEN_DATA_COLUMNS)."""
    today = timezone.localdate().isoformat()
    rows = []
    for row in progress.progress_rows(plans=selectors.plan_list()):
        commune, figures = row["commune"], row["progress"]
        rows.append(
            {
                "code_insee": commune.insee_code,
                "nom": commune.name,
                "departement": commune.departement.code,
                "epci_siren": commune.epci.siren if commune.epci else None,
                "locaux_a_desservir": figures.to_serve,
                "locaux_raccordables": figures.connectable,
                "taux_raccordables": figures.rate,
                "locaux_raccordes": figures.connected,
                "zones_pm": figures.pm_zones,
                "zones_pm_en_service": figures.pm_commissioned,
                "annee_achevement_prevue": figures.completion_year,
                "date_donnees": today,
                "_commune_id": commune.pk,
            }
        )
    return rows


@cache_control(public=True, max_age=3600)
def opendata_csv_view(request: HttpRequest) -> HttpResponse:
    """/opendata/fibre-communes.csv: FTTH coverage per commune of the plan (Licence Ouverte)."""
    response, writer = csv_response("fibre-communes.csv")
    writer.writerow(OPEN_DATA_COLUMNS)
    for row in open_data_rows():
        writer.writerow(
            [
                csv_decimal(row[name]) if name == "taux_raccordables" else ("" if row[name] is None else row[name])
                for name in OPEN_DATA_COLUMNS
            ]
        )
    return response


@cache_control(public=True, max_age=3600)
def opendata_geojson_view(request: HttpRequest) -> HttpResponse:
    """/opendata/fibre-communes.geojson: the same figures on each commune's contour, a GeoJSON FeatureCollection
    (RFC 7946: WGS84 longitude/latitude, no « crs » member)."""
    rows = open_data_rows()
    contours = dict(Commune.objects.filter(pk__in=[row["_commune_id"] for row in rows]).values_list("pk", "contour"))
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["code_insee"],
                "geometry": contours.get(row["_commune_id"]),
                "properties": {name: row[name] for name in OPEN_DATA_COLUMNS},
            }
            for row in rows
        ],
    }
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fibre-communes.geojson"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Pages of the deployment for citizens and members: the coverage map (/fibre/couverture/) and a member's communes
(/fibre/espace/). The open data per commune is a dataset of the catalogue (fibre/opendata.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mutualis.core.permissions import is_operator_staff
from mutualis.fibre.filters import PlanFilterSet
from mutualis.fibre.opendata import coverage_features
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress
from mutualis.fibre.views.backoffice import progress_context


def coverage_view(request: HttpRequest) -> HttpResponse:
    """The public coverage map: communes of the plan coloured by their share of connectable premises, with a
    legend, and the same figures in a table."""
    filterset = PlanFilterSet(request.GET or None, queryset=selectors.plan_list())
    valid = not filterset.is_bound or filterset.is_valid()
    rows = progress.progress_rows(plans=filterset.qs if valid else selectors.plan_list())
    context = {
        "filter": filterset,
        "rows": rows,
        "totals": progress.total(rows),
        "legend": progress.coverage_legend(),
        "geojson": coverage_features(rows),
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

"""The operator's fibre pages (/fibre/back-office/): progress per département, EPCI and commune, the plan, PM zones,
addresses, and their CSV exports.

Operator staff read every page; network officers and administrators write (others get 403). Members' users get
404. Every chart is followed by a table of the same figures.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.exports import csv_decimal, csv_response
from mutualis.core.formviews import form_page
from mutualis.core.permissions import require_ability, staff_required
from mutualis.fibre.filters import AddressFilterSet, PlanFilterSet, PMZoneFilterSet
from mutualis.fibre.forms import PlanForm, PMZoneForm, PMZoneTransitionForm, TargetForm
from mutualis.fibre.permissions import can_manage_fibre, get_abilities
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress
from mutualis.fibre.services import plans as services

PAGE_SIZE = 50


def _require_manager(request: HttpRequest) -> None:
    require_ability({"manage": can_manage_fibre(request.user)}, "manage")


def _plans(request: HttpRequest) -> tuple[PlanFilterSet, Any, int]:
    """The plans matching the page's filters, and the page status (bad filters: 400 and every plan)."""
    filterset = PlanFilterSet(request.GET or None, queryset=selectors.plan_list())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, selectors.plan_list(), 400
    return filterset, filterset.qs, 200


def progress_context(rows: list[dict[str, Any]], communes: Any, chart_id: str = "chart-progress") -> dict[str, Any]:
    """What every progress page shows: totals, the quarterly series, its chart, the late PM zones."""
    series = progress.quarterly_series(communes=communes)
    return {
        "totals": progress.total(rows),
        "series": series,
        "chart": progress.chart_spec(series),
        "chart_id": chart_id,
        "late_zones": progress.late_pm_zones(communes=communes),
        "today": timezone.localdate(),
    }


@staff_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """/fibre/back-office/: the deployment against the plan, per département, EPCI and commune, by quarter."""
    filterset, plans, status = _plans(request)
    rows = progress.progress_rows(plans=plans)
    context = {
        "filter": filterset,
        "rows": rows,
        "departements": progress.grouped(rows, "departement"),
        "epcis": progress.grouped(rows, "epci"),
        "imports": selectors.import_list(user=request.user)[:5],
        "can_manage": can_manage_fibre(request.user),
        "query": request.GET.urlencode(),
    } | progress_context(rows, [row["commune"].pk for row in rows])
    return render(request, "fibre/backoffice/dashboard.html", context, status=status)


@staff_required
def progress_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered communes' figures as CSV (one line per commune)."""
    _filterset, plans, _status = _plans(request)
    response, writer = csv_response(f"fibre-avancement-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(
        [
            _("Code INSEE"),
            _("Commune"),
            _("Département"),
            _("EPCI"),
            _("Locaux à desservir"),
            _("Locaux recensés"),
            _("Locaux raccordables"),
            _("Taux de locaux raccordables (%)"),
            _("Locaux raccordés"),
            _("Taux de raccordement (%)"),
            _("Zones PM"),
            _("Zones PM en service"),
            _("Zones PM en retard"),
            _("Achèvement prévu"),
        ]
    )
    for row in progress.progress_rows(plans=plans):
        commune, figures = row["commune"], row["progress"]
        writer.writerow(
            [
                commune.insee_code,
                commune.name,
                commune.departement.code,
                commune.epci.name if commune.epci else "",
                figures.to_serve,
                figures.counted,
                figures.connectable,
                csv_decimal(figures.rate),
                figures.connected,
                csv_decimal(figures.take_up),
                figures.pm_zones,
                figures.pm_commissioned,
                figures.pm_late,
                figures.completion_year or "",
            ]
        )
    return response


def quarters_csv(filename: str, series: list[dict[str, Any]]) -> HttpResponse:
    """A quarterly series as CSV: quarter, its last day, target, connectable and connected premises."""
    response, writer = csv_response(filename)
    writer.writerow(
        [_("Trimestre"), _("Fin du trimestre"), _("Objectif du plan"), _("Locaux raccordables"), _("Locaux raccordés")]
    )
    for row in series:
        writer.writerow(
            [
                row["label"],
                row["end"].isoformat(),
                row["target"],
                "" if row["connectable"] is None else row["connectable"],
                "" if row["connected"] is None else row["connected"],
            ]
        )
    return response


@staff_required
def quarters_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered communes' quarterly series as CSV."""
    _filterset, plans, _status = _plans(request)
    series = progress.quarterly_series(communes=[plan.commune_id for plan in plans])
    return quarters_csv(f"fibre-trimestres-{timezone.localdate():%Y-%m-%d}.csv", series)


# --- The plan of one commune ----------------------------------------------------------------------------------


@staff_required
def plan_detail_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """A commune's plan: premises to serve, yearly targets, PM zones, progress by quarter."""
    plan = selectors.plan_get(insee_code=insee_code)
    rows = progress.progress_rows(plans=[plan])
    zones = selectors.pm_zone_list(user=request.user).filter(commune=plan.commune)
    context = {
        "plan": plan,
        "abilities": get_abilities(request.user, plan),
        "zones": [(zone, get_abilities(request.user, zone)) for zone in zones],
        "target_form": TargetForm(),
    } | progress_context(rows, [plan.commune_id])
    return render(request, "fibre/backoffice/plan_detail.html", context)


@staff_required
def commune_quarters_csv_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """One commune's quarterly series as CSV."""
    plan = selectors.plan_get(insee_code=insee_code)
    series = progress.quarterly_series(communes=[plan.commune_id])
    return quarters_csv(f"fibre-trimestres-{insee_code}.csv", series)


def _form(request: HttpRequest, form: Any, *, title: str, cancel_url: str, on_valid: Any) -> HttpResponse:
    return form_page(
        request,
        form,
        template="components/form_page.html",
        on_valid=on_valid,
        context={"title": title, "cancel_url": cancel_url},
    )


@staff_required
def plan_create_view(request: HttpRequest) -> HttpResponse:
    """Put a commune in the plan (network officers)."""
    _require_manager(request)
    form = PlanForm(request.POST or None)

    def save() -> HttpResponse:
        plan = services.plan_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("%(commune)s est au plan de déploiement.") % {"commune": plan.commune.name})
        return redirect("fibre:backoffice_plan_detail", insee_code=plan.commune.insee_code)

    title = _("Ajouter une commune au plan de déploiement")
    return _form(request, form, title=title, cancel_url=reverse("fibre:backoffice_dashboard"), on_valid=save)


@staff_required
def plan_update_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """Change a plan's premises to serve, contractor, notes (network officers)."""
    plan = selectors.plan_get(insee_code=insee_code)
    require_ability(get_abilities(request.user, plan), "update")
    form = PlanForm(request.POST or None, plan=plan, initial=PlanForm.initial_for(plan))

    def save() -> HttpResponse:
        services.plan_update(plan=plan, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Plan de déploiement enregistré."))
        return redirect("fibre:backoffice_plan_detail", insee_code=insee_code)

    detail = reverse("fibre:backoffice_plan_detail", args=[insee_code])
    title = _("Modifier le plan de déploiement — %(commune)s") % {"commune": plan.commune.name}
    return _form(request, form, title=title, cancel_url=detail, on_valid=save)


@staff_required
def target_set_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """Set a plan's target for one year (network officers)."""
    plan = selectors.plan_get(insee_code=insee_code)
    require_ability(get_abilities(request.user, plan), "set_target")
    form = TargetForm(request.POST or None)

    def save() -> HttpResponse:
        services.yearly_target_set(plan=plan, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Objectif %(year)s enregistré.") % {"year": form.cleaned_data["year"]})
        return redirect("fibre:backoffice_plan_detail", insee_code=insee_code)

    detail = reverse("fibre:backoffice_plan_detail", args=[insee_code])
    title = _("Objectif annuel — %(commune)s") % {"commune": plan.commune.name}
    return _form(request, form, title=title, cancel_url=detail, on_valid=save)


# --- PM zones -------------------------------------------------------------------------------------------------


@staff_required
def pm_zone_create_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """Add a PM zone to a commune's plan (network officers)."""
    plan = selectors.plan_get(insee_code=insee_code)
    require_ability(get_abilities(request.user, plan), "add_pm_zone")
    form = PMZoneForm(request.POST or None)

    def save() -> HttpResponse:
        zone = services.pm_zone_create(commune=plan.commune, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Zone PM %(reference)s ajoutée.") % {"reference": zone.reference})
        return redirect("fibre:backoffice_plan_detail", insee_code=insee_code)

    detail = reverse("fibre:backoffice_plan_detail", args=[insee_code])
    title = _("Nouvelle zone PM — %(commune)s") % {"commune": plan.commune.name}
    return _form(request, form, title=title, cancel_url=detail, on_valid=save)


@staff_required
def pm_zone_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a PM zone's premises or planned date (network officers)."""
    zone = selectors.pm_zone_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, zone), "update")
    form = PMZoneForm(request.POST or None, zone=zone, initial=PMZoneForm.initial_for(zone))
    detail = reverse("fibre:backoffice_plan_detail", args=[zone.commune.insee_code])

    def save() -> HttpResponse:
        services.pm_zone_update(zone=zone, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Zone PM %(reference)s enregistrée.") % {"reference": zone.reference})
        return redirect(detail)

    title = _("Modifier la zone PM %(reference)s") % {"reference": zone.reference}
    return _form(request, form, title=title, cancel_url=detail, on_valid=save)


@staff_required
def pm_zone_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a PM zone to its next state — a commissioning with its date (network officers)."""
    zone = selectors.pm_zone_get(user=request.user, pk=pk)
    abilities = get_abilities(request.user, zone)
    require_ability(abilities, "transition")
    form = PMZoneTransitionForm(request.POST or None, allowed=abilities["transitions"])
    detail = reverse("fibre:backoffice_plan_detail", args=[zone.commune.insee_code])

    def save() -> HttpResponse:
        zone_after = services.pm_zone_transition(zone=zone, acting_user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Zone PM %(reference)s : %(state)s.")
            % {"reference": zone.reference, "state": zone_after.get_state_display()},
        )
        return redirect(detail)

    title = _("Changer l'état de la zone PM %(reference)s") % {"reference": zone.reference}
    return _form(request, form, title=title, cancel_url=detail, on_valid=save)


def _zones(request: HttpRequest) -> tuple[PMZoneFilterSet, Any, int]:
    zones = selectors.pm_zone_list(user=request.user)
    filterset = PMZoneFilterSet(request.GET or None, queryset=zones)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, zones, 400
    return filterset, filterset.qs, 200


@staff_required
def pm_zone_list_view(request: HttpRequest) -> HttpResponse:
    """Every PM zone, filtered by commune, département, EPCI, state and lateness; late ones flagged."""
    filterset, zones, status = _zones(request)
    page = Paginator(zones, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "today": timezone.localdate(), "query": request.GET.urlencode()}
    return render(request, "fibre/backoffice/pm_zone_list.html", context, status=status)


@staff_required
def pm_zone_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered PM zones as CSV, with their delay."""
    _filterset, zones, _status = _zones(request)
    today = timezone.localdate()
    response, writer = csv_response(f"fibre-zones-pm-{today:%Y-%m-%d}.csv")
    writer.writerow(
        [
            _("Référence"),
            _("Code INSEE"),
            _("Commune"),
            _("État"),
            _("Locaux"),
            _("Mise en service prévue"),
            _("Mise en service"),
            _("Retard (jours)"),
        ]
    )
    for zone in zones:
        writer.writerow(
            [
                zone.reference,
                zone.commune.insee_code,
                zone.commune.name,
                zone.get_state_display(),
                zone.premises_planned,
                zone.planned_on.isoformat(),
                zone.commissioned_on.isoformat() if zone.commissioned_on else "",
                zone.days_late(today) or "",
            ]
        )
    return response


# --- Addresses ------------------------------------------------------------------------------------------------


@staff_required
def address_list_view(request: HttpRequest) -> HttpResponse:
    """The address base, searchable by identifier, hexaclé, BAN id or label, filtered by commune, state, PM."""
    addresses = selectors.address_list(user=request.user)
    filterset = AddressFilterSet(request.GET or None, queryset=addresses)
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    page = Paginator(filterset.qs if status == 200 else addresses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fibre/backoffice/address_list.html", {"filter": filterset, "page": page}, status=status)

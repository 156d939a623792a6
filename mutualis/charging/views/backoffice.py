"""The operator's charging pages (/recharge/back-office/): stations and charge points (registry, live state, remote
commands, power cap), sessions (list, CSV, detail with its meter values), badges and the local list.

Operator staff read every page; network officers and administrators write and send commands (others get 403).
Members' users get 404. Live parts refresh with HTMX (`hx-trigger="every …"`), never with inline scripts.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.charging import forms as charging_forms
from mutualis.charging.choices import COMMAND_DONE, COMMANDS_201, OcppVersion
from mutualis.charging.filters import IdTagFilterSet, SessionFilterSet, StationFilterSet
from mutualis.charging.models import ChargePoint, ChargingSession, Station
from mutualis.charging.permissions import can_manage_charging, get_abilities
from mutualis.charging.selectors import commands as command_selectors
from mutualis.charging.selectors import registry as selectors
from mutualis.charging.selectors import sessions as session_selectors
from mutualis.charging.selectors import web
from mutualis.charging.services import commands as command_services
from mutualis.charging.services import profiles, registry, tags
from mutualis.core.exports import csv_response
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.permissions import require_ability, staff_required

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filtered(request: HttpRequest, filterset_class: Any, queryset: Any) -> tuple[Any, Any, int]:
    """The rows matching the page's filters, and the page status (bad filters: 400 and every row)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset, 400
    return filterset, filterset.qs, 200


# The house's one-form page, in charging's layout (its stylesheet and confirmation script).
FORM = "components/form_page.html"
BASE = "charging/base.html"


def _require_manager(request: HttpRequest) -> None:
    require_ability({"manage": can_manage_charging(request.user)}, "manage")


def _form(request: HttpRequest, form: Any, *, title: str, cancel_url: str, on_valid: Any) -> HttpResponse:
    return form_page(
        request,
        form,
        template=FORM,
        on_valid=on_valid,
        context={"title": title, "cancel_url": cancel_url, "base_template": BASE},
    )


def _data(form: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: value for name, value in form.cleaned_data.items() if name not in exclude}


# --- Stations ---------------------------------------------------------------------------------------------------


@staff_required
def station_list_view(request: HttpRequest) -> HttpResponse:
    """/recharge/back-office/stations/: every station with its points' live state; search, filters, pages."""
    filterset, stations, status = _filtered(request, StationFilterSet, selectors.station_list(user=request.user))
    page = _page(request, stations)
    rows = [(station, [selectors.point_state(cp) for cp in station.charge_points.all()]) for station in page]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "can_manage": can_manage_charging(request.user),
    }
    return render(request, "charging/backoffice/station_list.html", context, status=status)


def usage_context(months: list[dict[str, Any]]) -> dict[str, Any]:
    """A year of use (selectors.sessions.monthly_energy): the months, their totals and their chart."""
    chart = web.usage_chart(months, energy_label=_("Énergie (kWh)"), utilisation_label=_("Taux d'utilisation (%)"))
    return {"months": months, "usage": web.usage_summary(months), "usage_chart": chart}


def station_context(request: HttpRequest, station: Station) -> dict[str, Any]:
    """What the station page and its live block show: points' state, open sessions and their last readings."""
    return {
        "station": station,
        "states": selectors.station_live_state(user=request.user, station=station),
        "active_sessions": web.station_active_sessions(user=request.user, station=station),
        "refresh": settings.CHARGING_LIVE_REFRESH,
        "now": timezone.now(),
    }


@staff_required
def station_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A station: description, live state of its points, open sessions, use, power cap, last sessions."""
    station = selectors.station_get(user=request.user, pk=pk)
    context = (
        station_context(request, station)
        | {
            "abilities": get_abilities(request.user, station),
        }
        | usage_context(session_selectors.monthly_energy(user=request.user, station=station))
        | {
            "sessions": session_selectors.session_list(user=request.user, filters={"station": station.pk})[:10],
            "cap": station.charging_profiles.filter(is_active=True).first(),
            "cap_form": charging_forms.PowerCapForm(),
        }
    )
    return render(request, "charging/backoffice/station_detail.html", context)


@staff_required
def station_live_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The station page's live block alone (HTMX refresh)."""
    station = selectors.station_get(user=request.user, pk=pk)
    return render(request, "charging/partials/station_live.html", station_context(request, station))


@staff_required
def station_create_view(request: HttpRequest) -> HttpResponse:
    """Register a station (network officers)."""
    _require_manager(request)
    form = charging_forms.StationForm(request.POST or None)

    def save() -> HttpResponse:
        station = registry.station_create(acting_user=request.user, **_data(form))
        messages.success(request, _("La station « %(name)s » est enregistrée.") % {"name": station.name})
        return redirect("charging:station_detail", pk=station.pk)

    title = _("Nouvelle station de recharge")
    return _form(request, form, title=title, cancel_url=reverse("charging:station_list"), on_valid=save)


@staff_required
def station_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a station's description (network officers)."""
    station = selectors.station_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, station), "update")
    form = charging_forms.StationForm(request.POST or None, station=station)

    def save() -> HttpResponse:
        registry.station_update(station=station, acting_user=request.user, **_data(form))
        messages.success(request, _("La station est modifiée."))
        return redirect("charging:station_detail", pk=station.pk)

    title = _("Modifier la station « %(name)s »") % {"name": station.name}
    cancel = reverse("charging:station_detail", args=[station.pk])
    return _form(request, form, title=title, cancel_url=cancel, on_valid=save)


@staff_required
@require_POST
def power_cap_set_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cap a station's power, shared between its points (SetChargingProfile to each)."""
    station = selectors.station_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, station), "set_power_cap")
    form = charging_forms.PowerCapForm(request.POST)

    def save() -> HttpResponse:
        profiles.station_power_cap_set(station=station, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("La limite de puissance est envoyée aux points de recharge."))
        return redirect("charging:station_detail", pk=station.pk)

    response = submit_form(request, form, save)
    if response is not None:
        return response
    title = _("Limiter la puissance de la station « %(name)s »") % {"name": station.name}
    cancel_url = reverse("charging:station_detail", args=[station.pk])
    context = {"form": form, "title": title, "cancel_url": cancel_url, "base_template": BASE}
    return render(request, FORM, context, status=400)


@staff_required
@require_POST
def power_cap_clear_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a station's power cap."""
    station = selectors.station_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, station), "set_power_cap")
    profiles.station_power_cap_clear(station=station, acting_user=request.user)
    messages.success(request, _("La limite de puissance est levée."))
    return redirect("charging:station_detail", pk=station.pk)


# --- Charge points and their commands --------------------------------------------------------------------------


@staff_required
def charge_point_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a charge point to a station (network officers)."""
    station = selectors.station_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, station), "add_charge_point")
    form = charging_forms.ChargePointForm(request.POST or None, station=station)

    def save() -> HttpResponse:
        cp = registry.charge_point_create(station=station, acting_user=request.user, **_data(form))
        messages.success(request, _("Le point de recharge %(id)s est enregistré.") % {"id": cp.id_pdc_itinerance})
        return redirect("charging:charge_point_detail", pk=cp.pk)

    title = _("Nouveau point de recharge — %(name)s") % {"name": station.name}
    cancel = reverse("charging:station_detail", args=[station.pk])
    return _form(request, form, title=title, cancel_url=cancel, on_valid=save)


@staff_required
def charge_point_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a charge point's description (network officers)."""
    cp = selectors.charge_point_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, cp), "update")
    form = charging_forms.ChargePointForm(request.POST or None, station=cp.station, charge_point=cp)

    def save() -> HttpResponse:
        registry.charge_point_update(charge_point=cp, acting_user=request.user, **_data(form))
        messages.success(request, _("Le point de recharge est modifié."))
        return redirect("charging:charge_point_detail", pk=cp.pk)

    title = _("Modifier le point de recharge %(id)s") % {"id": cp.id_pdc_itinerance}
    cancel = reverse("charging:charge_point_detail", args=[cp.pk])
    return _form(request, form, title=title, cancel_url=cancel, on_valid=save)


@staff_required
def charge_point_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or remove a charge point's OCPP Basic auth password (network officers)."""
    cp = selectors.charge_point_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, cp), "set_password")
    form = charging_forms.PasswordForm(request.POST or None)

    def save() -> HttpResponse:
        registry.charge_point_set_password(
            charge_point=cp, password=form.cleaned_data["password"], acting_user=request.user
        )
        messages.success(request, _("Le mot de passe OCPP est enregistré."))
        return redirect("charging:charge_point_detail", pk=cp.pk)

    title = _("Mot de passe OCPP de %(identity)s") % {"identity": cp.ocpp_identity}
    cancel = reverse("charging:charge_point_detail", args=[cp.pk])
    return _form(request, form, title=title, cancel_url=cancel, on_valid=save)


def _command_forms(request: HttpRequest, cp: ChargePoint, bound: tuple[str, Any] | None = None) -> list[Any]:
    """The command forms the point's version accepts, as (slug, label, form); `bound` replaces one by the form
    sent back with its errors."""
    reservations = web.open_reservations(user=request.user, charge_point=cp)
    shown = []
    for slug, form_class in charging_forms.COMMAND_FORMS.items():
        if cp.ocpp_version == OcppVersion.V201 and form_class.action not in COMMANDS_201:
            continue
        if bound is not None and bound[0] == slug:
            form = bound[1]
        else:
            kwargs = {"reservations": reservations} if form_class is charging_forms.CancelReservationForm else {}
            form = form_class(prefix=slug, **kwargs)
        label = charging_forms.CommandAction(form_class.action).label
        shown.append((slug, label, form))
    return shown


def charge_point_context(request: HttpRequest, cp: ChargePoint, bound: tuple[str, Any] | None = None) -> dict:
    """What the charge point page shows: state, connectors, commands and their results, open sessions, frames."""
    abilities = get_abilities(request.user, cp)
    return {
        "cp": cp,
        "station": cp.station,
        "state": selectors.point_state(cp),
        "abilities": abilities,
        "command_forms": _command_forms(request, cp, bound) if abilities["command"] else [],
        "commands": command_selectors.command_list(user=request.user, charge_point=cp)[:15],
        "sessions": session_selectors.session_list(user=request.user, filters={"charge_point": cp.pk})[:10],
        "frames": command_selectors.message_log_list(user=request.user, charge_point=cp, limit=30),
        "refresh": settings.CHARGING_LIVE_REFRESH,
        "command_done": COMMAND_DONE,
    }


@staff_required
def charge_point_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A charge point: live state, connectors, remote commands with their results, sessions, last OCPP frames."""
    cp = selectors.charge_point_get(user=request.user, pk=pk)
    return render(request, "charging/backoffice/charge_point_detail.html", charge_point_context(request, cp))


@staff_required
def charge_point_live_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The charge point page's live block alone (HTMX refresh): state, connectors, open sessions."""
    cp = selectors.charge_point_get(user=request.user, pk=pk)
    context = charge_point_context(request, cp)
    return render(request, "charging/partials/charge_point_live.html", context)


@staff_required
@require_POST
def command_send_view(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Send a command to a charge point from its form (network officers); the page then shows its result."""
    cp = selectors.charge_point_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, cp), "command")
    form_class = charging_forms.COMMAND_FORMS.get(slug)
    if form_class is None:
        raise Http404
    kwargs = {}
    if form_class is charging_forms.CancelReservationForm:
        kwargs["reservations"] = web.open_reservations(user=request.user, charge_point=cp)
    form = form_class(request.POST, prefix=slug, **kwargs)

    def send() -> HttpResponse:
        data = form.cleaned_data
        if isinstance(form, charging_forms.ReserveForm):
            reservation = command_services.reservation_request(
                charge_point=cp,
                id_tag=data["id_tag"],
                expires_at=data["expires_at"],
                connector_id=data["connector_id"] or 0,
                acting_user=request.user,
            )
            command = reservation.command
        elif isinstance(form, charging_forms.CancelReservationForm):
            command = command_services.reservation_cancel(reservation=data["reservation"], acting_user=request.user)
        elif isinstance(form, charging_forms.LocalListForm):
            command = tags.local_list_push(charge_point=cp, full=data["full"], acting_user=request.user)
        else:
            command = command_services.request_command(
                charge_point=cp, action=form.action, payload=form.payload(), acting_user=request.user
            )
        messages.success(request, _("Commande « %(action)s » envoyée.") % {"action": command.get_action_display()})
        return redirect(reverse("charging:charge_point_detail", args=[cp.pk]) + "#commandes")

    response = submit_form(request, form, send, field_map={"payload": "__all__", "action": "__all__"})
    if response is not None:
        return response
    context = charge_point_context(request, cp, bound=(slug, form))
    return render(request, "charging/backoffice/charge_point_detail.html", context, status=form_status(request, form))


@staff_required
@require_POST
def session_stop_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop an open session remotely (network officers)."""
    session = session_selectors.session_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, session), "stop")
    command_services.remote_stop(session=session, acting_user=request.user)
    messages.success(request, _("L'arrêt de la charge est demandé à la borne."))
    return redirect(request.POST.get("next") or reverse("charging:session_detail", args=[session.pk]))


@staff_required
def command_row_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One command's row (HTMX polling until the point answered or it timed out)."""
    command = command_selectors.command_get(user=request.user, pk=pk)
    return render(request, "charging/partials/command_row.html", {"command": command, "done": COMMAND_DONE})


# --- Sessions ---------------------------------------------------------------------------------------------------


def _sessions(request: HttpRequest) -> tuple[Any, Any, int]:
    return _filtered(request, SessionFilterSet, session_selectors.session_list(user=request.user))


@staff_required
def session_list_view(request: HttpRequest) -> HttpResponse:
    """/recharge/back-office/sessions/: every session (start, stop, kWh, duration, badge, stop reason), filters,
    pages, CSV."""
    filterset, sessions, status = _sessions(request)
    context = {"filter": filterset, "page": _page(request, sessions), "query": request.GET.urlencode()}
    return render(request, "charging/backoffice/session_list.html", context, status=status)


@staff_required
def session_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered sessions as CSV."""
    _filterset, sessions, _status = _sessions(request)
    response, writer = csv_response(f"recharge-sessions-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(
        [
            _("Station"),
            _("Point de recharge"),
            _("Transaction"),
            _("Début"),
            _("Fin"),
            _("Durée (min)"),
            _("Énergie (kWh)"),
            _("Badge"),
            _("Motif d'arrêt"),
            _("Rattrapée"),
        ]
    )
    for session in sessions.iterator(chunk_size=500):
        duration = session_duration(session)
        energy = session.energy_wh
        writer.writerow(
            [
                session.charge_point.station.name,
                session.charge_point.id_pdc_itinerance,
                session.transaction_ref,
                timezone.localtime(session.started_at).isoformat(timespec="seconds"),
                timezone.localtime(session.stopped_at).isoformat(timespec="seconds") if session.stopped_at else "",
                "" if duration is None else round(duration / 60),
                "" if energy is None else f"{energy / 1000:.3f}".replace(".", ","),
                session.id_tag,
                session.stop_reason,
                _("oui") if session.reconciled else _("non"),
            ]
        )
    return response


def session_duration(session: ChargingSession) -> float | None:
    """A session's duration in seconds (so far, when open)."""
    end = session.stopped_at or timezone.now()
    return max(0.0, (end - session.started_at).total_seconds())


def meter_chart(session: ChargingSession) -> dict[str, Any]:
    """A session's energy (kWh delivered since its start) and power (kW) readings, for charging/session_chart.js."""
    energy, power = [], []
    for value in session_selectors.session_meter_values(session=session):
        at = timezone.localtime(value.timestamp).isoformat(timespec="seconds")
        scale = 1000.0 if value.unit in ("kWh", "kW") else 1.0
        if value.measurand == "Energy.Active.Import.Register":
            energy.append({"x": at, "y": round((value.value * scale - session.meter_start_wh) / 1000, 3)})
        elif value.measurand == "Power.Active.Import":
            power.append({"x": at, "y": round(value.value * scale / 1000, 2)})
    return {"energy": energy, "power": power, "active": session.status == "active"}


@staff_required
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: where, who, when, energy, stop or reconciliation, its meter values as a chart and a table."""
    session = session_selectors.session_get(user=request.user, pk=pk)
    context = {
        "session": session,
        "abilities": get_abilities(request.user, session),
        "duration": session_duration(session),
        "chart": meter_chart(session),
        "values": session_selectors.session_meter_values(session=session).order_by("-timestamp", "-id")[:200],
        "refresh": settings.CHARGING_LIVE_REFRESH,
    }
    return render(request, "charging/backoffice/session_detail.html", context)


@staff_required
def session_meter_json_view(request: HttpRequest, pk: int) -> JsonResponse:
    """A session's readings as JSON (the chart refreshes from it while the session is open)."""
    session = session_selectors.session_get(user=request.user, pk=pk)
    return JsonResponse(meter_chart(session))


# --- Badges -----------------------------------------------------------------------------------------------------


@staff_required
def id_tag_list_view(request: HttpRequest) -> HttpResponse:
    """/recharge/back-office/badges/: every badge (member, status, expiry), search, filters, pages."""
    filterset, id_tags, status = _filtered(request, IdTagFilterSet, selectors.id_tag_list(user=request.user))
    context = {
        "filter": filterset,
        "page": _page(request, id_tags),
        "can_manage": can_manage_charging(request.user),
        "current_version": tags.current_list_version(),
        "now": timezone.now(),
    }
    return render(request, "charging/backoffice/id_tag_list.html", context, status=status)


@staff_required
def id_tag_create_view(request: HttpRequest) -> HttpResponse:
    """Give a member a badge (network officers)."""
    _require_manager(request)
    form = charging_forms.IdTagForm(request.POST or None)

    def save() -> HttpResponse:
        tag = tags.id_tag_create(acting_user=request.user, **_data(form))
        messages.success(request, _("Le badge %(tag)s est enregistré.") % {"tag": tag.id_tag})
        return redirect("charging:id_tag_list")

    return _form(request, form, title=_("Nouveau badge"), cancel_url=reverse("charging:id_tag_list"), on_valid=save)


@staff_required
def id_tag_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a badge: holder, status (block it), expiry (network officers)."""
    tag = selectors.id_tag_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, tag), "update")
    form = charging_forms.IdTagForm(request.POST or None, tag=tag)

    def save() -> HttpResponse:
        tags.id_tag_update(tag=tag, acting_user=request.user, **_data(form))
        messages.success(request, _("Le badge %(tag)s est modifié.") % {"tag": tag.id_tag})
        return redirect("charging:id_tag_list")

    title = _("Modifier le badge %(tag)s") % {"tag": tag.id_tag}
    return _form(request, form, title=title, cancel_url=reverse("charging:id_tag_list"), on_valid=save)


@staff_required
@require_POST
def local_list_push_all_view(request: HttpRequest) -> HttpResponse:
    """Send the local list to every active point that lacks its last version (network officers)."""
    _require_manager(request)
    version = tags.current_list_version()
    sent = 0
    for cp in selectors.charge_point_list(user=request.user).filter(is_active=True, local_list_version__lt=version):
        tags.local_list_push(charge_point=cp, acting_user=request.user)
        sent += 1
    if sent:
        messages.success(request, _("Liste locale envoyée à %(count)s point(s) de recharge.") % {"count": sent})
    else:
        messages.info(request, _("Tous les points de recharge ont déjà la dernière version de la liste."))
    return redirect("charging:id_tag_list")

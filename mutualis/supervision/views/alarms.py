"""Alarm pages (/supervision/): the operator console (live queue over the realtime websocket, map of sites,
keyboard-driven), the alarm with its timeline and the operator's actions, the incident report (printable and PDF),
the lists members read for their own sites, and the habilitated snapshot.
"""

import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.context_processors import realtime_ws_url
from mutualis.core.formviews import submit_form
from mutualis.core.permissions import require_ability
from mutualis.core.services import audit_record
from mutualis.supervision.filters import AlarmFilterSet
from mutualis.supervision.forms import CloseForm, CommentForm, HoldForm, PoliceCallForm, VerifyForm
from mutualis.supervision.models import Alarm
from mutualis.supervision.permissions import get_abilities, habilitated_site_ids, is_supervision_operator
from mutualis.supervision.report import incident_pdf, incident_report
from mutualis.supervision.selectors import alarms as selectors
from mutualis.supervision.selectors.sites import site_map_points
from mutualis.supervision.services import alarms as services

PAGE_SIZE = 50
SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024


def _require_operator_page(request: HttpRequest) -> None:
    if not is_supervision_operator(request.user):
        raise Http404


def console_ws_url(request: HttpRequest) -> str:
    """The console's websocket on the realtime process (next to the notifications one)."""
    url = realtime_ws_url(request)
    return url.replace("/ws/notifications/", "/ws/supervision/console/") if url else ""


@login_required
def console_view(request: HttpRequest) -> HttpResponse:
    """/supervision/console/: the live queue of open alarms (priority, then age) and the map of sites."""
    _require_operator_page(request)
    images = set(habilitated_site_ids(request.user, images=True).values_list("protected_site_id", flat=True))
    queue = selectors.console_queue(user=request.user)
    rows = [selectors.console_row(a, images=a.protected_site_id in images) for a in queue]
    context = {
        "rows": rows,
        "points": site_map_points(user=request.user),
        "console_ws_url": console_ws_url(request),
        "habilitated": habilitated_site_ids(request.user).exists(),
    }
    return render(request, "supervision/console.html", context)


@login_required
def alarm_list_view(request: HttpRequest) -> HttpResponse:
    """/supervision/alarmes/: the alarms the user may read, filtered (members: their own sites')."""
    alarms = selectors.alarm_list(user=request.user)
    filterset = AlarmFilterSet(request.GET or None, queryset=alarms)
    valid = not filterset.is_bound or filterset.is_valid()
    page = Paginator(filterset.qs if valid else alarms, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "operator": is_supervision_operator(request.user)}
    return render(request, "supervision/alarm_list.html", context, status=200 if valid else 400)


@login_required
def incident_list_view(request: HttpRequest) -> HttpResponse:
    """/supervision/incidents/: closed alarms qualified as confirmed incidents, with their reports."""
    page = Paginator(selectors.incident_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/incident_list.html", {"page": page})


def _detail_context(request: HttpRequest, alarm: Alarm, **forms_: forms.Form) -> dict[str, Any]:
    abilities = get_abilities(request.user, alarm)
    return {
        "alarm": alarm,
        "abilities": abilities,
        "timeline": selectors.alarm_timeline(alarm=alarm),
        "events": selectors.alarm_events(alarm=alarm, limit=50),
        "police_calls": selectors.alarm_police_calls(alarm=alarm),
        "escalations": selectors.alarm_escalations(alarm=alarm),
        "comment_form": forms_.get("comment") or CommentForm(),
        "hold_form": forms_.get("hold") or HoldForm(),
        "verify_form": forms_.get("verify") or VerifyForm(alarm=alarm),
        "police_form": forms_.get("police") or PoliceCallForm(),
        "close_form": forms_.get("close") or CloseForm(),
    }


@login_required
def alarm_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/supervision/alarmes/<id>/: the alarm, its events and timeline, and what the operator may do."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    return render(request, "supervision/alarm_detail.html", _detail_context(request, alarm))


def _done(request: HttpRequest, alarm: Alarm, message: str) -> HttpResponse:
    messages.success(request, message)
    target = request.POST.get("next", "")
    if target == "console":
        return redirect("supervision:console")
    return redirect("supervision:alarm_detail", pk=alarm.pk)


# Actions without a form: ability key, service, message.
SIMPLE_ACTIONS: dict[str, tuple[str, Callable[..., Any], str]] = {
    "claim": ("claim", services.alarm_claim, "Alarme prise en charge."),
    "release": ("release", services.alarm_release, "Alarme remise dans la file."),
    "acknowledge": ("acknowledge", services.alarm_acknowledge, "Alarme acquittée."),
    "resume": ("resume", services.alarm_resume, "Alarme reprise."),
}


@login_required
@require_POST
def alarm_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST /supervision/alarmes/<id>/<action>/: claim, release, acknowledge, resume, comment, hold, verify,
    police (call the forces), close (qualify)."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    abilities = get_abilities(request.user, alarm)
    if action in SIMPLE_ACTIONS:
        key, service, message = SIMPLE_ACTIONS[action]
        require_ability(abilities, key)
        service(alarm=alarm, acting_user=request.user)
        return _done(request, alarm, _(message))
    form: forms.Form
    on_valid: Callable[[], HttpResponse]
    if action == "comment":
        require_ability(abilities, "comment")
        form = CommentForm(request.POST)

        def on_valid() -> HttpResponse:
            services.alarm_comment(alarm=alarm, text=form.cleaned_data["text"], acting_user=request.user)
            return _done(request, alarm, _("Commentaire ajouté."))

    elif action == "hold":
        require_ability(abilities, "hold")
        form = HoldForm(request.POST)

        def on_valid() -> HttpResponse:
            services.alarm_hold(alarm=alarm, reason=form.cleaned_data["reason"], acting_user=request.user)
            return _done(request, alarm, _("Alarme mise en attente."))

    elif action == "verify":
        require_ability(abilities, "verify")
        form = VerifyForm(request.POST, alarm=alarm)

        def on_valid() -> HttpResponse:
            services.alarm_verify(alarm=alarm, acting_user=request.user, **form.cleaned_data)
            return _done(request, alarm, _("Levée de doute enregistrée."))

    elif action == "police":
        require_ability(abilities, "call_police")
        form = PoliceCallForm(request.POST)

        def on_valid() -> HttpResponse:
            services.alarm_call_police(
                alarm=alarm,
                acting_user=request.user,
                evidence_reference=alarm.verification_evidence,
                **form.cleaned_data,
            )
            return _done(request, alarm, _("Appel aux forces de l'ordre enregistré."))

    elif action == "close":
        require_ability(abilities, "close")
        form = CloseForm(request.POST)

        def on_valid() -> HttpResponse:
            services.alarm_close(alarm=alarm, acting_user=request.user, **form.cleaned_data)
            return _done(request, alarm, _("Alarme qualifiée et clôturée."))

    else:
        raise Http404
    response = submit_form(request, form, on_valid)
    if response is not None:
        return response
    context = _detail_context(request, alarm, **{action: form})
    return render(request, "supervision/alarm_detail.html", context, status=400)


@login_required
def alarm_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/supervision/alarmes/<id>/rapport/: the incident report, printable."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    return render(request, "supervision/report.html", {"report": incident_report(alarm=alarm), "alarm": alarm})


@login_required
def alarm_report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident report as PDF."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    response = HttpResponse(incident_pdf(report=incident_report(alarm=alarm)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-incident-{alarm.pk}.pdf"'
    return response


def _snapshot_allowed(alarm: Alarm) -> bool:
    """Snapshots are fetched only from the alarm's own Frigate server or a host the operator configured: the
    platform never fetches an address an event merely names (server-side request forgery)."""
    host = urlsplit(alarm.snapshot_url).hostname or ""
    allowed = set(getattr(settings, "SUPERVISION_SNAPSHOT_HOSTS", []))
    source = alarm.device.source if alarm.device else None
    if source is not None and source.frigate_base_url:
        allowed.add(urlsplit(source.frigate_base_url).hostname or "")
    return bool(host) and host in allowed


@login_required
def alarm_snapshot_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The alarm's snapshot, for people habilitated to see the site's images; each view is in the audit log."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, alarm), "images")
    if not alarm.snapshot_url or not _snapshot_allowed(alarm):
        raise Http404
    try:
        with urllib.request.urlopen(alarm.snapshot_url, timeout=5) as upstream:  # noqa: S310 (host checked above)
            content_type = upstream.headers.get_content_type()
            body = upstream.read(SNAPSHOT_MAX_BYTES + 1)
    except OSError as exc:
        raise Http404 from exc
    if not content_type.startswith("image/") or len(body) > SNAPSHOT_MAX_BYTES:
        raise Http404
    audit_record(
        actor=request.user,
        action="supervision.snapshot_view",
        obj=alarm,
        member_id=alarm.protected_site.site.member_id,
        after={"device": alarm.device_id, "url": alarm.snapshot_url},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response

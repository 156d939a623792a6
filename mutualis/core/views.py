import datetime
import functools
import secrets
import tomllib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mutualis.core import audit_labels, selectors, services
from mutualis.core.audit_diff import audit_diffs, diff_text
from mutualis.core.exports import csv_response
from mutualis.core.forms import AuditFilterForm
from mutualis.core.models import AuditEntry
from mutualis.core.permissions import is_operator_staff, staff_required
from mutualis.core.services import audit_record

# A task waiting longer than this means the worker process is stopped or overwhelmed.
TASK_BACKLOG_ALERT = datetime.timedelta(minutes=10)


def home_view(request: HttpRequest) -> HttpResponse:
    """Public home page: what the platform is and who it serves."""
    return render(request, "core/home.html")


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Send each user to their space: operator staff to the back-office, members' users to their member space."""
    name = "members:backoffice_member_list" if is_operator_staff(request.user) else "members:space"
    try:
        return redirect(reverse(name))
    except NoReverseMatch:
        return redirect("accounts:profile")


@dataclass
class Check:
    """One component of the service as the status page shows it."""

    name: str
    ok: bool
    detail: str


def _database_status() -> str:
    """ "ok", or "error: <exception class>" when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure is reported, not raised
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _cache_check() -> Check:
    """The cache (login throttling, API throttling) keeps and returns a value."""
    token = secrets.token_hex(8)
    try:
        cache.set("status-check", token, 30)
        ok = cache.get("status-check") == token
    except Exception as exc:  # e.g. the database cache table was never created
        return Check(_("Cache"), False, _("Erreur : %(error)s") % {"error": exc.__class__.__name__})
    return Check(_("Cache"), ok, _("Opérationnel") if ok else _("La valeur écrite n'a pas été relue."))


def _task_queue_check() -> Check:
    """The background tasks (e-mails): how many wait for the worker process, and since when."""
    name = _("File des tâches de fond")
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return Check(name, True, _("Tâches exécutées sans file d'attente (%(backend)s).") % {"backend": backend})
    from django_tasks_db.models import DBTaskResult  # only with the database backend installed and migrated

    now = timezone.now()
    try:
        waiting = DBTaskResult.objects.ready()
        count = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        failed = DBTaskResult.objects.failed().filter(finished_at__gte=now - datetime.timedelta(days=1)).count()
    except Exception as exc:  # the table is missing or the database is down
        return Check(name, False, _("Erreur : %(error)s") % {"error": exc.__class__.__name__})
    late = oldest is not None and now - oldest > TASK_BACKLOG_ALERT
    parts = [
        ngettext("%(count)d tâche en attente.", "%(count)d tâches en attente.", count) % {"count": count}
        if count
        else _("Aucune tâche en attente.")
    ]
    if late:
        parts.append(_("La plus ancienne attend depuis plus de 10 minutes : le processus worker est-il démarré ?"))
    if failed:
        parts.append(
            ngettext(
                "%(count)d tâche en échec ces dernières 24 heures.",
                "%(count)d tâches en échec ces dernières 24 heures.",
                failed,
            )
            % {"count": failed}
        )
    return Check(name, not late, " ".join(parts))


@functools.cache
def platform_version() -> str:
    """The version of the platform, from pyproject.toml."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return _("inconnue")


@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Liveness and database status for load balancers and monitoring."""
    database = _database_status()
    ok = database == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "vendor": connection.vendor},
        status=200 if ok else 503,
    )


@never_cache
def status_view(request: HttpRequest) -> HttpResponse:
    """The service's state for people (the footer's « État du service »): database, cache, task queue, version."""
    database = _database_status()
    checks = [
        Check(
            _("Base de données"),
            database == "ok",
            _("Opérationnelle (%(vendor)s)") % {"vendor": connection.vendor}
            if database == "ok"
            else _("Erreur : %(error)s") % {"error": database.removeprefix("error: ")},
        ),
        _cache_check(),
        _task_queue_check(),
    ]
    ok = all(check.ok for check in checks)
    context = {"checks": checks, "ok": ok, "version": platform_version(), "checked_at": timezone.now()}
    return render(request, "core/status.html", context, status=200 if ok else 503)


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any] | None]:
    """The journal's filter form bound to the query string, and its filters (None when the form has errors)."""
    form = AuditFilterForm(request.GET or None, user=request.user)
    if not form.is_bound:
        return form, {}
    return form, form.cleaned_data if form.is_valid() else None


@staff_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """Operator staff search the audit journal; each entry shows what changed, in French. Bad filters (reversed
    dates, an unknown member) are said on the form, with 400."""
    form, filters = _audit_filters(request)
    if filters is None:
        return render(request, "core/audit_list.html", {"form": form, "page": None}, status=400)
    page = Paginator(selectors.audit_entry_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    entries = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": list(zip(entries, audit_diffs(entries), strict=True)),
        "export_query": query.urlencode(),
    }
    return render(request, "core/audit_list.html", context)


def _export_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters of an export as the audit entry records them (dates as text, empty ones left out)."""
    kept = {name: value for name, value in filters.items() if value not in (None, "", [])}
    return {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in kept.items()}


@staff_required
def audit_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered journal as CSV for an inspection (CNIL, chambre régionale des comptes); the export is itself
    recorded in the journal (« journal exporté »), with its filters and how many entries it holds."""
    form, filters = _audit_filters(request)
    if filters is None:
        errors = " ".join(str(error) for messages in form.errors.values() for error in messages)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    entries = selectors.audit_entry_list(user=request.user, filters=filters)
    # Recorded first, so that even an interrupted download is on file; the export then stops before its own entry.
    export = audit_record(
        actor=request.user,
        action=audit_labels.EXPORT_ACTION,
        object_type=audit_labels.EXPORT_OBJECT_TYPE,
        object_repr=_("Journal d'audit"),
        after={"filters": _export_filters(filters), "entries": entries.count()},
    )
    response, writer = csv_response(f"journal-audit-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(
        [
            _("N°"),
            _("Date"),
            _("Auteur"),
            _("Action"),
            _("Code de l'action"),
            _("Type d'objet"),
            _("Identifiant de l'objet"),
            _("Objet"),
            _("N° d'adhérent"),
            _("Modifications"),
            _("Motif"),
            _("Adresse IP"),
            _("Navigateur ou client"),
            _("Identifiant de requête"),
            _("Empreinte"),
        ]
    )
    chunk: list[AuditEntry] = []

    def write(rows: list[AuditEntry]) -> None:
        for entry, diff in zip(rows, audit_diffs(rows), strict=True):
            writer.writerow(
                [
                    entry.seq,
                    f"{timezone.localtime(entry.created_at):%d/%m/%Y %H:%M:%S}",
                    entry.actor_label,
                    audit_labels.action_label(entry.action),
                    entry.action,
                    audit_labels.object_type_label(entry.object_type) if entry.object_type else "",
                    entry.object_id,
                    entry.object_repr,
                    entry.member_id or "",
                    diff_text(diff),
                    entry.reason,
                    entry.ip_address or "",
                    entry.user_agent or "",
                    entry.request_id or "",
                    entry.hash,
                ]
            )

    for entry in entries.filter(seq__lt=export.seq).iterator(chunk_size=500):
        chunk.append(entry)
        if len(chunk) == 500:
            write(chunk)
            chunk = []
    write(chunk)
    return response


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; POST (« Tout marquer comme lu ») marks them all read."""
    if request.method == "POST":
        services.mark_notifications_read(recipient_id=request.user.pk)
        return redirect("core:notification_list")
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one of the user's notifications: it becomes read, then its link is followed (the list when it has none,
    or a link outside this site). Another user's notification is a 404."""
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)
    services.mark_notifications_read(recipient_id=request.user.pk, notification_id=notification.pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("core:notification_list")

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from mutualis.core import selectors
from mutualis.core.forms import AuditFilterForm
from mutualis.core.permissions import is_operator_staff


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


@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Liveness and database status for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # any database failure is reported, not raised
        database = f"error: {exc.__class__.__name__}"
    ok = database == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "vendor": connection.vendor},
        status=200 if ok else 503,
    )


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """Operator staff browse and filter the audit log."""
    if not is_operator_staff(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.audit_entry_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        selectors.notification_list(user=request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("core:notification_list")
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})

"""Imports of operator files from the back-office: upload (run by the worker), progress polled with HTMX, history,
report of rejected lines. Operator staff read; network officers and administrators upload."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mutualis.core.exports import csv_response
from mutualis.core.formviews import submit_form
from mutualis.core.permissions import staff_required
from mutualis.fibre.filters import ImportFilterSet
from mutualis.fibre.forms import ImportForm
from mutualis.fibre.permissions import can_manage_fibre
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.services import imports as services
from mutualis.fibre.views.backoffice import PAGE_SIZE, _require_manager


@staff_required
def import_list_view(request: HttpRequest) -> HttpResponse:
    """The import history (filtered by layout and status) and, for network officers, the upload form."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require_manager(request)

        def start() -> HttpResponse:
            fibre_import = services.import_submit(acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("Fichier reçu : sa vérification commence."))
            return redirect("fibre:import_detail", pk=fibre_import.pk)

        response = submit_form(request, form, start)
        if response is not None:
            return response
    history = selectors.import_list(user=request.user)
    filterset = ImportFilterSet(request.GET or None, queryset=history)
    valid = not filterset.is_bound or filterset.is_valid()
    page = Paginator(filterset.qs if valid else history, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "filter": filterset, "page": page, "can_manage": can_manage_fibre(request.user)}
    status = 400 if (request.method == "POST" or not valid) else 200
    return render(request, "fibre/backoffice/import_list.html", context, status=status)


@staff_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs (polled), then what it changed or why it was refused."""
    fibre_import = selectors.import_get(user=request.user, pk=pk)
    return render(request, "fibre/backoffice/import_detail.html", {"import": fibre_import})


@staff_required
def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block of an import (the HTMX poll: it stops polling once the import is finished)."""
    fibre_import = selectors.import_get(user=request.user, pk=pk)
    return render(request, "fibre/partials/import_progress.html", {"import": fibre_import})


@staff_required
def import_report_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected lines of an import as CSV (line, column, value, reason)."""
    fibre_import = selectors.import_get(user=request.user, pk=pk)
    response, writer = csv_response(f"fibre-import-{fibre_import.pk}-rejets.csv")
    writer.writerow([_("Ligne"), _("Colonne"), _("Valeur"), _("Motif")])
    for error in fibre_import.rejected_lines:
        writer.writerow([error["line"], error["column"], error["value"], error["reason"]])
    return response

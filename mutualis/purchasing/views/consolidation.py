"""Operator pages of consolidation: validated orders grouped by lot and supplier, consolidated purchase orders
(printable) and their CSV and PDF exports."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.exports import csv_decimal, csv_response
from mutualis.core.formviews import submit_form
from mutualis.core.permissions import staff_required
from mutualis.purchasing.models import Lot, Supplier
from mutualis.purchasing.pdf import consolidated_order_pdf
from mutualis.purchasing.permissions import can_manage_purchasing
from mutualis.purchasing.selectors import orders as selectors
from mutualis.purchasing.services import consolidation as services

PAGE_SIZE = 25


class ConsolidationFilterForm(forms.Form):
    """Search the consolidated orders already sent."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Numéro de commande groupée ou de bon de commande, titulaire, accord-cadre."),
    )


class ConsolidateForm(forms.Form):
    """The lot and supplier whose validated orders are consolidated."""

    lot = forms.IntegerField(widget=forms.HiddenInput)
    supplier = forms.IntegerField(widget=forms.HiddenInput)


@staff_required
def consolidation_list_view(request: HttpRequest) -> HttpResponse:
    """Validated orders awaiting consolidation, by lot and supplier, and the consolidated orders already sent."""
    return render(request, "purchasing/consolidation/list.html", _list_context(request))


def _list_context(request: HttpRequest) -> dict[str, Any]:
    """The groups awaiting consolidation and a page of the consolidated orders sent (searched by `q`)."""
    filter_form = ConsolidationFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    sent = selectors.consolidated_order_list(user=request.user, filters=filters)
    return {
        "groups": selectors.consolidation_groups(user=request.user),
        "filter_form": filter_form,
        "filtered": bool(filters.get("q")),
        "page": Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_consolidate": can_manage_purchasing(request.user),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def consolidation_create_view(request: HttpRequest) -> HttpResponse:
    """Purchasing officers: GET shows what the consolidated purchase order of a lot and supplier will send (orders,
    members, totals) for confirmation; POST creates it and its orders are sent."""
    if not can_manage_purchasing(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return _confirmation(request)
    form = ConsolidateForm(request.POST)

    def create() -> HttpResponse:
        lot = get_object_or_404(Lot, pk=form.cleaned_data["lot"])
        supplier = get_object_or_404(Supplier, pk=form.cleaned_data["supplier"])
        consolidation = services.consolidated_order_create(lot=lot, supplier=supplier, acting_user=request.user)
        messages.success(request, _("Commande groupée %(number)s créée et envoyée.") % {"number": consolidation.number})
        return redirect("purchasing:consolidation_detail", pk=consolidation.pk)

    if response := submit_form(request, form, create):
        return response
    # The form has only hidden fields: its errors (the service's reason) are told in a message above the list.
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return render(request, "purchasing/consolidation/list.html", _list_context(request), status=400)


def _confirmation(request: HttpRequest) -> HttpResponse:
    form = ConsolidateForm(request.GET)
    if not form.is_valid():
        raise Http404
    lot = get_object_or_404(Lot.objects.select_related("agreement"), pk=form.cleaned_data["lot"])
    supplier = get_object_or_404(Supplier, pk=form.cleaned_data["supplier"])
    orders = list(selectors.consolidation_candidates(user=request.user, lot=lot, supplier=supplier))
    context = {
        "lot": lot,
        "supplier": supplier,
        "orders": orders,
        "members": len({order.member_id for order in orders}),
        "total_ht": sum((order.total_ht for order in orders), Decimal("0")),
        "total_ttc": sum((order.total_ttc for order in orders), Decimal("0")),
    }
    return render(request, "purchasing/consolidation/confirm.html", context)


@staff_required
def consolidation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A consolidated purchase order, printable (print CSS): quantities per item and the orders it gathers."""
    consolidation = selectors.consolidated_order_get(user=request.user, pk=pk)
    totals = selectors.consolidated_totals(consolidation=consolidation)
    context = {
        "consolidation": consolidation,
        "items": selectors.consolidated_items(consolidation=consolidation),
        "orders": consolidation.orders.select_related("member", "site").order_by("member__name", "number"),
        "lines": list(selectors.consolidated_lines(consolidation=consolidation)),
        "totals": totals,
        "total_vat": totals["vat"],
    }
    return render(request, "purchasing/consolidation/detail.html", context)


@staff_required
def consolidation_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """CSV of a consolidated order's lines (UTF-8 with BOM, `;`, decimal comma: opens in a spreadsheet)."""
    consolidation = selectors.consolidated_order_get(user=request.user, pk=pk)
    response, writer = csv_response(f"{consolidation.number}.csv")
    writer.writerow(
        [
            _("Commande groupée"),
            _("Bon de commande"),
            _("Adhérent"),
            _("SIREN"),
            _("Site de livraison"),
            _("Numéro EJ"),
            _("Code service"),
            _("Référence"),
            _("Désignation"),
            _("Quantité"),
            _("Prix unitaire HT (€)"),
            _("Taux de TVA (%)"),
            _("Montant HT (€)"),
        ]
    )
    for line in selectors.consolidated_lines(consolidation=consolidation):
        order = line.order
        writer.writerow(
            [
                consolidation.number,
                order.number,
                order.member.name,
                order.member.siren,
                order.site.name if order.site else "",
                order.ej_number,
                order.service_code,
                line.item.reference,
                line.item.label,
                line.quantity,
                csv_decimal(line.unit_price_ht),
                csv_decimal(line.vat_rate),
                csv_decimal((line.unit_price_ht * line.quantity).quantize(Decimal("0.01"))),
            ]
        )
    return response


@staff_required
def consolidation_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The consolidated purchase order as a PDF to send to the supplier (operator staff)."""
    consolidation = selectors.consolidated_order_get(user=request.user, pk=pk)
    response = HttpResponse(consolidated_order_pdf(consolidation=consolidation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{consolidation.number}.pdf"'
    return response

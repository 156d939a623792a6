"""Invoice pages: invoices due and overdue, an invoice with its payment clock explained, registration, suspension,
resumption, payment, and the Chorus Pro export (CSV / JSON)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.exports import csv_decimal, csv_response
from mutualis.core.formviews import form_page
from mutualis.purchasing.forms.invoices import (
    InvoiceFilterForm,
    InvoiceForm,
    InvoicePayForm,
    InvoiceResumeForm,
    InvoiceSuspendForm,
)
from mutualis.purchasing.permissions import invoice_abilities, order_fulfilment_abilities
from mutualis.purchasing.selectors.invoices import invoice_get, invoice_list, invoice_overdue_totals, with_clocks
from mutualis.purchasing.selectors.orders import order_get
from mutualis.purchasing.services import invoices as services

PAGE_SIZE = 25


def _filters(request: HttpRequest) -> tuple[InvoiceFilterForm, dict[str, Any]]:
    form = InvoiceFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    filters["sort"] = filters.get("sort") or "due"  # most urgent first unless asked otherwise
    return form, filters


@login_required
def invoice_list_view(request: HttpRequest) -> HttpResponse:
    """Invoices due and overdue, most urgent first, with due date, days late and interest owed today: filtered,
    sorted and paginated in SQL; only the page's invoices get their full clock; totals from SQL aggregates."""
    form, filters = _filters(request)
    today = timezone.localdate()
    page = Paginator(invoice_list(user=request.user, filters=filters, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_clocks(page.object_list, today=today)
    totals = invoice_overdue_totals(user=request.user, filters=filters, today=today)
    return render(request, "purchasing/invoices/invoice_list.html", {"form": form, "page": page, "totals": totals})


@login_required
def invoice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An invoice with its payment clock explained: start, suspensions, due date, interest formula."""
    invoice = invoice_get(user=request.user, pk=pk)
    invoice.clock = with_clocks([invoice])[0].clock
    abilities = invoice_abilities(request.user, invoice)
    context = {"invoice": invoice, "clock": invoice.clock, "abilities": abilities, "today": timezone.localdate()}
    return render(request, "purchasing/invoices/invoice_detail.html", context)


@login_required
def invoice_create_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Register the supplier's invoice of a certified order."""
    order = order_get(user=request.user, pk=order_id)
    if not order_fulfilment_abilities(request.user, order)["register_invoice"]:
        raise PermissionDenied
    form = InvoiceForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        invoice = services.invoice_register(order=order, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Facture enregistrée."))
        return redirect("purchasing:invoice_detail", pk=invoice.pk)

    return form_page(
        request, form, template="purchasing/invoices/invoice_form.html", on_valid=save, context={"order": order}
    )


def _invoice_action(
    request: HttpRequest, pk: int, *, ability: str, form_class: Any, service: Any, template: str, done: str
) -> HttpResponse:
    invoice = invoice_get(user=request.user, pk=pk)
    if not invoice_abilities(request.user, invoice)[ability]:
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        service(invoice=invoice, acting_user=request.user, **form.cleaned_data)
        messages.success(request, done)
        return redirect("purchasing:invoice_detail", pk=invoice.pk)

    invoice.clock = with_clocks([invoice])[0].clock
    return form_page(
        request, form, template=template, on_valid=save, context={"invoice": invoice, "clock": invoice.clock}
    )


@login_required
def invoice_suspend_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend the payment clock while documents are missing (CCP R2192-29)."""
    return _invoice_action(
        request,
        pk,
        ability="suspend",
        form_class=InvoiceSuspendForm,
        service=services.invoice_suspend,
        template="purchasing/invoices/invoice_suspend.html",
        done=_("Délai de paiement suspendu."),
    )


@login_required
def invoice_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The missing documents arrived: the payment clock runs again."""
    return _invoice_action(
        request,
        pk,
        ability="resume",
        form_class=InvoiceResumeForm,
        service=services.invoice_resume,
        template="purchasing/invoices/invoice_resume.html",
        done=_("Délai de paiement repris."),
    )


@login_required
def invoice_pay_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the payment after a confirmation page showing the interest and flat fee owed."""
    return _invoice_action(
        request,
        pk,
        ability="pay",
        form_class=InvoicePayForm,
        service=services.invoice_pay,
        template="purchasing/invoices/invoice_pay.html",
        done=_("Paiement enregistré."),
    )


def chorus_record(invoice: Any) -> dict[str, Any]:
    """The fields Chorus Pro requires for an invoice: supplier and buyer SIRET, EJ, service code, amounts, lines."""
    order, member = invoice.order, invoice.order.member
    buyer_siret = member.siret or ""
    return {
        "invoice_number": invoice.number,
        "invoice_date": invoice.invoice_date.isoformat(),
        "received_on": invoice.received_on.isoformat(),
        "supplier_name": invoice.supplier.name,
        "supplier_siret": invoice.supplier.siret,
        "buyer_name": member.name,
        "buyer_siret": buyer_siret,
        "buyer_siren": member.siren,
        "buyer_note": "" if buyer_siret else _("SIRET de l'acheteur non renseigné : SIREN fourni à la place."),
        "order_number": order.number,
        "ej_number": order.ej_number,
        "service_code": order.service_code,
        "amount_ht": str(invoice.amount_ht),
        "amount_vat": str(invoice.amount_vat),
        "amount_ttc": str(invoice.amount_ttc),
        "status": invoice.status,
        "status_label": invoice.get_status_display(),
        "lines": [
            {
                "reference": line.item.reference,
                "label": line.item.label,
                "quantity": line.quantity,
                "unit_price_ht": str(line.unit_price_ht),
                "vat_rate": str(line.vat_rate),
                "amount_ht": str((line.unit_price_ht * line.quantity).quantize(Decimal("0.01"))),
            }
            for line in order.lines.all()
        ],
    }


def _export_queryset(request: HttpRequest) -> Any:
    _form, filters = _filters(request)
    return invoice_list(user=request.user, filters=filters).prefetch_related("order__lines__item")


# The CSV's columns: the record's key and its French header (the JSON keeps the keys: programs read it).
CSV_COLUMNS = [
    ("invoice_number", gettext_lazy("Numéro de facture")),
    ("invoice_date", gettext_lazy("Date de facture")),
    ("received_on", gettext_lazy("Reçue le")),
    ("supplier_name", gettext_lazy("Fournisseur")),
    ("supplier_siret", gettext_lazy("SIRET du fournisseur")),
    ("buyer_name", gettext_lazy("Acheteur")),
    ("buyer_siret", gettext_lazy("SIRET de l'acheteur")),
    ("buyer_siren", gettext_lazy("SIREN de l'acheteur")),
    ("buyer_note", gettext_lazy("Remarque")),
    ("order_number", gettext_lazy("Bon de commande")),
    ("ej_number", gettext_lazy("Numéro EJ")),
    ("service_code", gettext_lazy("Code service")),
    ("amount_ht", gettext_lazy("Montant HT (€)")),
    ("amount_vat", gettext_lazy("TVA (€)")),
    ("amount_ttc", gettext_lazy("Montant TTC (€)")),
    ("status_label", gettext_lazy("Statut")),
]
LINE_COLUMNS = [
    ("reference", gettext_lazy("Référence de l'article")),
    ("label", gettext_lazy("Désignation")),
    ("quantity", gettext_lazy("Quantité")),
    ("unit_price_ht", gettext_lazy("Prix unitaire HT (€)")),
    ("vat_rate", gettext_lazy("Taux de TVA (%)")),
    ("amount_ht", gettext_lazy("Montant HT de la ligne (€)")),
]
# Amounts and rates, written with a decimal comma in the CSV (the JSON keeps "600.00").
DECIMAL_KEYS = {"amount_ht", "amount_vat", "amount_ttc", "unit_price_ht", "vat_rate"}


def _csv_cells(record: dict[str, Any], columns: list[tuple[str, Any]]) -> list[Any]:
    return [csv_decimal(Decimal(record[key])) if key in DECIMAL_KEYS else record[key] for key, _label in columns]


@login_required
def invoice_export_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered invoices for Chorus Pro as CSV: one row per invoice line (invoice fields repeated), French
    headers and statuses, decimal commas, like every CSV export."""
    response, writer = csv_response("factures-chorus.csv")
    writer.writerow([str(label) for _key, label in CSV_COLUMNS + LINE_COLUMNS])
    for invoice in _export_queryset(request):
        record = chorus_record(invoice)
        head = _csv_cells(record, CSV_COLUMNS)
        if not record["lines"]:
            writer.writerow(head + [""] * len(LINE_COLUMNS))
        for line in record["lines"]:
            writer.writerow(head + _csv_cells(line, LINE_COLUMNS))
    return response


@login_required
def invoice_export_json_view(request: HttpRequest) -> HttpResponse:
    """The filtered invoices for Chorus Pro as JSON: a list of invoices with their lines."""
    data = {"invoices": [chorus_record(invoice) for invoice in _export_queryset(request)]}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="factures-chorus.json"'
    return response

"""Delivery pages of an order: the deliveries received, a new delivery, the certification of service fait."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mutualis.core.formviews import form_page
from mutualis.purchasing.forms.invoices import DeliveryForm, ServiceCertifyForm
from mutualis.purchasing.permissions import order_fulfilment_abilities
from mutualis.purchasing.selectors.deliveries import delivery_list
from mutualis.purchasing.selectors.invoices import order_invoices, with_clocks
from mutualis.purchasing.selectors.orders import order_get, order_lines
from mutualis.purchasing.services.deliveries import delivery_record, service_certify


@login_required
def delivery_list_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """The deliveries of an order, its lines' delivered quantities, service fait and invoices, with the actions."""
    order = order_get(user=request.user, pk=order_id)
    context = {
        "order": order,
        "lines": order_lines(order=order),
        "deliveries": delivery_list(user=request.user, order=order),
        "invoices": with_clocks(order_invoices(order=order)),
        "abilities": order_fulfilment_abilities(request.user, order),
    }
    return render(request, "purchasing/deliveries/delivery_list.html", context)


@login_required
def delivery_create_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Record a delivery: one row per order line (quantity, serial numbers), reservations."""
    order = order_get(user=request.user, pk=order_id)
    if not order_fulfilment_abilities(request.user, order)["record_delivery"]:
        raise PermissionDenied
    form = DeliveryForm(request.POST if request.method == "POST" else None, order_lines=order_lines(order=order))

    def save() -> HttpResponse:
        delivery_record(
            order=order,
            delivered_on=form.cleaned_data["delivered_on"],
            lines=form.lines(),
            reservations=form.cleaned_data["reservations"],
            delivery_note=form.cleaned_data["delivery_note"],
            acting_user=request.user,
        )
        return _to_deliveries(request, order, _("Livraison enregistrée."))

    return form_page(
        request,
        form,
        template="purchasing/deliveries/delivery_form.html",
        on_valid=save,
        context={"order": order},
        field_map=form.error_field_map(),
    )


@login_required
def service_certify_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Certify service fait on a delivered order, with the execution date."""
    order = order_get(user=request.user, pk=order_id)
    if not order_fulfilment_abilities(request.user, order)["certify_service"]:
        raise PermissionDenied
    deliveries = list(delivery_list(user=request.user, order=order))
    last_delivery = deliveries[-1] if deliveries else None
    # Service fait is usually certified on receiving the last delivery: its date is the likely execution date.
    initial = {"execution_date": last_delivery.delivered_on} if last_delivery else {}
    form = ServiceCertifyForm(request.POST if request.method == "POST" else None, initial=initial)

    def save() -> HttpResponse:
        service_certify(order=order, execution_date=form.cleaned_data["execution_date"], acting_user=request.user)
        return _to_deliveries(request, order, _("Service fait certifié."))

    return form_page(
        request,
        form,
        template="purchasing/deliveries/service_certify.html",
        on_valid=save,
        context={
            "order": order,
            "first_delivery": deliveries[0] if deliveries else None,
            "last_delivery": last_delivery,
        },
    )


def _to_deliveries(request: HttpRequest, order: Any, done: str) -> HttpResponse:
    """Back to the order's deliveries page, saying what was recorded."""
    messages.success(request, done)
    return redirect("purchasing:delivery_list", order_id=order.pk)

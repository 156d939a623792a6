"""Delivery pages of an order: the deliveries received, a new delivery, the certification of service fait."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mutualis.core.forms import apply_service_errors
from mutualis.purchasing.forms.invoices import DeliveryForm, ServiceCertifyForm
from mutualis.purchasing.permissions import order_fulfilment_abilities
from mutualis.purchasing.selectors.deliveries import delivery_list
from mutualis.purchasing.selectors.invoices import order_invoices
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
        "invoices": order_invoices(order=order),
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
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                delivery_record(
                    order=order,
                    delivered_on=form.cleaned_data["delivered_on"],
                    lines=form.lines(),
                    reservations=form.cleaned_data["reservations"],
                    delivery_note=form.cleaned_data["delivery_note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, form.error_field_map())
            else:
                messages.success(request, _("Livraison enregistrée."))
                return redirect("purchasing:delivery_list", order_id=order.pk)
        status = 400
    return render(request, "purchasing/deliveries/delivery_form.html", {"order": order, "form": form}, status=status)


@login_required
def service_certify_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Certify service fait on a delivered order, with the execution date."""
    order = order_get(user=request.user, pk=order_id)
    if not order_fulfilment_abilities(request.user, order)["certify_service"]:
        raise PermissionDenied
    form = ServiceCertifyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service_certify(
                    order=order,
                    execution_date=form.cleaned_data["execution_date"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Service fait certifié."))
                return redirect("purchasing:delivery_list", order_id=order.pk)
        status = 400
    context = {"order": order, "form": form, "first_delivery": delivery_list(user=request.user, order=order).first()}
    return render(request, "purchasing/deliveries/service_certify.html", context, status=status)

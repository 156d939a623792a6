"""Pages of orders: the basket, the members' order list and order page, the operator's validation queue."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_status, submit_form
from mutualis.core.permissions import is_operator_staff
from mutualis.purchasing.choices import REASON_REQUIRED, OrderStatus
from mutualis.purchasing.forms.orders import (
    BackofficeOrderFilterForm,
    LineQuantityForm,
    OrderFilterForm,
    OrderUpdateForm,
    TransitionForm,
)
from mutualis.purchasing.permissions import (
    can_manage_purchasing,
    get_abilities,
    order_allowed_transitions,
    order_fulfilment_abilities,
)
from mutualis.purchasing.selectors import orders as selectors
from mutualis.purchasing.selectors.deliveries import delivery_list
from mutualis.purchasing.selectors.invoices import order_invoices
from mutualis.purchasing.services import orders as services

PAGE_SIZE = 50
# Labels of the buttons of each transition (the status names describe states, not actions).
ACTION_LABELS = {
    OrderStatus.SUBMITTED: _("Soumettre la commande"),
    OrderStatus.APPROVED: _("Approuver la commande"),
    OrderStatus.VALIDATED: _("Valider la commande"),
    OrderStatus.REJECTED: _("Refuser la commande"),
    OrderStatus.CANCELLED: _("Annuler la commande"),
}


def _bound_filters(form: Any) -> tuple[dict[str, Any], int]:
    if not form.is_bound:
        return {}, 200
    if form.is_valid():
        return form.cleaned_data, 200
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}, 400


@login_required
def basket_view(request: HttpRequest) -> HttpResponse:
    """The user's draft orders, one per member and lot, with their lines and totals."""
    orders = list(selectors.basket_list(user=request.user))
    for order in orders:
        order.saving = selectors.savings(order)
        order.line_rows = [
            {"line": line, "form": LineQuantityForm(initial={"quantity": line.quantity}, prefix=f"line-{line.pk}")}
            for line in order.lines.all()
        ]
    return render(request, "purchasing/orders/basket.html", {"orders": orders})


@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    """The orders of the user's members (every order for operator staff), with filters and pagination."""
    form = OrderFilterForm(request.GET or None)
    filters, status = _bound_filters(form)
    page = Paginator(selectors.order_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "purchasing/orders/list.html", {"form": form, "page": page}, status=status)


def _detail_context(request: HttpRequest, order: Any, **forms: Any) -> dict[str, Any]:
    abilities = get_abilities(request.user, order)
    allowed = order_allowed_transitions(user=request.user, order=order)
    actions = [
        {"status": status, "label": label, "needs_reason": status in REASON_REQUIRED}
        for status, label in ACTION_LABELS.items()
        if status in allowed
    ]
    lines = list(selectors.order_lines(order=order))
    order.saving = selectors.savings(order)
    return {
        "order": order,
        "abilities": abilities,
        "actions": actions,
        "lines": [
            {"line": line, "form": LineQuantityForm(initial={"quantity": line.quantity}, prefix=f"line-{line.pk}")}
            for line in lines
        ],
        "history": selectors.order_history(order=order),
        "saving": selectors.savings(order),
        "needs_approval": selectors.needs_approval(order),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "follow_up": _follow_up(request, order),
    }


def _follow_up(request: HttpRequest, order: Any) -> dict[str, Any]:
    """What the order page links to downstream: its deliveries (once there is one, or something to record), its
    invoices, its consolidated purchase order (a staff page) and, for staff, its audit trail."""
    fulfilment = order_fulfilment_abilities(request.user, order)
    deliveries = delivery_list(user=request.user, order=order).count()
    acts = fulfilment["record_delivery"] or fulfilment["certify_service"] or fulfilment["register_invoice"]
    staff = is_operator_staff(request.user)
    return {
        "deliveries": deliveries if deliveries or acts else None,
        "invoices": list(order_invoices(order=order)) if fulfilment["view_invoices"] else [],
        "consolidation_link": staff,  # the consolidated purchase order's page is a staff page
        "audit": staff,
    }


@login_required
def order_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An order: lines, totals, references, history and the buttons its abilities allow."""
    order = selectors.order_get(user=request.user, pk=pk)
    return render(request, "purchasing/orders/detail.html", _detail_context(request, order))


@login_required
def order_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delivery site and references of a draft order (agents and managers of the member)."""
    order = selectors.order_get(user=request.user, pk=pk)
    if not get_abilities(request.user, order)["update"]:
        raise PermissionDenied
    form = OrderUpdateForm(request.POST if request.method == "POST" else None, instance=order)

    def save() -> HttpResponse:
        services.order_update(order=order, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Commande %(number)s enregistrée.") % {"number": order.number})
        return redirect("purchasing:order_detail", pk=order.pk)

    if response := submit_form(request, form, save):
        return response
    if request.method == "POST":
        order.refresh_from_db()  # the model form wrote the rejected values on the instance
    context = {"order": order, "form": form}
    return render(request, "purchasing/orders/update.html", context, status=form_status(request, form))


@login_required
@require_POST
def order_line_update_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Change a line's quantity in a draft order."""
    order = selectors.order_get(user=request.user, pk=pk)
    line = selectors.order_line_get(user=request.user, order=order, pk=line_pk)
    if not get_abilities(request.user, order)["update"]:
        raise PermissionDenied
    form = LineQuantityForm(request.POST, prefix=f"line-{line.pk}")

    def save() -> HttpResponse:
        services.order_line_update(line=line, quantity=form.cleaned_data["quantity"], acting_user=request.user)
        messages.success(request, _("Quantité mise à jour."))
        return redirect(_back(request, order))

    if response := submit_form(request, form, save):
        return response
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back_response(request, order)


def _back(request: HttpRequest, order: Any) -> str:
    # The basket and the order page both edit lines; go back where the user came from.
    if request.POST.get("next") == "basket":
        return reverse("purchasing:basket")
    return reverse("purchasing:order_detail", args=[order.pk])


def _back_response(request: HttpRequest, order: Any) -> HttpResponse:
    order.refresh_from_db()
    return render(request, "purchasing/orders/detail.html", _detail_context(request, order), status=400)


@login_required
@require_POST
def order_line_remove_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Remove a line from a draft order."""
    order = selectors.order_get(user=request.user, pk=pk)
    line = selectors.order_line_get(user=request.user, order=order, pk=line_pk)
    if not get_abilities(request.user, order)["update"]:
        raise PermissionDenied
    services.order_line_remove(line=line, acting_user=request.user)
    messages.success(request, _("Ligne supprimée."))
    return redirect(_back(request, order))


@login_required
@require_POST
def order_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, approve, validate, reject or cancel an order (a reason is required to reject or cancel)."""
    order = selectors.order_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid() and form.cleaned_data["to_status"] not in order_allowed_transitions(
        user=request.user, order=order
    ):
        raise PermissionDenied

    def move() -> HttpResponse:
        to_status = form.cleaned_data["to_status"]
        services.order_transition(
            order=order, to_status=to_status, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("Commande %(number)s : %(status)s.") % {"number": order.number, "status": OrderStatus(to_status).label},
        )
        if request.POST.get("next") == "queue" and is_operator_staff(request.user):
            return redirect("purchasing:backoffice_order_list")
        return redirect("purchasing:order_detail", pk=order.pk)

    if response := submit_form(request, form, move):
        return response
    order.refresh_from_db()
    context = _detail_context(request, order, transition_form=form)
    return render(request, "purchasing/orders/detail.html", context, status=400)


@login_required
def backoffice_order_list_view(request: HttpRequest) -> HttpResponse:
    """Operator staff: orders awaiting validation, with filters (status, member, département, agreement, lot)."""
    if not is_operator_staff(request.user):
        raise Http404
    form = BackofficeOrderFilterForm(request.GET or None)
    filters, status = _bound_filters(form)
    page = Paginator(selectors.validation_queue(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for order in page.object_list:
        order.abilities = get_abilities(request.user, order)
        order.no_validation_reason = _no_validation_reason(request.user, order)
    context = {"form": form, "page": page, "transition_form": TransitionForm()}
    return render(request, "purchasing/orders/backoffice_list.html", context, status=status)


def _no_validation_reason(user: Any, order: Any) -> str:
    """Why the validation queue offers no « Valider » for this order ("" when it does), read from its abilities."""
    if order.abilities["validate"]:
        return ""
    if not can_manage_purchasing(user):
        return _("Validation réservée aux acheteurs de la centrale.")
    if order.status == OrderStatus.SUBMITTED:
        # A purchasing officer validates a submitted order unless it awaits its member's approval first.
        return _("En attente d'approbation par l'adhérent.")
    if order.status == OrderStatus.DRAFT:
        return _("Pas encore soumise par l'adhérent.")
    return _("Aucune décision attendue (commande « %(status)s »).") % {"status": order.get_status_display()}

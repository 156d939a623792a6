"""Pages of the members' catalogue: search and filters, item page, "add to basket"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_status, submit_form
from mutualis.purchasing.choices import ORDERING_ROLES
from mutualis.purchasing.forms.orders import BasketAddForm, CatalogueFilterForm
from mutualis.purchasing.selectors import catalogue as selectors
from mutualis.purchasing.services import orders as services

PAGE_SIZE = 24


@login_required
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """The items the user's members may order today, with search, filters and pagination."""
    lots = selectors.catalogue_lots(user=request.user)
    form = CatalogueFilterForm(request.GET or None, lots=lots)
    status = 200
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 400
            filters = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    items = selectors.catalogue_item_list(user=request.user, filters=filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    members = selectors.ordering_members(user=request.user)
    context = {"form": form, "page": page, "has_members": members.exists() or request.user.is_operator_staff}
    return render(request, "purchasing/catalogue/list.html", context, status=status)


def _item_context(request: HttpRequest, item, form: BasketAddForm | None = None) -> dict:
    members = selectors.ordering_members(user=request.user, roles=ORDERING_ROLES)
    members = [m for m in members if selectors.agreement_open_for(item.lot.agreement, m, timezone.localdate())]
    from mutualis.members.models import Member

    member_qs = Member.objects.filter(pk__in=[m.pk for m in members]).order_by("name")
    return {
        "item": item,
        "form": form or BasketAddForm(members=member_qs),
        "can_order": bool(members),
        "member_qs": member_qs,
        "holders": item.lot.lot_holders.select_related("supplier").order_by("rank"),
    }


@login_required
def catalogue_item_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One item: description, unit, current and list prices, saving, and the form to add it to the basket."""
    item = selectors.catalogue_item_get(user=request.user, pk=pk)
    return render(request, "purchasing/catalogue/item.html", _item_context(request, item))


@login_required
@require_POST
def basket_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the item to the basket of the chosen member (agents and managers only)."""
    item = selectors.catalogue_item_get(user=request.user, pk=pk)
    context = _item_context(request, item)
    if not context["can_order"]:
        raise PermissionDenied
    form = BasketAddForm(request.POST, members=context["member_qs"])

    def add() -> HttpResponse:
        quantity = form.cleaned_data["quantity"]
        line = services.basket_add(
            member=form.cleaned_data["member"], item=item, quantity=quantity, acting_user=request.user
        )
        messages.success(
            request,
            _("%(quantity)s × « %(label)s » ajouté au panier (commande %(number)s).")
            % {"quantity": quantity, "label": item.label, "number": line.order.number},
        )
        return redirect(reverse("purchasing:basket"))

    if response := submit_form(request, form, add):
        return response
    context["form"] = form
    return render(request, "purchasing/catalogue/item.html", context, status=form_status(request, form))

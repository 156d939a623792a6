"""ENT resource pages (/education/ressources/): the catalogue, subscriptions and their licences, the assignment
of licences by the établissement's referent, the per-publisher export and the use dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.exports import csv_response
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.permissions import require_ability, staff_required
from mutualis.core.services import audit_record
from mutualis.education.forms import AssignmentForm, ResourceFilterForm, ResourceForm, SubscriptionForm
from mutualis.education.models import Assignment
from mutualis.education.permissions import can_manage_education, get_abilities
from mutualis.education.rules import PUBLISHER_EXPORT_FIELDS
from mutualis.education.selectors import establishments as establishment_selectors
from mutualis.education.selectors import resources as selectors
from mutualis.education.services import resources as services
from mutualis.education.services.establishments import raise_error
from mutualis.purchasing.selectors.orders import order_list

PAGE_SIZE = 25


def _require_manager(request: HttpRequest) -> None:
    require_ability({"manage": can_manage_education(request.user)}, "manage")


@login_required
def resource_list_view(request: HttpRequest) -> HttpResponse:
    """The ENT's catalogue of resources."""
    form = ResourceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.resource_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_manage": can_manage_education(request.user),
        "publishers": selectors.publishers() if can_manage_education(request.user) else [],
    }
    return render(request, "education/resources/list.html", context)


@staff_required
def resource_create_view(request: HttpRequest) -> HttpResponse:
    """Add a resource to the catalogue (education officers)."""
    _require_manager(request)
    form = ResourceForm(request.POST or None, initial={"is_active": True})

    def save() -> HttpResponse:
        services.resource_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Ressource ajoutée au catalogue."))
        return redirect("education:resource_list")

    context = {"title": _("Nouvelle ressource"), "cancel_url": reverse("education:resource_list")}
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


@login_required
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    """The subscriptions the user may read, with licences and assigned counts."""
    form = ResourceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.subscription_list(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "education/resources/subscriptions.html", {"form": form, "page": page})


@staff_required
def subscription_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe an établissement to a resource (education officers); a paid one names its purchasing order."""
    establishment = establishment_selectors.establishment_get(user=request.user, pk=pk)
    _require_manager(request)
    form = SubscriptionForm(request.POST or None)

    def save() -> HttpResponse:
        data = dict(form.cleaned_data)
        number = data.pop("order").strip()
        order = order_list(user=request.user).filter(number__iexact=number).first() if number else None
        if number and order is None:
            raise_error("order", _("Aucun bon de commande de ce numéro."))
        subscription = services.subscription_create(
            establishment=establishment, acting_user=request.user, order=order, **data
        )
        messages.success(request, _("Abonnement enregistré."))
        return redirect("education:subscription_detail", pk=subscription.pk)

    context = {
        "title": _("Abonner %(name)s à une ressource") % {"name": establishment.name},
        "cancel_url": reverse("education:establishment_detail", args=[establishment.pk]),
    }
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


def _subscription_page(request: HttpRequest, subscription, form: AssignmentForm) -> HttpResponse:
    abilities = get_abilities(request.user, subscription)
    context = {
        "subscription": subscription,
        "abilities": abilities,
        "assignments": selectors.assignment_list(subscription=subscription),
        "assigned": selectors.assigned_licences(subscription=subscription),
        "form": form,
    }
    return render(request, "education/resources/subscription_detail.html", context, status=form_status(request, form))


@login_required
def subscription_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A subscription: its licences, who holds them, and (for the referent) the form to assign more."""
    subscription = selectors.subscription_get(user=request.user, pk=pk)
    return _subscription_page(request, subscription, AssignmentForm())


@login_required
def assignment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign licences (the établissement's referent, or education officers); never more than the licences."""
    subscription = selectors.subscription_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, subscription), "assign")
    form = AssignmentForm(request.POST or None)

    def save() -> HttpResponse:
        services.assignment_create(subscription=subscription, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Licences attribuées."))
        return redirect("education:subscription_detail", pk=subscription.pk)

    response = submit_form(request, form, save)
    return response if response is not None else _subscription_page(request, subscription, form)


@login_required
@require_POST
def assignment_revoke_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Take licences back (referent or education officers)."""
    subscription = selectors.subscription_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, subscription), "assign")
    assignment = selectors.assignment_list(subscription=subscription).filter(pk=assignment_pk).first()
    if assignment is not None:
        services.assignment_revoke(assignment=assignment, acting_user=request.user)
        messages.success(request, _("Licences retirées."))
    return redirect("education:subscription_detail", pk=subscription.pk)


@staff_required
def publisher_export_view(request: HttpRequest) -> HttpResponse:
    """A publisher's assignments with only the GAR's minimal fields (RGPD art. 5.1.c), for education officers."""
    _require_manager(request)
    publisher = (request.GET.get("publisher") or "").strip()
    if publisher not in selectors.publishers():
        raise Http404
    rows = selectors.publisher_export_rows(publisher=publisher)
    audit_record(
        actor=request.user,
        action="education.publisher_export",
        object_type=Assignment._meta.label_lower,
        object_repr=publisher,
        after={"publisher": publisher, "rows": len(rows)},
    )
    slug = "".join(c if c.isalnum() else "-" for c in publisher.lower())
    response, writer = csv_response(f"attributions-{slug}-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(PUBLISHER_EXPORT_FIELDS)
    writer.writerows([row[key] for key in PUBLISHER_EXPORT_FIELDS] for row in rows)
    return response


@login_required
def usage_view(request: HttpRequest) -> HttpResponse:
    """Assignment rates per resource, établissement and département over the subscriptions the user may read."""
    sections = []
    for key, title, chart_title in (
        ("resource", _("Par ressource"), _("Taux d'attribution par ressource (%)")),
        ("establishment", _("Par établissement"), _("Taux d'attribution par établissement (%)")),
        ("departement", _("Par département"), _("Taux d'attribution par département (%)")),
    ):
        rows = selectors.usage(user=request.user, by=key)
        sections.append(
            {
                "key": key,
                "title": title,
                "rows": rows,
                "chart_id": f"chart-{key}",
                "chart_title": chart_title,
                "chart": selectors.chart_spec(rows, title=chart_title),
            }
        )
    return render(request, "education/resources/usage.html", {"sections": sections})

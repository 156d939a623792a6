"""Établissement pages (/education/etablissements/): list and detail for everyone in scope; creation, changes,
referents and the import of the Annuaire de l'éducation for education officers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.accounts.models import User
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.permissions import require_ability, staff_required
from mutualis.education.forms import EstablishmentFilterForm, EstablishmentForm, ImportForm, ReferentForm
from mutualis.education.models import Establishment
from mutualis.education.permissions import can_manage_education, get_abilities
from mutualis.education.selectors import establishments as selectors
from mutualis.education.selectors.loans import loan_list
from mutualis.education.selectors.projects import application_list
from mutualis.education.selectors.resources import subscription_list
from mutualis.education.services import establishments as services
from mutualis.education.services.imports import establishment_import, report_rows

PAGE_SIZE = 25


def _require_manager(request: HttpRequest) -> None:
    require_ability({"manage": can_manage_education(request.user)}, "manage")


@login_required
def establishment_list_view(request: HttpRequest) -> HttpResponse:
    """The établissements the user may read, with search, filters and pagination."""
    form = EstablishmentFilterForm(request.GET or None)
    rows = selectors.establishment_list(user=request.user, filters=form.filters() if request.GET else {})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage_education(request.user)}
    return render(request, "education/establishments/list.html", context, status=400 if form.errors else 200)


def _detail_page(request: HttpRequest, establishment: Establishment, referent_form: ReferentForm) -> HttpResponse:
    abilities = get_abilities(request.user, establishment)
    referents = establishment.referents.order_by("last_name", "first_name") if abilities["manage_referents"] else []
    context = {
        "establishment": establishment,
        "abilities": abilities,
        "referents": referents,
        "referent_form": referent_form,
        "subscriptions": subscription_list(user=request.user, filters={"establishment": establishment.pk}),
        "loans": loan_list(user=request.user, filters={"establishment": establishment.pk})[:20],
        "applications": application_list(user=request.user).filter(establishment=establishment),
    }
    return render(request, "education/establishments/detail.html", context, status=form_status(request, referent_form))


@login_required
def establishment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One établissement: identity, figures, subscriptions, loans, projects, referents."""
    establishment = selectors.establishment_get(user=request.user, pk=pk)
    return _detail_page(request, establishment, ReferentForm())


@staff_required
def establishment_create_view(request: HttpRequest) -> HttpResponse:
    """Record an établissement by hand (education officers)."""
    _require_manager(request)
    form = EstablishmentForm(request.POST or None)

    def save() -> HttpResponse:
        establishment = services.establishment_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Établissement enregistré."))
        return redirect("education:establishment_detail", pk=establishment.pk)

    context = {"title": _("Nouvel établissement"), "cancel_url": reverse("education:establishment_list")}
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


@staff_required
def establishment_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an établissement (education officers)."""
    establishment = selectors.establishment_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, establishment), "update")
    form = EstablishmentForm(request.POST or None, initial=EstablishmentForm.initial_for(establishment))

    def save() -> HttpResponse:
        services.establishment_update(establishment=establishment, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Établissement modifié."))
        return redirect("education:establishment_detail", pk=establishment.pk)

    context = {
        "title": _("Modifier %(name)s") % {"name": establishment.name},
        "cancel_url": reverse("education:establishment_list"),
    }
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


@staff_required
def establishment_import_view(request: HttpRequest) -> HttpResponse:
    """Upload an export of the Annuaire de l'éducation: every line checked, all written or none, and the report."""
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = establishment_import(content=upload.read(), acting_user=request.user, filename=upload.name)
            status = 200 if report.committed else 400
        else:
            status = 400
    context = {"form": form, "report": report, "rows": report_rows(report) if report else []}
    return render(request, "education/establishments/import.html", context, status=status)


@staff_required
def referent_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give an account the referent role of the établissement (education officers)."""
    establishment = selectors.establishment_get(user=request.user, pk=pk)
    abilities = get_abilities(request.user, establishment)
    require_ability(abilities, "manage_referents")
    form = ReferentForm(request.POST or None)

    def save() -> HttpResponse:
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            services.raise_error("email", _("Aucun compte avec ce courriel : invitez d'abord la personne."))
        services.referent_add(establishment=establishment, user=user, acting_user=request.user)
        messages.success(request, _("Référent ajouté."))
        return redirect("education:establishment_detail", pk=establishment.pk)

    response = submit_form(request, form, save, field_map={"user": "email"})
    return response if response is not None else _detail_page(request, establishment, form)


@staff_required
@require_POST
def referent_remove_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Withdraw a referent (education officers)."""
    establishment = selectors.establishment_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, establishment), "manage_referents")
    user = establishment.referents.filter(pk=user_pk).first()
    if user is not None:
        services.referent_remove(establishment=establishment, user=user, acting_user=request.user)
        messages.success(request, _("Référent retiré."))
    return redirect("education:establishment_detail", pk=establishment.pk)

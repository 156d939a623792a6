"""Educational project pages (/education/projets/): the calls of each school year, applications by the collèges'
referents, review and selection by education officers, kit loans and the year-end outcome."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mutualis.assets.selectors import asset_list
from mutualis.core.formviews import form_page, submit_form
from mutualis.core.permissions import require_ability, staff_required
from mutualis.education.forms import ApplicationForm, CallForm, DecisionForm, KitLoanForm, OutcomeForm
from mutualis.education.permissions import can_manage_education, get_abilities
from mutualis.education.selectors import projects as selectors
from mutualis.education.services import projects as services
from mutualis.education.services.establishments import raise_error


@login_required
def call_list_view(request: HttpRequest) -> HttpResponse:
    """The project calls, by school year."""
    year = request.GET.get("school_year", "")
    years = selectors.school_years()
    if year and year not in years:
        year = ""
    context = {
        "calls": selectors.call_list(filters={"school_year": year}),
        "years": years,
        "year": year,
        "can_manage": can_manage_education(request.user),
    }
    return render(request, "education/projects/list.html", context)


@staff_required
def call_create_view(request: HttpRequest) -> HttpResponse:
    """Open a project call (education officers)."""
    require_ability({"manage": can_manage_education(request.user)}, "manage")
    form = CallForm(request.POST or None)

    def save() -> HttpResponse:
        call = services.call_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Appel à projets ouvert."))
        return redirect("education:call_detail", pk=call.pk)

    context = {"title": _("Nouvel appel à projets"), "cancel_url": reverse("education:call_list")}
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


@login_required
def call_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A call: its terms, the applications the user may read, and the form to apply."""
    call = selectors.call_get(pk=pk)
    context = {
        "call": call,
        "abilities": get_abilities(request.user, call),
        "applications": selectors.application_list(user=request.user, filters={"call": call.pk}),
        "eligible": call.eligible_establishments.order_by("name"),
    }
    return render(request, "education/projects/call_detail.html", context)


@login_required
def application_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply for a class of a collège (its referent, or education officers)."""
    call = selectors.call_get(pk=pk)
    require_ability(get_abilities(request.user, call), "apply")
    establishments = selectors.applicable_establishments(
        user=request.user, call=call, manage=can_manage_education(request.user)
    )
    form = ApplicationForm(request.POST or None, establishments=establishments)
    if establishments.count() == 1:
        form.fields["establishment"].initial = establishments.first()

    def save() -> HttpResponse:
        application = services.application_submit(call=call, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Candidature déposée."))
        return redirect("education:application_detail", pk=application.pk)

    context = {
        "title": _("Candidater à « %(call)s »") % {"call": call.title},
        "intro": call.theme,
        "cancel_url": reverse("education:call_detail", args=[call.pk]),
        "submit_label": _("Déposer la candidature"),
    }
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


def _application_page(request: HttpRequest, application: Any, **forms: Any) -> HttpResponse:
    defaults = {"decision_form": DecisionForm(), "kit_form": KitLoanForm(), "outcome_form": OutcomeForm()}
    bound = [form for form in forms.values() if form.errors]
    context = (
        {
            "application": application,
            "abilities": get_abilities(request.user, application),
            "kit_loans": application.kit_loans.select_related("asset").order_by("-starts_on"),
        }
        | defaults
        | forms
    )
    return render(request, "education/projects/application_detail.html", context, status=400 if bound else 200)


@login_required
def application_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An application: class, teacher, motivation, decision, kit, outcome."""
    return _application_page(request, selectors.application_get(user=request.user, pk=pk))


@staff_required
def application_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Select or reject an application, within the call's capacity (education officers)."""
    application = selectors.application_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, application), "decide")
    form = DecisionForm(request.POST or None)

    def save() -> HttpResponse:
        services.application_decide(application=application, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Décision enregistrée ; le collège est prévenu."))
        return redirect("education:application_detail", pk=application.pk)

    response = submit_form(request, form, save)
    return response if response is not None else _application_page(request, application, decision_form=form)


@staff_required
def application_kit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lend the call's kit to a selected class (education officers), through the loan service."""
    application = selectors.application_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, application), "lend_kit")
    form = KitLoanForm(request.POST or None)

    def save() -> HttpResponse:
        serial = form.cleaned_data["serial_number"].strip()
        asset = asset_list(user=request.user).filter(serial_number=serial).first()
        if asset is None:
            raise_error("serial_number", _("Aucun équipement de ce numéro de série."))
        loan = services.application_kit_loan(application=application, asset=asset, acting_user=request.user)
        messages.success(request, _("Kit prêté à la classe."))
        return redirect("education:loan_detail", pk=loan.pk)

    response = submit_form(request, form, save, field_map={"asset": "serial_number"})
    return response if response is not None else _application_page(request, application, kit_form=form)


@login_required
def application_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the year-end outcome (the collège's referent or education officers)."""
    application = selectors.application_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, application), "outcome")
    form = OutcomeForm(request.POST or None)

    def save() -> HttpResponse:
        services.application_outcome(application=application, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Bilan enregistré."))
        return redirect("education:application_detail", pk=application.pk)

    response = submit_form(request, form, save)
    return response if response is not None else _application_page(request, application, outcome_form=form)

"""Device loan pages (/education/prets/): loans and overdue loans, lending and taking back (education officers),
the loan agreement as PDF; inclusion programmes' coverage; crisis campaigns with progress and delivery sheets."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.assets.selectors import asset_list
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.permissions import require_ability, staff_required
from mutualis.education.forms import (
    CampaignBeneficiaryForm,
    CampaignForm,
    LoanFilterForm,
    LoanForm,
    LoanReturnForm,
)
from mutualis.education.models import CampaignBeneficiary
from mutualis.education.pdf import loan_agreement_pdf
from mutualis.education.permissions import can_manage_education, get_abilities
from mutualis.education.selectors import loans as selectors
from mutualis.education.selectors.establishments import establishment_list
from mutualis.education.services import loans as services
from mutualis.education.services.establishments import raise_error

PAGE_SIZE = 25


def _require_manager(request: HttpRequest) -> None:
    require_ability({"manage": can_manage_education(request.user)}, "manage")


@login_required
def loan_list_view(request: HttpRequest) -> HttpResponse:
    """The loans the user may read, with search, filters and pagination."""
    form = LoanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.loan_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "can_manage": can_manage_education(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "education/loans/list.html", context)


@login_required
def overdue_list_view(request: HttpRequest) -> HttpResponse:
    """Ongoing loans past their due date."""
    loans = selectors.overdue_list(user=request.user)
    page = Paginator(loans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "education/loans/overdue.html", {"page": page, "today": timezone.localdate()})


@staff_required
def loan_create_view(request: HttpRequest) -> HttpResponse:
    """Lend a device (education officers)."""
    _require_manager(request)
    form = LoanForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate(), "serial_number": request.GET.get("serial_number", "")},
        establishments=establishment_list(user=request.user),
        programmes=selectors.programme_list(user=request.user),
    )

    def save() -> HttpResponse:
        data = dict(form.cleaned_data)
        serial = data.pop("serial_number").strip()
        asset = asset_list(user=request.user).filter(serial_number=serial).first()
        if asset is None:
            raise_error("serial_number", _("Aucun équipement de ce numéro de série."))
        loan = services.loan_create(asset=asset, acting_user=request.user, **data)
        messages.success(request, _("Prêt enregistré : imprimez la convention pour la faire signer."))
        return redirect("education:loan_detail", pk=loan.pk)

    context = {"title": _("Prêter un équipement"), "cancel_url": reverse("education:loan_list")}
    return form_page(
        request,
        form,
        template="education/form.html",
        on_valid=save,
        context=context,
        field_map={"asset": "serial_number"},
    )


def _loan_page(request: HttpRequest, loan: Any, form: LoanReturnForm) -> HttpResponse:
    context = {
        "loan": loan,
        "abilities": get_abilities(request.user, loan),
        "form": form,
        "days_late": selectors.days_late(loan),
    }
    return render(request, "education/loans/detail.html", context, status=form_status(request, form))


@login_required
def loan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A loan: device, borrower, dates, condition; the return form for education officers."""
    loan = selectors.loan_get(user=request.user, pk=pk)
    return _loan_page(request, loan, LoanReturnForm(initial={"returned_on": timezone.localdate()}))


@staff_required
def loan_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a device back (education officers): in stock again, or in repair when damaged."""
    loan = selectors.loan_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, loan), "return")
    form = LoanReturnForm(request.POST or None)

    def save() -> HttpResponse:
        services.loan_return(loan=loan, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Retour enregistré."))
        return redirect("education:loan_detail", pk=loan.pk)

    response = submit_form(request, form, save)
    return response if response is not None else _loan_page(request, loan, form)


@login_required
def loan_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The loan agreement as PDF."""
    loan = selectors.loan_get(user=request.user, pk=pk)
    response = HttpResponse(loan_agreement_pdf(loan=loan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convention-pret-{loan.pk}.pdf"'
    return response


@login_required
def programme_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An inclusion programme: coverage of the pupils with a recognised disability, per collège and in total."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    coverage = selectors.inclusion_coverage(programme=programme)
    return render(request, "education/loans/programme.html", {"programme": programme, "coverage": coverage})


@login_required
def programme_campaign_list_view(request: HttpRequest) -> HttpResponse:
    """Inclusion programmes and crisis campaigns the user may read."""
    context = {
        "programmes": selectors.programme_list(user=request.user),
        "campaigns": [(c, selectors.campaign_progress(c)) for c in selectors.campaign_list(user=request.user)],
        "can_manage": can_manage_education(request.user),
    }
    return render(request, "education/loans/programmes.html", context)


@staff_required
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    """Open a crisis campaign (education officers)."""
    _require_manager(request)
    form = CampaignForm(request.POST or None)

    def save() -> HttpResponse:
        campaign = services.campaign_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Campagne ouverte : ajoutez ses bénéficiaires."))
        return redirect("education:campaign_detail", pk=campaign.pk)

    context = {"title": _("Nouvelle campagne de crise"), "cancel_url": reverse("education:programmes")}
    return form_page(request, form, template="education/form.html", on_valid=save, context=context)


def _campaign_page(
    request: HttpRequest, campaign: Any, form: CampaignBeneficiaryForm, allocation: forms.Form | None = None
) -> HttpResponse:
    context = {
        "allocation": allocation,
        "campaign": campaign,
        "abilities": get_abilities(request.user, campaign),
        "progress": selectors.campaign_progress(campaign),
        "lines": selectors.campaign_lines(campaign=campaign),
        "form": form,
    }
    refused = form.errors or (allocation is not None and allocation.errors)
    return render(request, "education/loans/campaign.html", context, status=400 if refused else 200)


@login_required
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A crisis campaign: its list, progress, allocation and delivery."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = CampaignBeneficiaryForm(establishments=establishment_list(user=request.user))
    return _campaign_page(request, campaign, form)


@staff_required
def campaign_beneficiary_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a beneficiary to the campaign's list (education officers)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, campaign), "update")
    form = CampaignBeneficiaryForm(request.POST or None, establishments=establishment_list(user=request.user))

    def save() -> HttpResponse:
        services.campaign_beneficiary_add(campaign=campaign, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Bénéficiaire ajouté."))
        return redirect("education:campaign_detail", pk=campaign.pk)

    response = submit_form(request, form, save)
    return response if response is not None else _campaign_page(request, campaign, form)


@staff_required
@require_POST
def campaign_allocate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Allocate a device in stock to each beneficiary still waiting (education officers)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, campaign), "allocate")
    allocation = forms.Form(request.POST)  # no field: the service's refusal (not enough stock) shows on it

    def allocate() -> HttpResponse:
        count = services.campaign_allocate(campaign=campaign, acting_user=request.user)
        messages.success(request, _("%(n)d équipement(s) attribué(s).") % {"n": count})
        return redirect("education:campaign_detail", pk=campaign.pk)

    response = submit_form(request, allocation, allocate)
    if response is not None:
        return response
    form = CampaignBeneficiaryForm(establishments=establishment_list(user=request.user))
    return _campaign_page(request, campaign, form, allocation=allocation)


@staff_required
@require_POST
def campaign_deliver_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Record a device handed over at its site (education officers)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    require_ability(get_abilities(request.user, campaign), "deliver")
    line = CampaignBeneficiary.objects.filter(campaign=campaign, pk=line_pk, loan__isnull=False).first()
    if line is not None:
        services.campaign_deliver(line=line, delivered_on=timezone.localdate(), acting_user=request.user)
        messages.success(request, _("Remise enregistrée."))
    return redirect("education:campaign_detail", pk=campaign.pk)


@login_required
def campaign_sheets_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's delivery sheets, one per site, printable."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return render(
        request,
        "education/loans/sheets.html",
        {"campaign": campaign, "sheets": selectors.delivery_sheets(campaign=campaign)},
    )

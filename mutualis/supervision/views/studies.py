"""Site risk study pages (/supervision/etudes/): a member's agent asks for a study of a site; the supervision
operator records the assessment and the recommended catalogue devices and sends the quote; the member orders it in
one step (purchasing's draft orders) or declines it. Members' users see their own members' studies; operators
of supervision all; other staff 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_page, submit_form
from mutualis.core.permissions import is_operator_staff
from mutualis.members.models import Site
from mutualis.members.selectors import member_role
from mutualis.purchasing.choices import ORDERING_ROLES, ItemCategory
from mutualis.purchasing.models import CatalogueItem
from mutualis.supervision.choices_evidence import StudyStatus
from mutualis.supervision.forms_evidence import StudyAssessForm, StudyLineForm, StudyRequestForm
from mutualis.supervision.models import Device
from mutualis.supervision.models.evidence import RiskStudy
from mutualis.supervision.permissions import is_supervision_operator
from mutualis.supervision.selectors import evidence as selectors
from mutualis.supervision.services import studies

FORM = "components/form_page.html"


def _items() -> object:
    return CatalogueItem.objects.filter(is_active=True, category=ItemCategory.VIDEO_PROTECTION).order_by("reference")


def _can_order(request: HttpRequest, study: RiskStudy) -> bool:
    return member_role(user=request.user, member=study.site.member) in ORDERING_ROLES


@login_required
def study_list_view(request: HttpRequest) -> HttpResponse:
    """The studies the user may read."""
    queryset = selectors.study_list(user=request.user)
    if is_operator_staff(request.user) and not is_supervision_operator(request.user):
        raise Http404
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/evidence/study_list.html",
        {"page": page, "operator": is_supervision_operator(request.user)},
    )


@login_required
def study_request_view(request: HttpRequest) -> HttpResponse:
    """A member's agent asks for a security study of one of its sites."""
    if is_operator_staff(request.user):
        raise Http404
    sites = Site.objects.visible_to(request.user).filter(is_active=True).select_related("member").order_by("name")
    form = StudyRequestForm(request.POST or None, sites=sites)

    def save() -> HttpResponse:
        study = studies.study_request(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Demande d'étude transmise au centre de supervision."))
        return redirect("supervision:study_detail", pk=study.pk)

    context = {"title": _("Demander une étude de sûreté"), "cancel_url": reverse("supervision:study_list")}
    return form_page(request, form, template=FORM, on_valid=save, context=context)


def _detail(request: HttpRequest, study: RiskStudy, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    operator = is_supervision_operator(request.user)
    lines, total = studies.study_quote_total(study)
    initial = {"threats": study.threats, "zones": study.zones, "recommendations": study.recommendations}
    context = {
        "study": study,
        "lines": lines,
        "total": total,
        "operator": operator,
        "editable": operator and study.status == StudyStatus.REQUESTED,
        "can_order": _can_order(request, study) and study.status == StudyStatus.QUOTED,
        "assess_form": forms_.get("assess") or StudyAssessForm(initial=initial),
        "line_form": forms_.get("line") or StudyLineForm(items=_items()),
        "orders": study.orders.order_by("number"),
        "devices": Device.objects.filter(asset__purchase__delivery_line__delivery__order__in=study.orders.all())
        if study.pk
        else [],
        "errors": forms_.get("errors", []),
    }
    return render(request, "supervision/evidence/study_detail.html", context, status=status)


@login_required
def study_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A study: the need, the assessment, the quote, the orders and the devices delivered."""
    return _detail(request, selectors.study_get(user=request.user, pk=pk))


@login_required
@require_POST
def study_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST assess, line, quote (operator); order, decline (member)."""
    study = selectors.study_get(user=request.user, pk=pk)
    operator = is_supervision_operator(request.user)
    form: forms.Form
    if action == "assess" and operator:
        form = StudyAssessForm(request.POST)
        message = _("Étude enregistrée.")

        def run() -> HttpResponse:
            studies.study_assess(study=study, acting_user=request.user, **form.cleaned_data)
            return _ok(message)

    elif action == "line" and operator:
        form = StudyLineForm(request.POST, items=_items())
        message = _("Équipement préconisé.")

        def run() -> HttpResponse:
            studies.study_line_add(study=study, acting_user=request.user, **form.cleaned_data)
            return _ok(message)

    elif action == "quote" and operator:
        form = forms.Form(request.POST)
        message = _("Devis transmis à l'adhérent.")

        def run() -> HttpResponse:
            studies.study_send_quote(study=study, acting_user=request.user)
            return _ok(message)

    elif action in {"order", "decline"} and not is_operator_staff(request.user):
        if not _can_order(request, study):
            raise PermissionDenied(_("Seuls les agents et gestionnaires de l'adhérent commandent."))
        form = forms.Form(request.POST)
        message = (
            _("Commande créée : complétez-la et soumettez-la dans vos commandes.")
            if action == "order"
            else _("Devis décliné.")
        )

        def run() -> HttpResponse:
            service = studies.study_order if action == "order" else studies.study_decline
            service(study=study, acting_user=request.user)
            return _ok(message)

    else:
        raise Http404

    def _ok(text: str) -> HttpResponse:
        messages.success(request, text)
        return redirect("supervision:study_detail", pk=study.pk)

    response = submit_form(request, form, run)
    if response is not None:
        return response
    return _detail(request, study, 400, **{action: form, "errors": form.non_field_errors()})

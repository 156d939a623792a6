from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mutualis.contributions import selectors, services
from mutualis.contributions.document import call_document
from mutualis.contributions.forms import CallFilterForm, CancelForm, IssueForm, RateForm, YearForm
from mutualis.contributions.pdf import call_pdf
from mutualis.contributions.permissions import get_abilities
from mutualis.core.exports import csv_decimal, csv_response
from mutualis.core.formviews import form_status, submit_form
from mutualis.members.choices import Competence

PAGE_SIZE = 50


def _require_staff(request: HttpRequest) -> dict[str, bool]:
    # Back-office pages do not exist for members' users: 404, not 403.
    abilities = get_abilities(request.user)
    if not abilities["view_all"]:
        raise Http404
    return abilities


def _year_form(request: HttpRequest, form_class: type[YearForm] = YearForm) -> tuple[YearForm, dict[str, Any], int]:
    """Bind a year (and filters) form to the query string; returns the form, its filters and HTTP status."""
    years = selectors.year_choices(user=request.user)
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(selectors.default_year(user=request.user))
    form = form_class(data, years=years)
    if form.is_valid():
        return form, form.cleaned_data, 200
    filters = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    filters.setdefault("year", selectors.default_year(user=request.user))
    return form, filters, 400


@login_required
def call_list_view(request: HttpRequest) -> HttpResponse:
    """Operator staff: the calls of a year, with search, filters, totals, export and the issue button."""
    abilities = _require_staff(request)
    form, filters, status = _year_form(request, CallFilterForm)
    calls = selectors.call_list(user=request.user, filters=filters)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "year": filters["year"],
        "totals": selectors.call_totals(calls=calls),
        "abilities": abilities,
        "export_query": _export_query(request, filters["year"]),
    }
    return render(request, "contributions/call_list.html", context, status=status)


def _export_query(request: HttpRequest, year: int) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query["year"] = str(year)
    return query.urlencode()


@login_required
def call_export_view(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered calls, one row per call line (UTF-8 with BOM, `;`, decimal comma: opens in a spreadsheet)."""
    _require_staff(request)
    form, filters, status = _year_form(request, CallFilterForm)
    if status != 200:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response, writer = csv_response(f"cotisations-{filters['year']}.csv")
    writer.writerow(
        [
            _("Numéro"),
            _("Année"),
            _("Statut"),
            _("Adhérent"),
            _("SIREN"),
            _("Département"),
            _("Compétence"),
            _("Population"),
            _("Montant par habitant (€)"),
            _("Plancher (€)"),
            _("Jours d'exercice"),
            _("Jours de l'année"),
            _("Montant (€)"),
        ]
    )
    for line in selectors.call_line_list(user=request.user, filters=filters):
        call = line.call
        writer.writerow(
            [
                call.number,
                call.year,
                call.get_status_display(),
                call.member.name,
                call.member.siren,
                call.member.departement.code,
                line.get_competence_display(),
                line.population,
                csv_decimal(line.per_inhabitant),
                csv_decimal(line.floor),
                line.days_in_force,
                line.days_in_year,
                csv_decimal(line.amount),
            ]
        )
    return response


@login_required
def call_issue_view(request: HttpRequest) -> HttpResponse:
    """Administrators: confirm (GET shows what will be issued), then issue the year's calls (POST)."""
    abilities = _require_staff(request)
    if not abilities["issue"]:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    form = IssueForm(source)
    if not form.is_valid():
        return render(request, "contributions/call_issue.html", {"form": form, "plan": None}, status=400)
    year = form.cleaned_data["year"]

    def issue() -> HttpResponse:
        created = services.call_issue_year(year=year, acting_user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d appel de cotisation émis pour %(year)s.",
                "%(count)d appels de cotisation émis pour %(year)s.",
                len(created),
            )
            % {"count": len(created), "year": year},
        )
        return redirect(f"{reverse('contributions:call_list')}?year={year}")

    if response := submit_form(request, form, issue):
        return response
    status = form_status(request, form)
    plan = selectors.call_issue_preview(user=request.user, year=year)
    return render(request, "contributions/call_issue.html", {"form": form, "plan": plan, "year": year}, status=status)


def _rate_rows(request: HttpRequest, year: int, bound: dict[str, RateForm] | None = None) -> list[dict[str, Any]]:
    rates = {rate.competence: rate for rate in selectors.rate_list(user=request.user, year=year)}
    rows = []
    for code, label in Competence.choices:
        rate = rates.get(code)
        initial = {"per_inhabitant": rate.per_inhabitant, "floor": rate.floor} if rate else {}
        form = (bound or {}).get(code) or RateForm(initial=initial, prefix=code)
        rows.append({"code": code, "label": label, "rate": rate, "form": form})
    return rows


@login_required
def rate_list_view(request: HttpRequest) -> HttpResponse:
    """Operator staff: the rate table of a year; administrators change one competence at a time (POST)."""
    abilities = _require_staff(request)
    year_form, filters, status = _year_form(request)
    year = filters["year"]
    bound: dict[str, RateForm] = {}
    if request.method == "POST":
        if not abilities["set_rates"]:
            raise PermissionDenied
        # The submit button of each competence's form carries its code; fields are prefixed with it.
        competence = request.POST.get("competence", "")
        if status == 200 and competence in Competence.values:
            form = RateForm(request.POST, prefix=competence)

            def save() -> HttpResponse:
                services.rate_set(year=year, competence=competence, acting_user=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    _("Taux %(year)s « %(competence)s » enregistré.")
                    % {"year": year, "competence": Competence(competence).label},
                )
                return redirect(f"{reverse('contributions:rate_list')}?year={year}")

            if response := submit_form(request, form, save):
                return response
            bound[competence] = form
        elif status == 200:
            messages.error(request, _("Compétence inconnue."))
        status = 400
    context = _rate_context(request, year_form, year, abilities, bound)
    return render(request, "contributions/rate_list.html", context, status=status)


def _rate_context(
    request: HttpRequest, year_form: YearForm, year: int, abilities: dict[str, bool], bound: Any = None
) -> dict[str, Any]:
    return {"year_form": year_form, "year": year, "rows": _rate_rows(request, year, bound), "abilities": abilities}


def _render_detail(request: HttpRequest, call: Any, cancel_form: CancelForm | None = None, status: int = 200):
    abilities = get_abilities(request.user, call)
    context = {
        "call": call,
        "document": call_document(call),
        "abilities": abilities,
        "cancel_form": cancel_form or CancelForm(),
    }
    return render(request, "contributions/call_detail.html", context, status=status)


@login_required
def call_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable call, for operator staff and the member's own users."""
    call = selectors.call_get(user=request.user, pk=pk)
    return _render_detail(request, call)


@login_required
def call_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The call as a PDF (same content as the printable page), for operator staff and the member's own users."""
    call = selectors.call_get(user=request.user, pk=pk)
    if not get_abilities(request.user, call)["print"]:
        raise Http404
    response = HttpResponse(call_pdf(document=call_document(call)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{call.number}.pdf"'
    return response


@login_required
@require_POST
def call_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators cancel an issued call with a reason; a new call may then be issued."""
    call = selectors.call_get(user=request.user, pk=pk)
    if not get_abilities(request.user, call)["cancel"]:
        raise PermissionDenied
    form = CancelForm(request.POST)

    def cancel() -> HttpResponse:
        services.call_cancel(call=call, reason=form.cleaned_data["reason"], acting_user=request.user)
        messages.success(request, _("L'appel %(number)s est annulé.") % {"number": call.number})
        return redirect("contributions:call_detail", pk=call.pk)

    return submit_form(request, form, cancel) or _render_detail(request, call, cancel_form=form, status=400)


@login_required
def my_calls_view(request: HttpRequest) -> HttpResponse:
    """« Cotisations » of the members' menu: the calls of the user's member, or of each of their members."""
    members = list(selectors.calls_member_list(user=request.user))
    if len(members) == 1:
        return redirect("contributions:member_calls", member_id=members[0].pk)
    if not members and get_abilities(request.user)["view_all"]:
        return redirect("contributions:call_list")
    calls = selectors.call_list(user=request.user, filters={"members": members})
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contributions/my_calls.html", {"members": members, "page": page})


@login_required
def member_calls_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """A member's calls, for its users and operator staff."""
    member = selectors.member_get_for_calls(user=request.user, pk=member_id)
    calls = selectors.call_list(user=request.user, filters={"member": member.pk})
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contributions/member_calls.html", {"member": member, "page": page})

"""Purchasing dashboards: the member's (/achats/tableau-de-bord/) and the operator's (/achats/back-office/...).

Figures come from selectors.dashboards (a constant number of aggregate queries); each chart reads its data from a
json_script block and is followed by a table of the same data (RGAA: text alternative).
"""

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.permissions import is_operator_staff
from mutualis.members import selectors as member_selectors
from mutualis.members.models import Member
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.selectors import dashboards
from mutualis.territory.models import Departement

FIRST_YEAR = 2018


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Operator pages: anonymous users go to the login page; members' users get 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class DashboardFilterForm(forms.Form):
    """The dashboard filters (GET): year, agreement, status — and département for the operator."""

    year = forms.TypedChoiceField(label=gettext_lazy("Année"), required=False, coerce=int, empty_value=None)
    agreement = forms.TypedChoiceField(label=gettext_lazy("Accord-cadre"), required=False, coerce=int, empty_value=None)
    departement = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[("", gettext_lazy("Validées et suivantes"))] + OrderStatus.choices,
    )

    def __init__(self, *args: Any, agreements: list[tuple[int, str]], departements: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["agreement"].choices = [("", _("Tous"))] + agreements
        if departements:
            codes = Departement.objects.order_by("code").values_list("code", "name")
            self.fields["departement"].choices = [("", _("Tous"))] + [(c, f"{c} — {n}") for c, n in codes]
        else:
            del self.fields["departement"]


def _filters(request: HttpRequest, form: DashboardFilterForm) -> tuple[dict[str, Any], int]:
    """Cleaned filters and the page status: bad input shows its errors (400) and the unfiltered figures."""
    if not request.GET:
        return {}, 200
    if form.is_valid():
        return {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}, 200
    return {}, 400


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(label: str, rows: list[dict[str, Any]], key: str, value: str, *, kind: str = "bar", **extra: Any) -> dict:
    """A chart spec for charts.js: labels, one dataset, and how to format its values (euros or percent)."""
    return {
        "type": kind,
        "labels": [str(row[key]) for row in rows],
        "datasets": [{"label": label, "data": [_num(row[value]) for row in rows]}],
        "unit": extra.pop("unit", "euro"),
        **extra,
    }


def _member_page(request: HttpRequest, member: Member, several: bool) -> HttpResponse:
    agreements = dashboards.dashboard_agreement_choices(user=request.user, member=member)
    form = DashboardFilterForm(request.GET or None, agreements=agreements)
    filters, status = _filters(request, form)
    data = dashboards.member_dashboard(user=request.user, member=member, filters=filters)
    charts = {
        "year": _chart(_("Dépenses HT"), data["by_year"], "year", "total_ht"),
        "lot": _chart(_("Dépenses HT"), data["by_lot"], "label", "total_ht", horizontal=True),
        "status": _chart(_("Montant HT"), data["by_status"], "label", "total_ht", horizontal=True),
    }
    context = {"member": member, "several": several, "form": form, "data": data, "charts": charts}
    return render(request, "purchasing/dashboards/member.html", context, status=status)


@login_required
def member_dashboard_view(request: HttpRequest) -> HttpResponse:
    """/achats/tableau-de-bord/: the dashboard of the user's member, or a chooser when they belong to several."""
    members = list(member_selectors.user_member_list(user=request.user))
    if len(members) == 1:
        return _member_page(request, members[0], several=False)
    if not members and is_operator_staff(request.user):
        return redirect("purchasing:operator_dashboard")
    return render(request, "purchasing/dashboards/member_chooser.html", {"members": members})


@login_required
def member_dashboard_member_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """/achats/tableau-de-bord/<id>/: one member's dashboard (another member's answers 404)."""
    member = member_selectors.member_get(user=request.user, pk=member_id)
    several = member_selectors.user_member_list(user=request.user).count() > 1
    return _member_page(request, member, several=several)


@staff_only
def operator_dashboard_view(request: HttpRequest) -> HttpResponse:
    """/achats/back-office/tableau-de-bord/: volumes, lot consumption and savings for the operator's staff."""
    agreements = dashboards.dashboard_agreement_choices(user=request.user)
    form = DashboardFilterForm(request.GET or None, agreements=agreements, departements=True)
    filters, status = _filters(request, form)
    data = dashboards.operator_dashboard(user=request.user, filters=filters)
    charts = {
        "agreement": _chart(_("Volume HT"), data["by_agreement"], "reference", "total_ht", horizontal=True),
        "member": _chart(_("Volume HT"), data["by_member"], "name", "total_ht", horizontal=True),
        "departement": _chart(_("Volume HT"), data["by_departement"], "name", "total_ht"),
        "lots": _chart(
            _("Part du maximum consommée"), data["lots"], "label", "consumed_pct", horizontal=True, unit="percent"
        ),
        "savings": _chart(_("Économies HT"), data["by_agreement"], "reference", "savings_ht", horizontal=True),
    }
    context = {"form": form, "data": data, "charts": charts}
    return render(request, "purchasing/dashboards/operator.html", context, status=status)

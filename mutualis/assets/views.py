"""Equipment pages: the fleet list (search, filters, CSV/XLSX export), an asset with its history and actions."""

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutualis.assets import selectors, services
from mutualis.assets.choices import AssetStatus
from mutualis.assets.forms import AssetFilterForm, AssetMoveForm, AssetTransitionForm
from mutualis.assets.models import Asset
from mutualis.assets.permissions import get_abilities
from mutualis.core.exports import csv_response
from mutualis.core.formviews import form_status, submit_form
from mutualis.core.panels import render_asset_panels

PAGE_SIZE = 25
EXPORT_HEADER = [
    gettext_lazy("Adhérent"),
    gettext_lazy("Site"),
    gettext_lazy("Désignation"),
    gettext_lazy("Fabricant"),
    gettext_lazy("Référence"),
    gettext_lazy("Nature"),
    gettext_lazy("N° de série"),
    gettext_lazy("Statut"),
    gettext_lazy("Livré le"),
    gettext_lazy("Fin de garantie"),
]


def _filtered(request: HttpRequest) -> tuple[AssetFilterForm, Any]:
    form = AssetFilterForm(request.GET or None, user=request.user)
    return form, selectors.asset_list(user=request.user, filters=form.filters() if request.GET else {})


@login_required
def asset_list_view(request: HttpRequest) -> HttpResponse:
    """The fleet the user may see, with search, filters and pagination."""
    form, assets = _filtered(request)
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assets/asset_list.html", {"form": form, "page": page})


def _rows(assets: Any) -> list[list[Any]]:
    return [
        [
            a.member.name,
            a.site.name if a.site else "",
            a.designation,
            a.manufacturer,
            a.reference,
            a.get_kind_display(),
            a.serial_number,
            a.get_status_display(),
            a.delivered_on.isoformat() if a.delivered_on else "",
            a.warranty_end.isoformat() if a.warranty_end else "",
        ]
        for a in assets
    ]


@login_required
def asset_export_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (semicolons, UTF-8 with BOM for spreadsheets)."""
    _form, assets = _filtered(request)
    response, writer = csv_response("equipements.csv")
    writer.writerow([str(h) for h in EXPORT_HEADER])
    writer.writerows(_rows(assets))
    return response


@login_required
def asset_export_xlsx_view(request: HttpRequest) -> HttpResponse:
    """The filtered list as an XLSX workbook."""
    from openpyxl import Workbook

    _form, assets = _filtered(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Équipements"))
    sheet.append([str(h) for h in EXPORT_HEADER])
    for row in _rows(assets):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="equipements.xlsx"'
    return response


def _detail(request: HttpRequest, asset: Asset, status: int = 200, **forms: Any) -> HttpResponse:
    abilities = get_abilities(request.user, asset)
    context = {
        "asset": asset,
        "abilities": abilities,
        "panels": render_asset_panels(asset, request),
        "events": selectors.asset_event_list(asset=asset),
        "transitions": [AssetStatus(s) for s in abilities["transitions"]],
        "move_form": forms.get("move_form")
        or (AssetMoveForm(asset=asset, user=request.user) if abilities["move"] else None),
        "transition_form": forms.get("transition_form"),
    }
    return render(request, "assets/asset_detail.html", context, status=status)


@login_required
def asset_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An asset: its facts, its history, the status changes the user may make."""
    return _detail(request, selectors.asset_get(user=request.user, pk=pk))


@login_required
def asset_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an asset's status (POST); retiring asks for a confirmation page first."""
    asset = selectors.asset_get(user=request.user, pk=pk)
    abilities = get_abilities(request.user, asset)
    if not abilities["transition"]:
        raise PermissionDenied
    if request.method != "POST":
        to_status = request.GET.get("to_status", AssetStatus.RETIRED)
        form = AssetTransitionForm(initial={"to_status": to_status})
        return render(request, "assets/asset_confirm.html", {"asset": asset, "form": form, "to_status": to_status})
    form = AssetTransitionForm(request.POST)

    def on_valid() -> HttpResponse:
        services.asset_transition(
            asset=asset,
            to_status=form.cleaned_data["to_status"],
            acting_user=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Statut de l'équipement mis à jour."))
        return redirect("assets:asset_detail", pk=asset.pk)

    response = submit_form(request, form, on_valid)
    if response is not None:
        return response
    if form.needs_confirmation():
        context = {"asset": asset, "form": form, "to_status": form.cleaned_data["to_status"]}
        return render(request, "assets/asset_confirm.html", context, status=form_status(request, form))
    return _detail(request, asset, status=form_status(request, form), transition_form=form)


@login_required
@require_POST
def asset_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an asset to another site of its member."""
    asset = selectors.asset_get(user=request.user, pk=pk)
    if not get_abilities(request.user, asset)["move"]:
        raise PermissionDenied
    form = AssetMoveForm(request.POST, asset=asset, user=request.user)

    def on_valid() -> HttpResponse:
        services.asset_move(
            asset=asset, site=form.cleaned_data["site"], acting_user=request.user, note=form.cleaned_data["note"]
        )
        messages.success(request, _("Équipement déplacé."))
        return redirect("assets:asset_detail", pk=asset.pk)

    return submit_form(request, form, on_valid) or _detail(
        request, asset, status=form_status(request, form), move_form=form
    )

"""Back-office of the centrale d'achat: suppliers, framework agreements, lots, catalogue, amendments, BPU import;
and the public DECP export.

Operator staff read every page; purchasing officers and administrators write. Members' users get 404.
"""

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_page, submit_form
from mutualis.core.permissions import require_ability, staff_required
from mutualis.members.choices import MemberKind
from mutualis.purchasing.forms.agreements import (
    AgreementEndForm,
    AgreementFilterForm,
    AgreementForm,
    AmendmentForm,
    BpuUploadForm,
    ItemForm,
    LotForm,
    SupplierContactForm,
    SupplierFilterForm,
    SupplierForm,
)
from mutualis.purchasing.permissions import can_manage_purchasing, get_abilities
from mutualis.purchasing.selectors import agreements as selectors
from mutualis.purchasing.selectors.catalogue import agreement_end_date
from mutualis.purchasing.services import agreements as services
from mutualis.purchasing.services.bpu_import import bpu_import, bpu_preview

TEMPLATES = "purchasing/agreements/"
BPU_SESSION_KEY = "purchasing_bpu_uploads"
BPU_UPLOAD_DIR = "private/purchasing/bpu-uploads"
BPU_UPLOAD_TTL_SECONDS = 24 * 3600


_require = require_ability


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_purchasing(request.user):
        raise PermissionDenied


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    on_valid: Callable[[], HttpResponse],
    context: dict[str, Any] | None = None,
    template: str = "form.html",
) -> HttpResponse:
    """core's form_page with this section's template and its title and cancel link."""
    page = {"title": title, "cancel_url": cancel_url} | (context or {})
    return form_page(request, form, template=TEMPLATES + template, on_valid=on_valid, context=page)


# --- Suppliers ------------------------------------------------------------------------------------------------


@staff_required
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    """Suppliers, searchable by name or SIRET, paginated."""
    filter_form = SupplierFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = Paginator(selectors.supplier_list(user=request.user, filters=filters), 25).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "can_manage": can_manage_purchasing(request.user)}
    return render(request, TEMPLATES + "supplier_list.html", context)


@staff_required
def supplier_create_view(request: HttpRequest) -> HttpResponse:
    """Record a supplier (purchasing officers)."""
    _require_manager(request)
    form = SupplierForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        supplier = services.supplier_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Fournisseur « %(name)s » enregistré.") % {"name": supplier.name})
        return redirect("purchasing:backoffice_supplier_detail", pk=supplier.pk)

    return _form_page(
        request,
        form,
        title=_("Nouveau fournisseur"),
        cancel_url=reverse("purchasing:backoffice_supplier_list"),
        on_valid=save,
    )


@staff_required
def supplier_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier: identity, bank account, contacts, lots held."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    context = {
        "supplier": supplier,
        "abilities": get_abilities(request.user, supplier),
        "contact_form": SupplierContactForm(),
    }
    return render(request, TEMPLATES + "supplier_detail.html", context)


@staff_required
def supplier_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a supplier (purchasing officers)."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, supplier), "update")
    form = SupplierForm(request.POST if request.method == "POST" else None, initial=SupplierForm.initial_for(supplier))

    def save() -> HttpResponse:
        services.supplier_update(supplier=supplier, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Fournisseur modifié."))
        return redirect("purchasing:backoffice_supplier_detail", pk=supplier.pk)

    return _form_page(
        request,
        form,
        title=_("Modifier le fournisseur %(name)s") % {"name": supplier.name},
        cancel_url=reverse("purchasing:backoffice_supplier_detail", args=[supplier.pk]),
        on_valid=save,
    )


@staff_required
def supplier_contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a contact to a supplier (purchasing officers)."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, supplier), "update")
    form = SupplierContactForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        services.supplier_contact_create(supplier=supplier, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Contact ajouté."))
        return redirect("purchasing:backoffice_supplier_detail", pk=supplier.pk)

    return _form_page(
        request,
        form,
        title=_("Nouveau contact — %(name)s") % {"name": supplier.name},
        cancel_url=reverse("purchasing:backoffice_supplier_detail", args=[supplier.pk]),
        on_valid=save,
    )


# --- Agreements -----------------------------------------------------------------------------------------------


@staff_required
def agreement_list_view(request: HttpRequest) -> HttpResponse:
    """Framework agreements filtered by status, CPV code and keyword, paginated."""
    filter_form = AgreementFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    agreements = selectors.agreement_list(user=request.user, filters=filters).prefetch_related("lots")
    page = Paginator(agreements, 25).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "can_manage": can_manage_purchasing(request.user)}
    return render(request, TEMPLATES + "agreement_list.html", context)


@staff_required
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    """Record a framework agreement in preparation (purchasing officers)."""
    _require_manager(request)
    form = AgreementForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        agreement = services.agreement_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Accord-cadre « %(ref)s » enregistré.") % {"ref": agreement.reference})
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return _form_page(
        request,
        form,
        title=_("Nouvel accord-cadre"),
        cancel_url=reverse("purchasing:backoffice_agreement_list"),
        on_valid=save,
    )


def _lot_rows(agreement: Any, user: Any) -> list[dict[str, Any]]:
    items = selectors.item_list(user=user, filters={"agreement": agreement.pk})
    by_lot: dict[int, list[Any]] = {}
    for item in items:
        by_lot.setdefault(item.lot_id, []).append(item)
    rows = []
    for lot in agreement.lots.all():
        share = int(lot.consumed_amount_ht * 100 / lot.max_amount_ht) if lot.max_amount_ht else 0
        rows.append(
            {
                "lot": lot,
                "share": min(share, 100),
                "items": by_lot.get(lot.pk, []),
                "abilities": get_abilities(user, lot),
            }
        )
    return rows


@staff_required
def agreement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An agreement: its lots (maximum, minimum, consumption), holders, items with their current price, amendments."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    lots = _lot_rows(agreement, request.user)
    context = {
        "agreement": agreement,
        "abilities": get_abilities(request.user, agreement),
        "lots": lots,
        "end_date": agreement_end_date(agreement),
        "member_kinds": [
            str(MemberKind(kind).label) for kind in agreement.allowed_member_kinds if kind in MemberKind.values
        ],
        "total_max": sum(row["lot"].max_amount_ht for row in lots),
        "total_consumed": sum(row["lot"].consumed_amount_ht for row in lots),
    }
    return render(request, TEMPLATES + "agreement_detail.html", context)


@staff_required
def agreement_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an agreement (purchasing officers; not once ended)."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, agreement), "update")
    form = AgreementForm(
        request.POST if request.method == "POST" else None, initial=AgreementForm.initial_for(agreement)
    )

    def save() -> HttpResponse:
        services.agreement_update(agreement=agreement, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Accord-cadre modifié."))
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return _form_page(
        request,
        form,
        title=_("Modifier l'accord-cadre %(ref)s") % {"ref": agreement.reference},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[agreement.pk]),
        on_valid=save,
    )


@staff_required
def agreement_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then put an agreement in force (purchasing officers)."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, agreement), "activate")
    form = forms.Form(request.POST if request.method == "POST" else None)  # a confirmation: nothing to fill in

    def activate() -> HttpResponse:
        services.agreement_activate(agreement=agreement, acting_user=request.user)
        messages.success(request, _("Accord-cadre mis en vigueur : les adhérents peuvent commander."))
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return form_page(
        request,
        form,
        template=TEMPLATES + "agreement_activate.html",
        on_valid=activate,
        context={"agreement": agreement},
    )


@staff_required
def agreement_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End an agreement in force, with a reason (purchasing officers)."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, agreement), "end")
    form = AgreementEndForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        services.agreement_end(agreement=agreement, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Accord-cadre terminé."))
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return _form_page(
        request,
        form,
        title=_("Terminer l'accord-cadre %(ref)s") % {"ref": agreement.reference},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[agreement.pk]),
        on_valid=save,
        context={
            "warning": _("Une fois terminé, l'accord-cadre n'accepte plus de commande. Cette action est définitive.")
        },
    )


# --- Lots, items, amendments ----------------------------------------------------------------------------------


@staff_required
def lot_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a lot to an agreement (purchasing officers)."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, agreement), "add_lot")
    next_number = max((lot.number for lot in agreement.lots.all()), default=0) + 1
    form = LotForm(request.POST if request.method == "POST" else None, initial={"number": next_number})

    def save() -> HttpResponse:
        lot = services.lot_create(agreement=agreement, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Lot %(number)s ajouté.") % {"number": lot.number})
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return _form_page(
        request,
        form,
        title=_("Nouveau lot — %(ref)s") % {"ref": agreement.reference},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[agreement.pk]),
        on_valid=save,
    )


@staff_required
def lot_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a lot's title, amounts and holders (purchasing officers)."""
    lot = selectors.lot_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, lot), "update")
    form = LotForm(request.POST if request.method == "POST" else None, initial=LotForm.initial_for(lot))

    def save() -> HttpResponse:
        services.lot_update(lot=lot, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Lot modifié."))
        return redirect("purchasing:backoffice_agreement_detail", pk=lot.agreement_id)

    return _form_page(
        request,
        form,
        title=_("Modifier le lot %(lot)s") % {"lot": lot},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[lot.agreement_id]),
        on_valid=save,
    )


@staff_required
def item_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item with its award price to a lot's BPU (purchasing officers)."""
    lot = selectors.lot_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, lot), "add_item")
    form = ItemForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        item = services.item_create(lot=lot, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Article « %(ref)s » ajouté.") % {"ref": item.reference})
        return redirect("purchasing:backoffice_agreement_detail", pk=lot.agreement_id)

    return _form_page(
        request,
        form,
        title=_("Nouvel article — %(lot)s") % {"lot": lot},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[lot.agreement_id]),
        on_valid=save,
    )


@staff_required
def item_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an item; its price only while the agreement is in preparation (purchasing officers)."""
    item = selectors.item_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, item), "update")
    form = ItemForm(
        request.POST if request.method == "POST" else None, initial=ItemForm.initial_for(item, item.current_price_ht)
    )

    def save() -> HttpResponse:
        services.item_update(item=item, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Article modifié."))
        return redirect("purchasing:backoffice_agreement_detail", pk=item.lot.agreement_id)

    return _form_page(
        request,
        form,
        title=_("Modifier l'article %(ref)s") % {"ref": item.reference},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[item.lot.agreement_id]),
        on_valid=save,
    )


@staff_required
def amendment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an amendment with its new prices from an effective date (purchasing officers)."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, agreement), "add_amendment")
    items = list(selectors.item_list(user=request.user, filters={"agreement": agreement.pk}))
    form = AmendmentForm(request.POST if request.method == "POST" else None, items=items)

    def save() -> HttpResponse:
        amendment = services.amendment_create(agreement=agreement, acting_user=request.user, **form.service_kwargs())
        messages.success(request, _("Avenant n° %(number)s enregistré.") % {"number": amendment.number})
        return redirect("purchasing:backoffice_agreement_detail", pk=agreement.pk)

    return _form_page(
        request,
        form,
        title=_("Nouvel avenant — %(ref)s") % {"ref": agreement.reference},
        cancel_url=reverse("purchasing:backoffice_agreement_detail", args=[agreement.pk]),
        on_valid=save,
        template="amendment_form.html",
        context={"agreement": agreement},
    )


# --- BPU import -----------------------------------------------------------------------------------------------


def _bpu_name(token: str) -> str:
    # The token is ours (secrets.token_hex) and only ever read back from the session: no user-chosen path. The
    # default storage is shared by every web process, so the confirmation may land on another one.
    return f"{BPU_UPLOAD_DIR}/{token}.upload"


def _purge_stale_uploads() -> None:
    # Previews that were never confirmed leave their file behind: drop those older than a day.
    limit = timezone.now() - datetime.timedelta(seconds=BPU_UPLOAD_TTL_SECONDS)
    try:
        names = default_storage.listdir(BPU_UPLOAD_DIR)[1]
    except FileNotFoundError:
        return
    for name in names:
        path = f"{BPU_UPLOAD_DIR}/{name}"
        if name.endswith(".upload") and default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)


def _store_upload(request: HttpRequest, lot: Any, upload: Any, price_from: Any) -> str:
    _purge_stale_uploads()
    token = secrets.token_hex(16)
    upload.seek(0)
    default_storage.save(_bpu_name(token), upload)
    uploads = request.session.get(BPU_SESSION_KEY, {})
    uploads[token] = {"lot": lot.pk, "name": upload.name, "price_from": price_from.isoformat() if price_from else ""}
    request.session[BPU_SESSION_KEY] = uploads
    return token


def _discard_upload(request: HttpRequest, token: str) -> None:
    uploads = request.session.get(BPU_SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[BPU_SESSION_KEY] = uploads
    default_storage.delete(_bpu_name(token))


@staff_required
def bpu_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a BPU file, then see the preview (lines, errors, counts) before confirming (purchasing officers)."""
    lot = selectors.lot_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, lot), "import_bpu")
    form = BpuUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"lot": lot, "form": form}
    if request.method != "POST":
        return render(request, TEMPLATES + "bpu_upload.html", context)
    if not form.is_valid():
        return render(request, TEMPLATES + "bpu_upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    report = bpu_preview(lot=lot, file=upload)
    context["report"] = report
    context["price_from"] = form.cleaned_data.get("price_from") or lot.agreement.start_date
    if not report.is_valid:
        return render(request, TEMPLATES + "bpu_preview.html", context, status=400)
    context["token"] = _store_upload(request, lot, upload, form.cleaned_data.get("price_from"))
    return render(request, TEMPLATES + "bpu_preview.html", context)


@staff_required
@require_POST
def bpu_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the previewed file: every line or none (purchasing officers)."""
    lot = selectors.lot_get(user=request.user, pk=pk)
    _require(get_abilities(request.user, lot), "import_bpu")
    token = request.POST.get("token", "")
    stored = request.session.get(BPU_SESSION_KEY, {}).get(token)
    if stored is None or stored["lot"] != lot.pk or not default_storage.exists(_bpu_name(token)):
        messages.error(request, _("Ce dépôt a expiré ou n'existe pas : déposez le fichier à nouveau."))
        return redirect("purchasing:backoffice_bpu_import", pk=lot.pk)
    price_from = datetime.date.fromisoformat(stored["price_from"]) if stored["price_from"] else None

    def run_import() -> HttpResponse:
        with default_storage.open(_bpu_name(token), "rb") as handle:
            report = bpu_import(lot=lot, file=handle, acting_user=request.user, price_from=price_from)
        _discard_upload(request, token)
        messages.success(
            request,
            _("BPU importé : %(created)s article(s) créé(s), %(updated)s mis à jour.")
            % {"created": report.created, "updated": report.updated},
        )
        return redirect("purchasing:backoffice_agreement_detail", pk=lot.agreement_id)

    if response := submit_form(request, forms.Form(request.POST), run_import):
        return response
    # Refused: the same checks again give the report to show, line by line; the upload is dropped.
    with default_storage.open(_bpu_name(token), "rb") as handle:
        report = bpu_preview(lot=lot, file=handle, price_from=price_from)
    _discard_upload(request, token)
    context = {"lot": lot, "form": BpuUploadForm(), "report": report, "price_from": price_from}
    return render(request, TEMPLATES + "bpu_preview.html", context, status=400)

"""Evidence pages (/supervision/preuves/…, /supervision/requisitions/…, /supervision/demandes-acces/…,
/supervision/registre/…): recordings and their playback, requisitions → extraction → confirmed handover of the
signed export, right-of-access requests, the legal register and the access register (searchable, CSV), and the
platform's public key (public, for courts). Operators of supervision habilitated for a site's images; others 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core import audit_labels
from mutualis.core.exports import csv_response
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.services import audit_record
from mutualis.core.validation import parse_id
from mutualis.supervision.forms_evidence import (
    AccessAnswerForm,
    AccessRegisterFilterForm,
    AccessRequestForm,
    HandoverForm,
    MaskingForm,
    MaskRegionFormSet,
    MaskWithdrawForm,
    RangeForm,
    RegisterFilterForm,
    RequisitionForm,
)
from mutualis.supervision.permissions import is_supervision_operator
from mutualis.supervision.selectors import evidence as selectors
from mutualis.supervision.selectors import masking as masking_selectors
from mutualis.supervision.services import access_requests, evidence, masking, requisitions

PAGE_SIZE = 50
FORM = "components/form_page.html"
MASKED_PREVIEW_SECONDS = 15 * 60  # how long the link to a masked copy's preview stays valid
MASKING_SALT = "supervision.access.masking"


def _operator(request: HttpRequest) -> None:
    if not is_supervision_operator(request.user):
        raise Http404


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Public key (public) -----------------------------------------------------------------------------------------


def public_key_view(request: HttpRequest) -> HttpResponse:
    """/supervision/preuves/cle-publique/: the platform's public key and how to verify an export (no sign-in)."""
    context = {"pem": evidence.public_key_pem(), "fingerprint": evidence.public_key_fingerprint()}
    return render(request, "supervision/evidence/public_key.html", context)


def public_key_pem_view(request: HttpRequest) -> HttpResponse:
    """The public key as a PEM file."""
    response = HttpResponse(evidence.public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="mutualis-preuves-cle-publique.pem"'
    return response


# --- Recordings --------------------------------------------------------------------------------------------------


@login_required
def evidence_home_view(request: HttpRequest) -> HttpResponse:
    """/supervision/preuves/: the recordings of the sites the operator may see, searchable."""
    _operator(request)
    q = request.GET.get("q", "").strip()[:100]
    site = parse_id(request.GET.get("site"))
    page = _page(request, selectors.recording_list(user=request.user, q=q, site=site))
    context = {
        "page": page,
        "q": q,
        "site": site,
        "sites": selectors.image_sites(user=request.user),
        "open_requests": selectors.access_request_list(user=request.user, open_only=True).count(),
    }
    return render(request, "supervision/evidence/home.html", context)


# --- Requisitions ------------------------------------------------------------------------------------------------


@login_required
def requisition_list_view(request: HttpRequest) -> HttpResponse:
    """/supervision/requisitions/: the requisitions received, searchable."""
    _operator(request)
    q = request.GET.get("q", "").strip()[:100]
    page = _page(request, selectors.requisition_list(user=request.user, q=q))
    return render(request, "supervision/evidence/requisition_list.html", {"page": page, "q": q})


@login_required
def requisition_create_view(request: HttpRequest) -> HttpResponse:
    """Record a requisition received (CPP 60-1, 77-1-1, 99-3)."""
    _operator(request)
    form = RequisitionForm(request.POST or None, sites=selectors.image_sites(user=request.user))

    def save() -> HttpResponse:
        requisition = requisitions.requisition_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Réquisition enregistrée : ajoutez les caméras et périodes demandées."))
        return redirect("supervision:requisition_detail", pk=requisition.pk)

    context = {"title": _("Enregistrer une réquisition"), "cancel_url": reverse("supervision:requisition_list")}
    return form_page(request, form, template=FORM, on_valid=save, context=context)


def _requisition_page(request: HttpRequest, requisition: Any, status: int = 200, **forms_: Any) -> HttpResponse:
    context = {
        "requisition": requisition,
        "ranges": requisition.ranges.select_related("device"),
        "items": requisition.evidence.select_related("device").order_by("created_at", "pk"),
        "handovers": requisition.handovers.select_related("handed_over_by"),
        "range_form": forms_.get("range") or RangeForm(protected_site=requisition.protected_site),
        "handover_form": forms_.get("handover") or HandoverForm(),
        "open": requisition.status != "handed_over",
        "fingerprint": evidence.public_key_fingerprint(),
        "errors": forms_.get("errors", []),
    }
    return render(request, "supervision/evidence/requisition_detail.html", context, status=status)


@login_required
def requisition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A requisition: ranges, extracted evidence, handover (with confirmation) and its signed export."""
    _operator(request)
    return _requisition_page(request, selectors.requisition_get(user=request.user, pk=pk))


@login_required
@require_POST
def requisition_range_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a camera and period to a requisition."""
    _operator(request)
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    form = RangeForm(request.POST, protected_site=requisition.protected_site)

    def save() -> HttpResponse:
        requisitions.requisition_range_add(requisition=requisition, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Période ajoutée."))
        return redirect("supervision:requisition_detail", pk=requisition.pk)

    return submit_form(request, form, save) or _requisition_page(request, requisition, 400, range=form)


@login_required
@require_POST
def requisition_extract_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Extract the requested recordings into evidence on legal hold."""
    _operator(request)
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    form = forms.Form(request.POST)

    def extract() -> HttpResponse:
        created = requisitions.requisition_extract(requisition=requisition, acting_user=request.user)
        messages.success(
            request, _("%(n)s élément(s) de preuve extrait(s), sous conservation judiciaire.") % {"n": len(created)}
        )
        return redirect("supervision:requisition_detail", pk=requisition.pk)

    return submit_form(request, form, extract) or _requisition_page(
        request, requisition, 400, errors=form.non_field_errors()
    )


@login_required
@require_POST
def requisition_handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the signed export over (confirmation required)."""
    _operator(request)
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    form = HandoverForm(request.POST)

    def save() -> HttpResponse:
        requisitions.requisition_handover(requisition=requisition, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Remise enregistrée : l'export signé est prêt à être téléchargé."))
        return redirect("supervision:requisition_detail", pk=requisition.pk)

    return submit_form(request, form, save) or _requisition_page(request, requisition, 400, handover=form)


@login_required
def handover_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed export of a handover (each download goes into the access register)."""
    _operator(request)
    handover = selectors.handover_get(user=request.user, pk=pk)
    site = handover.requisition.protected_site
    evidence.require_images(request.user, site)
    evidence.access_log(
        action="supervision.export_download",
        acting_user=request.user,
        device=None,
        protected_site=site,
        obj=handover.requisition,
        reason=_("Réquisition %(n)s") % {"n": handover.requisition.number},
        recipient=handover.recipient_name,
    )
    name = f"preuves-requisition-{handover.requisition_id}-{handover.pk}.zip"
    return FileResponse(handover.export.open("rb"), as_attachment=True, filename=name, content_type="application/zip")


# --- Access requests ---------------------------------------------------------------------------------------------


@login_required
def access_request_list_view(request: HttpRequest) -> HttpResponse:
    """/supervision/demandes-acces/: the right-of-access requests, the nearest deadline first."""
    _operator(request)
    requests = list(selectors.access_request_list(user=request.user))
    rows = [{"obj": r, "overdue": access_requests.access_request_overdue(r)} for r in requests]
    return render(request, "supervision/evidence/access_list.html", {"rows": rows})


@login_required
def access_request_create_view(request: HttpRequest) -> HttpResponse:
    """Record a person's request (CSI L253-5)."""
    _operator(request)
    form = AccessRequestForm(request.POST or None, sites=selectors.image_sites(user=request.user))

    def save() -> HttpResponse:
        created = access_requests.access_request_create(acting_user=request.user, **form.cleaned_data)
        messages.success(
            request, _("Demande enregistrée : réponse due le %(d)s.") % {"d": f"{created.deadline:%d/%m/%Y}"}
        )
        return redirect("supervision:access_request_detail", pk=created.pk)

    context = {"title": _("Enregistrer une demande d'accès"), "cancel_url": reverse("supervision:access_request_list")}
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def access_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A request, and its answer (grant with masking, refusal with its ground, destruction confirmed)."""
    _operator(request)
    access_request = selectors.access_request_get(user=request.user, pk=pk)
    form = AccessAnswerForm(request.POST or None)

    def save() -> HttpResponse:
        access_requests.access_request_answer(request=access_request, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Réponse enregistrée et inscrite au registre."))
        return redirect("supervision:access_request_detail", pk=access_request.pk)

    response = submit_form(request, form, save)
    if response is not None:
        return response
    context = {
        "req": access_request,
        "form": form,
        "overdue": access_requests.access_request_overdue(access_request),
        "destructions": access_requests.destructions_covering(access_request),
        "targets": masking_selectors.masking_targets(user=request.user, access_request=access_request)
        if access_request.kind == "access" and access_request.answered_at is None
        else [],
        "handed_copies": masking_selectors.masked_copies_of(user=request.user, access_request=access_request)
        if access_request.answered_at
        else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/evidence/access_detail.html", context, status=status)


@login_required
def access_request_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed export given to the person (its download is in the access register)."""
    _operator(request)
    access_request = selectors.access_request_get(user=request.user, pk=pk)
    if not access_request.export:
        raise Http404
    evidence.access_log(
        action="supervision.export_download",
        acting_user=request.user,
        device=access_request.device,
        protected_site=access_request.protected_site,
        obj=access_request,
        starts_at=access_request.starts_at,
        ends_at=access_request.ends_at,
        reason=_("Droit d'accès, demande n° %(pk)s") % {"pk": access_request.pk},
        recipient=access_request.requester_name,
    )
    name = f"acces-images-{access_request.pk}.zip"
    return FileResponse(access_request.export.open("rb"), as_attachment=True, filename=name)


# --- Masking third parties on the files of an access grant ------------------------------------------------------


def _masking_token(user: Any, access_request: Any, recording: Any) -> str:
    return signing.dumps({"a": access_request.pk, "r": recording.pk, "u": user.pk}, salt=MASKING_SALT)


def _masking_target(request: HttpRequest, pk: int, rec: int) -> tuple[Any, Any]:
    _operator(request)
    access_request = selectors.access_request_get(user=request.user, pk=pk)
    return access_request, masking_selectors.masking_target_get(
        user=request.user, access_request=access_request, pk=rec
    )


def _masking_page(
    request: HttpRequest, access_request: Any, target: Any, form: Any, status: int, withdraw_form: Any = None
) -> HttpResponse:
    token = _masking_token(request.user, access_request, target.recording)
    kind = masking.kind_of(target.recording.file)
    if kind == masking.VIDEO:  # a clip is masked by a fill only (services/masking.py)
        form.fields["style"].choices = [c for c in form.fields["style"].choices if c[0] == "fill"]
    at = masking.parse_time(request.GET.get("t"))
    base = {"pk": access_request.pk, "rec": target.recording.pk}
    context = {
        "req": access_request,
        "target": target,
        "form": form,
        "formset": form.formset,
        "at": f"{at:g}",
        "kind": kind,
        "original_url": reverse("supervision:access_masking_original", kwargs=base) + f"?jeton={token}&t={at:g}",
        "preview_url": (
            reverse("supervision:access_masking_preview", kwargs=base) + f"?jeton={token}&t={at:g}&v={target.copy.pk}"
            if target.copy and target.copy.file
            else ""
        ),
        "withdraw_form": withdraw_form or MaskWithdrawForm(),
    }
    return render(request, "supervision/evidence/access_masking.html", context, status=status)


@login_required
def access_masking_view(request: HttpRequest, pk: int, rec: int) -> HttpResponse:
    """/supervision/demandes-acces/<pk>/occultation/<rec>/: draw or type the regions that hide third parties on one
    file of the export, see the masked result; showing the images is logged in the access register."""
    access_request, target = _masking_target(request, pk, rec)
    if access_request.answered_at is not None:
        return redirect("supervision:access_request_detail", pk=access_request.pk)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "add_row" in data:
        # Without JavaScript, « Ajouter une zone » sends the form back with one more empty row (nothing is saved).
        total = parse_id(data.get("regions-TOTAL_FORMS")) or 0
        data["regions-TOTAL_FORMS"] = str(min(total + 1, 20))
        formset = MaskRegionFormSet(data, prefix="regions")
        return _masking_page(request, access_request, target, MaskingForm(formset=formset, initial=data), 200)
    initial = target.copy.regions if target.copy and data is None else None
    formset = MaskRegionFormSet(data, prefix="regions", initial=initial)
    form = MaskingForm(data, formset=formset, initial={"style": target.copy.style} if target.copy else None)
    if request.method == "GET":
        masking.masking_view_log(access_request=access_request, recording=target.recording, acting_user=request.user)

    def save() -> HttpResponse:
        masking.masked_copy_make(
            access_request=access_request,
            recording=target.recording,
            regions=form.cleaned_data["regions"],
            style=form.cleaned_data["style"],
            acting_user=request.user,
        )
        messages.success(request, _("Copie occultée enregistrée : vérifiez l'aperçu avant d'accorder l'accès."))
        return redirect("supervision:access_masking", pk=access_request.pk, rec=target.recording.pk)

    response = submit_form(request, form, save)
    return response or _masking_page(request, access_request, target, form, form_status(request, form))


@login_required
@require_POST
def access_masking_withdraw_view(request: HttpRequest, pk: int, rec: int) -> HttpResponse:
    """Withdraw the masked copy of a file (confirmation required)."""
    access_request, target = _masking_target(request, pk, rec)
    if target.copy is None:
        raise Http404
    form = MaskWithdrawForm(request.POST)

    def withdraw() -> HttpResponse:
        masking.masked_copy_delete(copy=target.copy, acting_user=request.user)
        messages.success(request, _("Copie occultée retirée."))
        return redirect("supervision:access_masking", pk=access_request.pk, rec=target.recording.pk)

    response = submit_form(request, form, withdraw)
    if response is not None:
        return response
    formset = MaskRegionFormSet(prefix="regions", initial=target.copy.regions)
    page_form = MaskingForm(formset=formset, initial={"style": target.copy.style})
    return _masking_page(request, access_request, target, page_form, 400, withdraw_form=form)


def _masking_image(request: HttpRequest, pk: int, rec: int) -> tuple[Any, Any]:
    access_request, target = _masking_target(request, pk, rec)
    try:
        data = signing.loads(request.GET.get("jeton", ""), salt=MASKING_SALT, max_age=MASKED_PREVIEW_SECONDS)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if data != {"a": access_request.pk, "r": target.recording.pk, "u": request.user.pk}:
        raise Http404
    return access_request, target


def _jpeg(data: bytes | None) -> HttpResponse:
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def access_masking_original_view(request: HttpRequest, pk: int, rec: int) -> HttpResponse:
    """The original's picture (or the clip's frame at ?t= seconds) to draw on, for the page just logged (a signed,
    short-lived, per-user token)."""
    _, target = _masking_image(request, pk, rec)
    at = masking.parse_time(request.GET.get("t"))
    return _jpeg(masking.preview_or_none(target.recording.file, at=at))


@login_required
def access_masking_preview_view(request: HttpRequest, pk: int, rec: int) -> HttpResponse:
    """The masked copy's picture (or frame): what the person will receive."""
    _, target = _masking_image(request, pk, rec)
    if target.copy is None or not target.copy.file:
        raise Http404
    at = masking.parse_time(request.GET.get("t"))
    return _jpeg(masking.preview_or_none(target.copy.file, at=at))


# --- Registers ---------------------------------------------------------------------------------------------------


@login_required
def register_view(request: HttpRequest) -> HttpResponse:
    """/supervision/registre/: recordings made, destructions, extractions, transmissions, access answers; CSV."""
    _operator(request)
    form = RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    site = parse_id(request.GET.get("site"))
    lines = selectors.register_list(user=request.user, site=site, **{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user,
            action="supervision.register_export",
            object_type="supervision.registerentry",
            reason="CSV",
        )
        response, writer = csv_response("registre-videoprotection.csv")
        writer.writerow(
            ["Date", "Nature", "Site", "Caméra", "Du", "Au", "Référence", "Destinataire", "Détail", "SHA-256", "Par"]
        )
        for line in lines.iterator(chunk_size=1000):
            writer.writerow(
                [
                    f"{line.at:%d/%m/%Y %H:%M:%S}",
                    line.get_kind_display(),
                    str(line.protected_site),
                    line.device_label,
                    f"{line.starts_at:%d/%m/%Y %H:%M:%S}" if line.starts_at else "",
                    f"{line.ends_at:%d/%m/%Y %H:%M:%S}" if line.ends_at else "",
                    line.reference,
                    line.recipient,
                    line.detail,
                    line.sha256,
                    str(line.user) if line.user else "système",
                ]
            )
        return response
    context = {
        "form": form,
        "page": _page(request, lines),
        "query": request.GET.urlencode(),
        "sites": selectors.image_sites(user=request.user),
        "site": site,
    }
    return render(request, "supervision/evidence/register.html", context, status=200 if not form.errors else 400)


@login_required
def access_register_view(request: HttpRequest) -> HttpResponse:
    """/supervision/registre-acces/: every live view, playback, export and deletion of images; CSV."""
    _operator(request)
    actions = [(code, audit_labels.action_label(code)) for code in selectors.ACCESS_ACTIONS]
    form = AccessRegisterFilterForm(request.GET or None, actions=actions)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.access_register(user=request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user, action="supervision.access_register_export", object_type="core.auditentry", reason="CSV"
        )
        response, writer = csv_response("registre-acces-images.csv")
        writer.writerow(["N°", "Date", "Personne", "Accès", "Objet", "Caméra", "Du", "Au", "Motif", "Destinataire"])
        for entry in entries.iterator(chunk_size=1000):
            detail = entry.after or entry.before or {}
            writer.writerow(
                [
                    entry.seq,
                    f"{entry.created_at:%d/%m/%Y %H:%M:%S}",
                    entry.actor_label,
                    audit_labels.action_label(entry.action),
                    entry.object_repr,
                    detail.get("device_name", ""),
                    detail.get("starts_at", ""),
                    detail.get("ends_at", ""),
                    entry.reason,
                    detail.get("recipient", ""),
                ]
            )
        return response
    page = _page(request, entries)
    rows = [
        {"entry": e, "detail": e.after or e.before or {}, "label": audit_labels.action_label(e.action)}
        for e in page.object_list
    ]
    for row in rows:  # the period as dates (stored as ISO text in the entry)
        row["starts_at"] = parse_datetime(str(row["detail"].get("starts_at") or ""))
        row["ends_at"] = parse_datetime(str(row["detail"].get("ends_at") or ""))
    context = {"form": form, "page": page, "rows": rows, "query": request.GET.urlencode()}
    return render(request, "supervision/evidence/access_register.html", context, status=200 if not form.errors else 400)

"""Management pages of the supervision centre (/supervision/sites/, /supervision/sources/): protected sites, their
authorisations, habilitations, devices, escalation contacts and opening hours; event sources and their tokens.
Operators of supervision and administrators only (others: 404)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.core.formviews import form_page
from mutualis.supervision import rules
from mutualis.supervision.forms import (
    AuthorisationForm,
    ContactForm,
    DeviceForm,
    HabilitationForm,
    OpeningHoursForm,
    PriorityRuleForm,
    ProtectedSiteForm,
    ProtectForm,
    SourceEditForm,
    SourceForm,
)
from mutualis.supervision.models import Authorisation, Device, EscalationContact, Habilitation
from mutualis.supervision.permissions import is_supervision_operator
from mutualis.supervision.selectors import sites as selectors
from mutualis.supervision.services import access, devices, sites, sources

PAGE_SIZE = 50
FORM = "components/form_page.html"


def _operator(request: HttpRequest) -> None:
    if not is_supervision_operator(request.user):
        raise Http404


@login_required
def site_list_view(request: HttpRequest) -> HttpResponse:
    """The protected sites, searchable, with their devices and open alarms."""
    _operator(request)
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.protected_site_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/manage/site_list.html", {"page": page, "q": q})


@login_required
def site_protect_view(request: HttpRequest) -> HttpResponse:
    """Place a member's site under supervision."""
    _operator(request)
    form = ProtectForm(request.POST or None, sites=selectors.unprotected_sites(user=request.user))

    def save() -> HttpResponse:
        protected = sites.protected_site_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Site placé sous supervision."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {"title": _("Placer un site sous supervision"), "cancel_url": reverse("supervision:site_list")}
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def site_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A protected site: authorisations (and renewal alert), devices, habilitations, escalation, opening hours."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    today = timezone.localdate()
    authorisations = [
        {
            "obj": a,
            "in_force": rules.authorisation_in_force(
                valid_from=a.valid_from, valid_until=a.valid_until, revoked_on=a.revoked_on, day=today
            ),
            "renewal_due": rules.renewal_due(valid_until=a.valid_until, day=today),
            "renewal_from": rules.renewal_alert_date(a.valid_until),
        }
        for a in protected.authorisations.order_by("-valid_from")
    ]
    context = {
        "site": protected,
        "authorisations": authorisations,
        "current": protected.current_authorisation(today),
        "devices": selectors.device_list(user=request.user, site=protected.pk)[:200],
        "device_count": protected.devices.count(),
        "habilitations": selectors.habilitation_list(user=request.user, protected_site=protected),
        "contacts": protected.escalation_contacts.order_by("position"),
        "periods": protected.opening_periods.all(),
        "priority_rules": protected.priority_rules.order_by("kind"),
        "today": today,
    }
    return render(request, "supervision/manage/site_detail.html", context)


@login_required
def site_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a protected site's settings."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = ProtectedSiteForm(request.POST or None, initial=ProtectedSiteForm.initial_for(protected))

    def save() -> HttpResponse:
        sites.protected_site_update(protected_site=protected, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Site protégé modifié."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Modifier « %(s)s »") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def opening_hours_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A collège's weekly opening hours."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = OpeningHoursForm(request.POST or None, initial=OpeningHoursForm.initial_for(protected))

    def save() -> HttpResponse:
        sites.opening_periods_set(protected_site=protected, periods=form.periods(), acting_user=request.user)
        messages.success(request, _("Horaires d'ouverture enregistrés."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Horaires d'ouverture — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
        "help": _("Les caméras des lieux de vie sont désactivées pendant ces horaires."),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def priority_rule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a site's priority for one kind of alarm."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = PriorityRuleForm(request.POST or None)

    def save() -> HttpResponse:
        sites.priority_rule_set(protected_site=protected, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Priorité enregistrée."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Priorité par nature — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
        "help": _("Par défaut : incendie critique ; intrusion, porte forcée, sabotage hautes ; mouvement basse."),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def authorisation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an arrêté préfectoral for a site."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = AuthorisationForm(request.POST or None)

    def save() -> HttpResponse:
        sites.authorisation_create(protected_site=protected, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Autorisation préfectorale enregistrée."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Nouvelle autorisation — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def authorisation_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an authorisation, record its renewal request or withdrawal."""
    _operator(request)
    authorisation = get_object_or_404(
        Authorisation.objects.filter(protected_site__in=selectors.protected_site_list(user=request.user).values("pk")),
        pk=pk,
    )
    initial = {name: getattr(authorisation, name) for name in AuthorisationForm.base_fields}
    form = AuthorisationForm(request.POST or None, initial=initial)

    def save() -> HttpResponse:
        sites.authorisation_update(authorisation=authorisation, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Autorisation modifiée."))
        return redirect("supervision:site_detail", pk=authorisation.protected_site_id)

    context = {
        "title": _("Autorisation %(ref)s") % {"ref": authorisation.arrete_reference},
        "cancel_url": reverse("supervision:site_detail", args=[authorisation.protected_site_id]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def habilitation_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Habilitate a named person for a site."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = HabilitationForm(request.POST or None, protected_site=protected)

    def save() -> HttpResponse:
        data = dict(form.cleaned_data)
        user = data.pop("email")
        access.habilitation_grant(protected_site=protected, user=user, acting_user=request.user, **data)
        messages.success(request, _("Habilitation accordée."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Habiliter une personne — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context, field_map={"user": "email"})


@login_required
@require_POST
def habilitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a habilitation (confirmed in the page)."""
    _operator(request)
    habilitation = get_object_or_404(
        Habilitation.objects.filter(protected_site__in=selectors.protected_site_list(user=request.user).values("pk")),
        pk=pk,
    )
    access.habilitation_revoke(habilitation=habilitation, acting_user=request.user)
    messages.success(request, _("Habilitation retirée."))
    return redirect("supervision:site_detail", pk=habilitation.protected_site_id)


@login_required
def device_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a device to a site (inactive until activated)."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    form = DeviceForm(request.POST or None)

    def save() -> HttpResponse:
        devices.device_create(protected_site=protected, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Équipement ajouté (à activer)."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Nouvel équipement — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def device_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a device."""
    _operator(request)
    device = selectors.device_get(user=request.user, pk=pk)
    form = DeviceForm(request.POST or None, initial=DeviceForm.initial_for(device))

    def save() -> HttpResponse:
        devices.device_update(device=device, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Équipement modifié."))
        return redirect("supervision:site_detail", pk=device.protected_site_id)

    context = {
        "title": _("Modifier « %(d)s »") % {"d": device},
        "cancel_url": reverse("supervision:site_detail", args=[device.protected_site_id]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def device_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Activate a device (confirmed; refused, with why, where the legal frame forbids supervising it)."""
    _operator(request)
    device: Device = selectors.device_get(user=request.user, pk=pk)
    form = forms.Form(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        devices.device_activate(device=device, acting_user=request.user)
        messages.success(request, _("Équipement activé."))
        return redirect("supervision:site_detail", pk=device.protected_site_id)

    context = {
        "title": _("Activer « %(d)s »") % {"d": device},
        "cancel_url": reverse("supervision:site_detail", args=[device.protected_site_id]),
        "help": _("Une caméra filmant la voie publique ne s'active qu'avec une autorisation préfectorale en vigueur."),
        "submit": _("Activer"),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
@require_POST
def device_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a device (no alarm from it any more)."""
    _operator(request)
    device: Device = selectors.device_get(user=request.user, pk=pk)
    devices.device_deactivate(device=device, acting_user=request.user)
    messages.success(request, _("Équipement désactivé."))
    return redirect("supervision:site_detail", pk=device.protected_site_id)


@login_required
def contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a contact to a site's escalation chain."""
    _operator(request)
    protected = selectors.protected_site_get(user=request.user, pk=pk)
    next_position = (
        protected.escalation_contacts.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    form = ContactForm(request.POST or None, initial={"position": next_position, "delay_minutes": 5 * next_position})

    def save() -> HttpResponse:
        sites.escalation_contact_create(protected_site=protected, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Contact d'escalade ajouté."))
        return redirect("supervision:site_detail", pk=protected.pk)

    context = {
        "title": _("Nouveau contact d'escalade — %(s)s") % {"s": protected},
        "cancel_url": reverse("supervision:site_detail", args=[pk]),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
@require_POST
def contact_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a contact from the chain (confirmed in the page)."""
    _operator(request)
    contact = get_object_or_404(
        EscalationContact.objects.filter(
            protected_site__in=selectors.protected_site_list(user=request.user).values("pk")
        ),
        pk=pk,
    )
    site_id = contact.protected_site_id
    sites.escalation_contact_delete(contact=contact, acting_user=request.user)
    messages.success(request, _("Contact retiré de la chaîne d'escalade."))
    return redirect("supervision:site_detail", pk=site_id)


@login_required
def source_list_view(request: HttpRequest) -> HttpResponse:
    """The event sources and their devices."""
    _operator(request)
    return render(request, "supervision/manage/source_list.html", {"sources": selectors.source_list(user=request.user)})


def _show_token(request: HttpRequest, source: Any, token: str) -> HttpResponse:
    # The token is shown on this one answer, never stored in clear nor put in a URL or a message cookie.
    return render(request, "supervision/manage/source_token.html", {"source": source, "token": token})


@login_required
def source_create_view(request: HttpRequest) -> HttpResponse:
    """Create a source: its token is shown once."""
    _operator(request)
    form = SourceForm(request.POST or None)

    def save() -> HttpResponse:
        data = dict(form.cleaned_data)
        source, token = sources.source_create(
            acting_user=request.user, name=data.pop("name"), kind=data.pop("kind"), **data
        )
        return _show_token(request, source, token)

    context = {"title": _("Nouvelle source d'événements"), "cancel_url": reverse("supervision:source_list")}
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
def source_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a source's settings (the ONVIF password is never shown back)."""
    _operator(request)
    source = selectors.source_get(user=request.user, pk=pk)
    form = SourceEditForm(request.POST or None, source=source)

    def save() -> HttpResponse:
        sources.source_update(source=source, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Source modifiée."))
        return redirect("supervision:source_list")

    context = {
        "title": _("Modifier la source « %(s)s »") % {"s": source},
        "cancel_url": reverse("supervision:source_list"),
    }
    return form_page(request, form, template=FORM, on_valid=save, context=context)


@login_required
@require_POST
def source_rotate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a source a new token (the old one stops working): shown once."""
    _operator(request)
    source = selectors.source_get(user=request.user, pk=pk)
    return _show_token(request, source, sources.source_rotate_token(source=source, acting_user=request.user))

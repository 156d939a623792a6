"""Sites of a member: create, edit, take out of service and back (from the member space or the back-office)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mutualis.core.formviews import form_page
from mutualis.members import selectors, services
from mutualis.members.forms import ConfirmForm, GeocodeForm, SiteForm
from mutualis.members.models import Member, Site
from mutualis.members.models.site import PUBLIC_SITE_KINDS
from mutualis.members.permissions import get_abilities
from mutualis.members.services.sites import SITE_FIELDS, site_reactivate
from mutualis.members.views._helpers import member_home_url, require
from mutualis.territory import selectors as territory_selectors
from mutualis.territory.geocoding import GeocoderUnavailable, geocode_address, geocoder_enabled
from mutualis.territory.names import of_place


def _map_context(member: Member, form: SiteForm) -> dict[str, Any]:
    """What the site form's map needs: the contours of the communes offered (keyed by the select's values), where
    to geocode an address (when geocoding is on) and which kinds are public by default."""
    communes = form.fields["commune"].queryset
    contours = territory_selectors.commune_contours(queryset=communes)
    ids = dict(communes.values_list("insee_code", "pk"))
    for feature in contours["features"]:
        feature["properties"]["id"] = str(ids[feature["properties"]["code"]])
    return {
        "member": member,
        "commune_contours": contours,
        "geocode_url": reverse("members:site_geocode", args=[member.pk]) if geocoder_enabled() else "",
        "public_kinds": ",".join(sorted(PUBLIC_SITE_KINDS)),
    }


@login_required
def site_create_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """Add a site to a member (agents, managers, administrators)."""
    member = selectors.member_get(user=request.user, pk=member_id)
    require(get_abilities(request.user, member), "create_site")
    form = SiteForm(request.POST if request.method == "POST" else None, member=member)

    def save() -> HttpResponse:
        site = services.site_create(member=member, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Site « %(name)s » ajouté.") % {"name": site.name})
        return redirect(member_home_url(request.user, member))

    return form_page(
        request, form, template="members/site_form.html", on_valid=save, context=_map_context(member, form)
    )


@login_required
def site_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a site (agents, managers, administrators)."""
    site = selectors.site_get(user=request.user, pk=pk)
    require(get_abilities(request.user, site), "update")
    initial = {f: getattr(site, f) for f in SITE_FIELDS}
    form = SiteForm(request.POST if request.method == "POST" else None, member=site.member, initial=initial)

    def save() -> HttpResponse:
        services.site_update(site=site, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Site « %(name)s » modifié.") % {"name": site.name})
        return redirect(member_home_url(request.user, site.member))

    return form_page(
        request,
        form,
        template="members/site_form.html",
        on_valid=save,
        context=_map_context(site.member, form) | {"site": site},
    )


def _site_service_view(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    """Take a site out of service or put it back, after a confirmation page with an optional reason."""
    site = selectors.site_get(user=request.user, pk=pk)
    require(get_abilities(request.user, site), "reactivate" if active else "deactivate")
    form = ConfirmForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        if active:
            site_reactivate(site=site, acting_user=request.user, reason=form.cleaned_data["reason"])
            message = _("Site « %(name)s » remis en service.")
        else:
            services.site_deactivate(site=site, acting_user=request.user, reason=form.cleaned_data["reason"])
            message = _("Site « %(name)s » mis hors service.")
        messages.success(request, message % {"name": site.name})
        return redirect(member_home_url(request.user, site.member))

    return form_page(
        request,
        form,
        template="members/site_service.html",
        on_valid=save,
        context={"site": site, "member": site.member, "reactivating": active},
    )


@login_required
def site_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a site out of service, after a confirmation page (managers, administrators)."""
    return _site_service_view(request, pk, active=False)


@login_required
def site_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a site back in service, after a confirmation page (managers, administrators; member not withdrawn)."""
    return _site_service_view(request, pk, active=True)


@login_required
@require_GET
def site_geocode_view(request: HttpRequest, member_id: int) -> JsonResponse:
    """The point of an address in one of the member's communes, from the Base Adresse Nationale (JSON, for the site
    form's script): for those who may place the member's sites (agents, managers, administrators)."""
    member = selectors.member_get(user=request.user, pk=member_id)
    # Who may edit a site of this member may place one: the abilities of a site not yet made.
    require(get_abilities(request.user, Site(member=member)), "update")
    if not geocoder_enabled():
        return JsonResponse(
            {"message": _("Le géocodage des adresses n'est pas activé sur cette plateforme.")}, status=404
        )
    form = GeocodeForm(request.GET, member=member)
    if not form.is_valid():
        return JsonResponse({"message": _("Indiquez l'adresse et choisissez la commune du site.")}, status=400)
    address, commune = form.cleaned_data["adresse"], form.cleaned_data["commune"]
    try:
        found = geocode_address(address=address, citycode=commune.insee_code)
    except GeocoderUnavailable as exc:
        return JsonResponse({"message": exc.message}, status=503)
    if found is None:
        message = _(
            "Aucune adresse trouvée dans la commune %(of_commune)s pour « %(address)s » : vérifiez l'adresse, ou "
            "placez le point sur la carte."
        )
        return JsonResponse(
            {"message": message % {"of_commune": of_place(commune.name), "address": address}}, status=404
        )
    return JsonResponse(
        {
            "label": found.label,
            "latitude": round(found.latitude, 6),
            "longitude": round(found.longitude, 6),
            "message": _("Adresse trouvée : %(label)s. Vérifiez le point sur la carte.") % {"label": found.label},
        }
    )

"""Sites of a member: create, edit, take out of service (from the member space or the back-office)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mutualis.core.formviews import form_page
from mutualis.members import selectors, services
from mutualis.members.forms import ConfirmForm, SiteForm
from mutualis.members.permissions import get_abilities
from mutualis.members.services.sites import SITE_FIELDS
from mutualis.members.views._helpers import member_home_url, require


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

    return form_page(request, form, template="members/site_form.html", on_valid=save, context={"member": member})


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
        context={"member": site.member, "site": site},
    )


@login_required
def site_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a site out of service, after a confirmation page (managers, administrators)."""
    site = selectors.site_get(user=request.user, pk=pk)
    require(get_abilities(request.user, site), "deactivate")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.site_deactivate(site=site, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Site « %(name)s » mis hors service.") % {"name": site.name})
        return redirect(member_home_url(request.user, site.member))
    return render(request, "members/site_deactivate.html", {"form": form, "site": site, "member": site.member})

"""The public adhésion form: a public body asks online to join the operator (no account needed)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mutualis.core.context import client_ip
from mutualis.core.formviews import form_page
from mutualis.members import services, throttling
from mutualis.members.forms_adhesion import AdhesionRequestForm

FIELD_MAP = {"communes": "commune_codes"}
# Fields a link may pre-fill (e.g. ProConnect's « your structure is not a member yet » page: SIRET, name, e-mail).
PREFILL_FIELDS = ("name", "siren", "siret", "contact_name", "contact_function", "contact_email")


@require_http_methods(["GET", "POST"])
def adhesion_request_view(request: HttpRequest) -> HttpResponse:
    """Fill in the request; bad input is shown in French (400) and nothing is written; throttled per address."""
    if request.method != "POST":
        prefill = {name: request.GET[name][:200] for name in PREFILL_FIELDS if request.GET.get(name)}
        return render(request, "members/adhesion/request_form.html", {"form": AdhesionRequestForm(initial=prefill)})
    ip = client_ip(request)
    if throttling.adhesion_request_is_limited(ip=ip):
        return render(request, "members/adhesion/throttled.html", status=429)
    form = AdhesionRequestForm(request.POST)
    if form.is_bot():
        # Same answer as a real request, so that the robot learns nothing; nothing is recorded or sent.
        throttling.adhesion_request_counted(ip=ip)
        return redirect("members:adhesion_request_done")

    def submit() -> HttpResponse:
        services.adhesion_request_submit(**form.service_kwargs())
        throttling.adhesion_request_counted(ip=ip)
        return redirect("members:adhesion_request_done")

    return form_page(request, form, template="members/adhesion/request_form.html", on_valid=submit, field_map=FIELD_MAP)


def adhesion_request_done_view(request: HttpRequest) -> HttpResponse:
    """The confirmation shown after a request (the same for everyone: it discloses nothing)."""
    return render(request, "members/adhesion/request_done.html")

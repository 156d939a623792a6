"""Back-office of the operator's staff: member list, creation, detail, adhésion workflow, competences."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.collation import french_key
from mutualis.core.exports import csv_response
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.selectors import audit_entry_list
from mutualis.members import selectors, services
from mutualis.members.choices import TRANSITION_LABELS, MemberStatus
from mutualis.members.filters import MemberFilter
from mutualis.members.forms import (
    CompetenceEndForm,
    CompetenceForm,
    MemberForm,
    TransitionForm,
)
from mutualis.members.models import Member
from mutualis.members.permissions import allowed_transitions, can_create_member, get_abilities
from mutualis.members.views._helpers import require, staff_required
from mutualis.members.views.space import member_context

MEMBER_FIELD_MAP = {"communes": "commune_codes"}


def _filtered_members(request: HttpRequest) -> MemberFilter:
    return MemberFilter(request.GET or None, queryset=selectors.member_list(user=request.user))


@staff_required
def member_list_view(request: HttpRequest) -> HttpResponse:
    """All members, searchable and filtered by département, kind, competence and status; paginated."""
    filterset = _filtered_members(request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "can_create": can_create_member(request.user)}
    return render(request, "members/backoffice/member_list.html", context)


@staff_required
def member_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered member list as CSV (semicolon-separated, UTF-8 with BOM: opens as is in a French spreadsheet)."""
    members = _filtered_members(request).qs.prefetch_related("competences")
    today = timezone.localdate()
    response, writer = csv_response(f"adherents-{today:%Y-%m-%d}.csv")
    writer.writerow(
        [
            _("Dénomination"),
            _("Nature"),
            _("SIREN"),
            _("SIRET"),
            _("Département"),
            _("Communes"),
            _("EPCI / EPT"),
            _("Statut"),
            _("Compétences en cours"),
        ]
    )
    for member in members:
        current = sorted(
            (
                t.get_competence_display()
                for t in member.competences.all()
                if t.start_date <= today and (t.end_date is None or t.end_date >= today)
            ),
            key=french_key,
        )
        writer.writerow(
            [
                member.name,
                member.get_kind_display(),
                member.siren,
                member.siret,
                member.departement.code,
                ", ".join(c.insee_code for c in member.communes.all()),
                member.intercommunality.name if member.intercommunality else "",
                member.get_status_display(),
                ", ".join(current),
            ]
        )
    return response


@staff_required
def member_create_view(request: HttpRequest) -> HttpResponse:
    """Record a new member (its adhésion request); bad input is shown in French and nothing is written."""
    if not can_create_member(request.user):
        raise PermissionDenied
    form = MemberForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        member = services.member_create(acting_user=request.user, **form.service_kwargs())
        messages.success(request, _("Adhérent « %(name)s » enregistré : adhésion demandée.") % {"name": member.name})
        return redirect("members:backoffice_member_detail", pk=member.pk)

    return form_page(
        request, form, template="members/backoffice/member_form.html", on_valid=save, field_map=MEMBER_FIELD_MAP
    )


@staff_required
def member_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a member's identity and territory (administrators)."""
    member = selectors.member_get(user=request.user, pk=pk)
    require(get_abilities(request.user, member), "update")
    form = MemberForm(request.POST if request.method == "POST" else None, initial=MemberForm.initial_for(member))

    def save() -> HttpResponse:
        services.member_update(member=member, acting_user=request.user, **form.service_kwargs())
        messages.success(request, _("Adhérent « %(name)s » modifié.") % {"name": member.name})
        return redirect("members:backoffice_member_detail", pk=member.pk)

    return form_page(
        request,
        form,
        template="members/backoffice/member_form.html",
        on_valid=save,
        context={"member": member},
        field_map=MEMBER_FIELD_MAP,
    )


def _transition_forms(user: Any, member: Member) -> list[dict[str, Any]]:
    return [
        {"to_status": target, "label": TRANSITION_LABELS[target], "form": TransitionForm(to_status=target)}
        for target in allowed_transitions(user, member)
    ]


@staff_required
def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member as the operator sees it: workflow, history, competences, sites, users, recent audit entries."""
    member = selectors.member_get(user=request.user, pk=pk)
    context = member_context(request, member) | {
        "transitions": _transition_forms(request.user, member),
        "status_changes": selectors.status_change_list(user=request.user, member=member),
        "adhesion_requests": selectors.adhesion_request_list(user=request.user, member=member),
        "competence_form": CompetenceForm(),
        "audit_entries": audit_entry_list(user=request.user, filters={"member_id": member.pk})[:20],
    }
    return render(request, "members/backoffice/member_detail.html", context)


@staff_required
def member_transition_view(request: HttpRequest, pk: int, to_status: str) -> HttpResponse:
    """One step of the adhésion workflow (administrators): approve, activate, reject, withdraw."""
    member = selectors.member_get(user=request.user, pk=pk)
    if to_status not in MemberStatus.values:
        raise Http404
    require(get_abilities(request.user, member), "transition")
    form = TransitionForm(request.POST if request.method == "POST" else None, to_status=to_status)

    def save() -> HttpResponse:
        services.member_transition(member=member, to_status=to_status, acting_user=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s : %(status)s.") % {"name": member.name, "status": member.get_status_display()}
        )
        return redirect("members:backoffice_member_detail", pk=member.pk)

    if response := submit_form(request, form, save):
        return response
    status = form_status(request, form)
    error = ""
    if request.method != "POST" and to_status not in allowed_transitions(request.user, member):
        error, status = _("Cette étape n'est pas possible depuis le statut actuel."), 400
    context = {
        "member": member,
        "form": form,
        "to_status": to_status,
        "label": TRANSITION_LABELS.get(to_status, ""),
        "error": error,
    }
    return render(request, "members/backoffice/member_transition.html", context, status=status)


@staff_required
def competence_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a competence transfer for a member (administrators)."""
    member = selectors.member_get(user=request.user, pk=pk)
    require(get_abilities(request.user, member), "manage_competences")
    form = CompetenceForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        transfer = services.competence_transfer_add(member=member, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Compétence « %(name)s » ajoutée.") % {"name": transfer.get_competence_display()})
        return redirect("members:backoffice_member_detail", pk=member.pk)

    return form_page(
        request, form, template="members/backoffice/competence_form.html", on_valid=save, context={"member": member}
    )


@staff_required
def competence_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the last day of a competence transfer (administrators)."""
    transfer = selectors.competence_get(user=request.user, pk=pk)
    require(get_abilities(request.user, transfer.member), "manage_competences")
    form = CompetenceEndForm(
        request.POST if request.method == "POST" else None, initial={"end_date": timezone.localdate()}
    )

    def save() -> HttpResponse:
        services.competence_transfer_end(transfer=transfer, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Compétence « %(name)s » terminée.") % {"name": transfer.get_competence_display()})
        return redirect("members:backoffice_member_detail", pk=transfer.member_id)

    return form_page(
        request,
        form,
        template="members/backoffice/competence_end.html",
        on_valid=save,
        context={"transfer": transfer, "member": transfer.member},
    )

"""Back-office of the operator's staff: member list, creation, detail, adhésion workflow, competences."""

from collections.abc import Callable
from typing import Any

from django import forms
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
from mutualis.members.billing import billed_by
from mutualis.members.choices import TRANSITION_LABELS, MemberRole, MemberStatus
from mutualis.members.filters import MemberFilter
from mutualis.members.forms import (
    CompetenceCancelForm,
    CompetenceEndForm,
    CompetenceForm,
    CompetenceUpdateForm,
    InviteForm,
    MemberCreateForm,
    MemberForm,
    TransitionForm,
)
from mutualis.members.models import AdhesionRequest, CompetenceTransfer, Member
from mutualis.members.permissions import allowed_transitions, can_create_member, get_abilities
from mutualis.members.rules import billed_refusal
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
    form = MemberCreateForm(request.POST if request.method == "POST" else None)

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


def _requester_invitation(adhesion: AdhesionRequest) -> InviteForm:
    """The invitation form filled in with the requester as the member's manager."""
    first_name, _space, last_name = adhesion.contact_name.partition(" ")
    initial = {
        "email": adhesion.contact_email,
        "role": MemberRole.MANAGER,
        # The invitation's name, whichever fields the form has for it (unknown keys are ignored).
        "name": adhesion.contact_name,
        "first_name": first_name,
        "last_name": last_name,
    }
    return InviteForm(initial=initial, auto_id=f"requester-{adhesion.pk}-%s")


def _adhesion_requests(request: HttpRequest, member: Member, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The member's online requests; once approved, while it has no manager, each requester not yet among its users
    is proposed as its first manager."""
    requests = list(selectors.adhesion_request_list(user=request.user, member=member))
    propose = (
        context["abilities"]["invite_users"]
        and member.status in {MemberStatus.APPROVED, MemberStatus.ACTIVE}
        and selectors.managers_count(member=member) == 0
    )
    users = {membership.user.email.lower() for membership, _abilities in context["memberships"]}
    return [
        {
            "adhesion": adhesion,
            "invitation": _requester_invitation(adhesion)
            if propose and adhesion.contact_email.lower() not in users
            else None,
        }
        for adhesion in requests
    ]


@staff_required
def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member as the operator sees it: workflow, history, online request (and its requester proposed as first
    manager), competences (with what bills them), sites, users, recent audit entries."""
    member = selectors.member_get(user=request.user, pk=pk)
    context = member_context(request, member)
    competences = list(context["competences"])
    for transfer in competences:
        transfer.billed_by = billed_by(transfer)
    context |= {
        "competences": competences,
        "transitions": _transition_forms(request.user, member),
        "status_changes": selectors.status_change_list(user=request.user, member=member),
        "adhesion_requests": _adhesion_requests(request, member, context),
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


def _competence_page(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    initial: Callable[[CompetenceTransfer], dict[str, Any]],
    template: str,
    write: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """A page acting on one competence transfer (administrators): the form, then `write` (a service), then back to
    the member with `done` said; the page tells why a transfer a contribution call bills is no longer corrected."""
    transfer = selectors.competence_get(user=request.user, pk=pk)
    require(get_abilities(request.user, transfer.member), "manage_competences")
    form = form_class(request.POST if request.method == "POST" else None, initial=initial(transfer))

    def save() -> HttpResponse:
        write(transfer=transfer, acting_user=request.user, **form.cleaned_data)
        messages.success(request, done % {"name": transfer.get_competence_display()})
        return redirect("members:backoffice_member_detail", pk=transfer.member_id)

    context = {"transfer": transfer, "member": transfer.member, "refusal": billed_refusal(billed_by(transfer))}
    return form_page(request, form, template=template, on_valid=save, context=context)


@staff_required
def competence_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the last day of a competence transfer (administrators); an end already recorded is shown and offered."""
    return _competence_page(
        request,
        pk,
        form_class=CompetenceEndForm,
        initial=lambda transfer: {"end_date": transfer.end_date or timezone.localdate()},
        template="members/backoffice/competence_end.html",
        write=services.competence_transfer_end,
        done=_("Compétence « %(name)s » terminée."),
    )


@staff_required
def competence_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a mistaken competence transfer (administrators), until a contribution call bills it."""
    return _competence_page(
        request,
        pk,
        form_class=CompetenceUpdateForm,
        initial=CompetenceUpdateForm.initial_for,
        template="members/backoffice/competence_update.html",
        write=services.competence_transfer_update,
        done=_("Compétence « %(name)s » corrigée."),
    )


@staff_required
def competence_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a competence transfer recorded by mistake, after a confirmation page (administrators), until a
    contribution call bills it."""
    return _competence_page(
        request,
        pk,
        form_class=CompetenceCancelForm,
        initial=lambda transfer: {},
        template="members/backoffice/competence_cancel.html",
        write=services.competence_transfer_cancel,
        done=_("Transfert « %(name)s » annulé."),
    )

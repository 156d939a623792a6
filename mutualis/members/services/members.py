"""Members: creation, update and the adhésion workflow (requested → approved → active → withdrawn)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, notify, snapshot
from mutualis.core.validation import Errors
from mutualis.members import rules
from mutualis.members.choices import (
    DELIBERATION_REQUIRED,
    MEMBER_TRANSITIONS,
    REASON_REQUIRED,
    EstablishmentType,
    MemberKind,
    MemberStatus,
)
from mutualis.members.models import Member, MemberStatusChange
from mutualis.members.services._common import administrators, authenticated_or_none, managers_of
from mutualis.members.validators import compact_number
from mutualis.territory.models import Commune

MEMBER_FIELDS = (
    "name",
    "kind",
    "establishment_type",
    "siren",
    "siret",
    "uai",
    "departement",
    "intercommunality",
    "address",
    "email",
    "phone",
)


def member_snapshot(member: Member) -> dict[str, Any]:
    """The member's fields and commune codes, for the audit log."""
    data = snapshot(member)
    data["communes"] = sorted(member.communes.values_list("insee_code", flat=True)) if member.pk else []
    return data


def _default_intercommunality(communes: list[Commune]) -> Any:
    # In the Hauts-de-Seine the EPT is the intercommunality that matters day to day (the EPCI is the Métropole).
    first = communes[0] if communes else None
    return (first.ept or first.epci) if first else None


def _check_territory(member: Member, communes: list[Commune], errors: Errors) -> list[Commune]:
    """Kind-specific rules linking a member to the territory; returns the communes to link."""
    departement = member.departement if member.departement_id else None
    if departement is None:
        return communes
    outside = [c.name for c in communes if c.departement_id != departement.pk]
    if outside:
        errors.add(
            "communes",
            _("Ces communes ne sont pas dans le département %(dep)s : %(names)s.")
            % {"dep": departement.name, "names": ", ".join(outside)},
        )
    epci = member.intercommunality if member.intercommunality_id else None
    if member.kind == MemberKind.DEPARTEMENT:
        if member.siren and member.siren != departement.siren:
            errors.add(
                "siren",
                _("Le SIREN d'un département adhérent est celui du département : %(siren)s pour %(name)s.")
                % {"siren": departement.siren, "name": departement.name},
            )
        if epci is not None:
            errors.add("intercommunality", _("Un département n'est rattaché à aucun EPCI ni EPT."))
    elif member.kind == MemberKind.COMMUNE:
        if len(communes) != 1:
            errors.add("communes", _("Une commune adhérente est rattachée à exactement une commune : elle-même."))
        else:
            commune = communes[0]
            if member.siren and member.siren != commune.siren:
                errors.add(
                    "siren",
                    _("Le SIREN d'une commune adhérente est celui de la commune : %(siren)s pour %(name)s.")
                    % {"siren": commune.siren, "name": commune.name},
                )
            if epci is None:
                member.intercommunality = _default_intercommunality(communes)
            elif epci.pk not in {commune.epci_id, commune.ept_id}:
                errors.add("intercommunality", _("Cette commune n'appartient pas à cet EPCI ou EPT."))
    elif member.kind == MemberKind.INTERCOMMUNALITY:
        if epci is None:
            errors.add("intercommunality", _("Indiquez l'EPCI ou l'EPT adhérent."))
            return communes
        if member.siren and member.siren != epci.siren:
            errors.add(
                "siren",
                _("Le SIREN d'un EPCI ou EPT adhérent est le sien : %(siren)s pour %(name)s.")
                % {"siren": epci.siren, "name": epci.name},
            )
        in_epci = Commune.objects.filter(Q(epci=epci) | Q(ept=epci), departement=departement)
        if not communes:
            communes = list(in_epci)
            if not communes:
                errors.add("intercommunality", _("Cet EPCI ou EPT n'a aucune commune dans le département choisi."))
        foreign = [c.name for c in communes if epci.pk not in {c.epci_id, c.ept_id}]
        if foreign:
            errors.add(
                "communes",
                _("Ces communes n'appartiennent pas à %(epci)s : %(names)s.")
                % {"epci": epci.name, "names": ", ".join(foreign)},
            )
    else:
        if not communes:
            errors.add("communes", _("Indiquez la commune où se trouve l'établissement ou l'organisme."))
        elif epci is None:
            member.intercommunality = _default_intercommunality(communes)
    return communes


def _check_identity(member: Member, errors: Errors) -> None:
    """SIRET of the same legal person; establishment details only for establishments."""
    if member.siret and member.siren and not errors.has("siret") and not member.siret.startswith(member.siren):
        errors.add("siret", _("Le SIRET doit commencer par le SIREN de l'adhérent (ses 9 premiers chiffres)."))
    if member.kind == MemberKind.PUBLIC_ESTABLISHMENT:
        if not member.establishment_type:
            errors.add("establishment_type", _("Indiquez le type d'établissement."))
    else:
        if member.establishment_type:
            errors.add("establishment_type", _("Le type d'établissement ne concerne que les établissements publics."))
        if member.uai:
            errors.add("uai", _("Le code UAI ne concerne que les établissements publics d'enseignement."))
    schools = {EstablishmentType.COLLEGE, EstablishmentType.LYCEE}
    if member.uai and member.establishment_type not in schools and not errors.has("uai"):
        errors.add("uai", _("Le code UAI ne concerne que les collèges et lycées."))


def _validated(
    member: Member, communes: Iterable[Commune], *, requested_on: datetime.date | None = None
) -> list[Commune]:
    """Normalise and check the member (and the day its request was received); raise every problem at once."""
    member.siren = compact_number(member.siren)
    member.siret = compact_number(member.siret)
    member.uai = (member.uai or "").strip().upper()
    member.name = (member.name or "").strip()
    errors = Errors()
    errors.full_clean(member)
    communes = _check_territory(member, list(communes), errors)
    _check_identity(member, errors)
    if requested_on is not None:
        _check_decision_day(errors, requested_on, field="requested_on", what=_("La date de la demande"))
    errors.raise_if_any()
    return communes


@transaction.atomic
def member_create(
    *,
    acting_user: User | None,
    name: str,
    kind: str,
    siren: str,
    departement: Any,
    siret: str = "",
    communes: Iterable[Commune] = (),
    intercommunality: Any = None,
    establishment_type: str = "",
    uai: str = "",
    address: str = "",
    email: str = "",
    phone: str = "",
    requested_by: str = "",
    requested_on: datetime.date | None = None,
) -> Member:
    """Record an adhésion request (status "requested"); administrators are notified.

    `acting_user` may be None (scripts, the public adhésion form); `requested_by` is then the e-mail of whoever
    asked online, kept in the audit entry. `requested_on` is the day the request was received, when known: the
    deliberation and the steps that answer it cannot precede it.
    """
    member = Member(
        name=name,
        kind=kind,
        siren=siren,
        siret=siret,
        departement=departement,
        intercommunality=intercommunality,
        establishment_type=establishment_type or "",
        uai=uai,
        address=address,
        email=email,
        phone=phone,
        status=MemberStatus.REQUESTED,
    )
    communes = _validated(member, communes, requested_on=requested_on)
    member.save()
    member.communes.set(communes)
    MemberStatusChange.objects.create(
        member=member,
        from_status="",
        to_status=MemberStatus.REQUESTED,
        acting_user=authenticated_or_none(acting_user),
        effective_date=requested_on,
    )
    after = member_snapshot(member) | ({"requested_by": requested_by} if requested_by else {})
    audit_record(actor=acting_user, action="member.create", obj=member, member_id=member.pk, after=after)
    notify(
        recipients=administrators().exclude(pk=getattr(acting_user, "pk", None) or 0),
        kind="member.requested",
        title=_("Nouvelle demande d'adhésion : %(name)s") % {"name": member.name},
        url=reverse("members:backoffice_member_detail", args=[member.pk]),
    )
    return member


@transaction.atomic
def member_update(*, member: Member, acting_user: User, **changes: Any) -> Member:
    """Change a member's identity or territory (not its status: see member_transition)."""
    unknown = set(changes) - set(MEMBER_FIELDS) - {"communes"}
    if unknown:
        raise TypeError(f"member_update: unknown fields {sorted(unknown)}")
    before = member_snapshot(member)
    communes = changes.pop("communes", None)
    communes = list(member.communes.all()) if communes is None else list(communes)
    for field, value in changes.items():
        setattr(member, field, "" if value is None and field not in {"departement", "intercommunality"} else value)
    try:
        communes = _validated(member, communes)
    except ValidationError:
        member.refresh_from_db()
        raise
    member.save()
    member.communes.set(communes)
    after = member_snapshot(member)
    if after != before:
        audit_record(
            actor=acting_user,
            action="member.update",
            obj=member,
            member_id=member.pk,
            before=before,
            after=after,
        )
    return member


def _check_decision_day(
    errors: Errors,
    day: datetime.date,
    *,
    field: str,
    what: str,
    requested_on: datetime.date | None = None,
) -> None:
    """A decision of the adhésion is dated between the syndicat's creation (or the request it answers) and today."""
    errors.check(rules.assert_not_in_future, day, today=timezone.localdate(), field=field, what=what)
    errors.check(rules.assert_not_before_operator, day, field=field, what=what)
    errors.check(rules.assert_not_before_request, day, requested_on=requested_on, field=field, what=what)


def request_date(member: Member) -> datetime.date | None:
    """The day the body asked to join, when known: its online request's day, or the day recorded with the request
    step (a request recorded in the back-office after the fact may leave it unknown)."""
    days = [timezone.localdate(at) for at in member.adhesion_requests.values_list("created_at", flat=True)]
    days += [
        day
        for day in member.status_changes.filter(to_status=MemberStatus.REQUESTED).values_list(
            "effective_date", flat=True
        )
        if day is not None
    ]
    return min(days) if days else None


def _check_step(
    member: Member,
    to_status: str,
    *,
    reason: str,
    reference: str,
    deliberation: datetime.date | None,
    effective: datetime.date,
) -> None:
    """The step is in the workflow; its deliberation, reason and dates are given and bounded (rules.py). A step
    takes effect today or on a past date (records of earlier decisions), never before the previous step (or the
    request), nor the syndicat's creation; an activation no later than the first competence transferred."""
    errors = Errors()
    if to_status not in MEMBER_TRANSITIONS.get(member.status, set()):
        labels = dict(MemberStatus.choices)
        errors.add(
            "to_status",
            _("Passage impossible de « %(source)s » à « %(target)s ».")
            % {"source": labels.get(member.status, member.status), "target": labels.get(to_status, to_status)},
        )
        errors.raise_if_any()
    previous = [timezone.localdate(d) for d in (member.approved_at, member.activated_at) if d is not None]
    requested_on = None if previous else request_date(member)
    if to_status in DELIBERATION_REQUIRED:
        if not reference.strip():
            errors.add(
                "deliberation_reference",
                _("La référence de la délibération est obligatoire pour approuver une adhésion."),
            )
        if deliberation is None:
            errors.add(
                "deliberation_date", _("La date de la délibération est obligatoire pour approuver une adhésion.")
            )
        else:
            what = _("La date de la délibération")
            _check_decision_day(errors, deliberation, field="deliberation_date", what=what, requested_on=requested_on)
    if to_status in REASON_REQUIRED and not reason.strip():
        errors.add("reason", _("Indiquez le motif."))
    what = _("La date d'effet")
    _check_decision_day(errors, effective, field="effective_date", what=what, requested_on=requested_on)
    errors.check(rules.assert_not_before_previous_step, effective, previous_on=max(previous, default=None))
    if to_status == MemberStatus.APPROVED and not errors.has("deliberation_date"):
        errors.check(rules.assert_approval_not_before_deliberation, effective, deliberation_on=deliberation)
    first = member.competences.order_by("start_date", "pk").first() if to_status == MemberStatus.ACTIVE else None
    if first is not None:
        errors.check(
            rules.assert_adhesion_not_after_transfers,
            effective,
            first_start=first.start_date,
            competence=first.get_competence_display(),
        )
    errors.raise_if_any()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def member_transition(
    *,
    member: Member,
    to_status: str,
    acting_user: User,
    reason: str = "",
    deliberation_reference: str = "",
    deliberation_date: datetime.date | None = None,
    effective_date: datetime.date | None = None,
) -> Member:
    """Move a member along the adhésion workflow (MEMBER_TRANSITIONS); each step is recorded and audited.

    `effective_date` records a step decided earlier (e.g. an adhésion active since 1 January when the operator
    starts using Mutualis); the audit entry still says when it was recorded.
    """
    # Imported here: both modules build on this one.
    from mutualis.members.services.adhesion import adhesion_outcome_emails
    from mutualis.members.services.competences import end_all_competences

    # Lock the row: two administrators clicking at once must not both pass the transition check.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    member.refresh_from_db()
    reason, deliberation_reference = (reason or "").strip(), (deliberation_reference or "").strip()
    _check_step(
        member,
        to_status,
        reason=reason,
        reference=deliberation_reference,
        deliberation=deliberation_date,
        effective=effective_date or timezone.localdate(),
    )
    from_status = member.status
    now = _start_of(effective_date) if effective_date is not None else timezone.now()
    member.status = to_status
    if to_status == MemberStatus.APPROVED:
        member.deliberation_reference, member.deliberation_date = deliberation_reference, deliberation_date
        member.approved_at = now
    elif to_status == MemberStatus.ACTIVE:
        member.activated_at = now
    elif to_status == MemberStatus.WITHDRAWN:
        member.withdrawn_at = now
        end_all_competences(member=member, day=timezone.localdate(now), acting_user=acting_user)
    member.save()
    MemberStatusChange.objects.create(
        member=member,
        from_status=from_status,
        to_status=to_status,
        acting_user=authenticated_or_none(acting_user),
        reason=reason,
        deliberation_reference=deliberation_reference if to_status in DELIBERATION_REQUIRED else "",
        deliberation_date=deliberation_date if to_status in DELIBERATION_REQUIRED else None,
        effective_date=timezone.localdate(now),
    )
    audit_record(
        actor=acting_user,
        action=f"member.{to_status}",
        obj=member,
        member_id=member.pk,
        before={"status": from_status},
        after={
            "status": to_status,
            "deliberation_reference": member.deliberation_reference,
            "deliberation_date": member.deliberation_date,
            "effective_date": timezone.localdate(now),
        },
        reason=reason,
    )
    if to_status in {MemberStatus.APPROVED, MemberStatus.ACTIVE}:
        title = (
            _("Adhésion approuvée : %(name)s")
            if to_status == MemberStatus.APPROVED
            else _("Adhésion active : %(name)s")
        )
        notify(
            recipients=managers_of(member),
            kind=f"member.{to_status}",
            title=title % {"name": member.name},
            url=reverse("members:space_member", args=[member.pk]),
        )
    adhesion_outcome_emails(member=member, to_status=to_status, reason=reason, effective=timezone.localdate(now))
    return member

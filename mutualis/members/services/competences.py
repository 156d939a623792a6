"""Competences a member transfers to the operator, à la carte, each over a period."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.members.choices import OPEN_STATUSES
from mutualis.members.models import CompetenceTransfer, Member


def _period(transfer: CompetenceTransfer) -> str:
    start = date_format(transfer.start_date, "SHORT_DATE_FORMAT")
    if transfer.end_date is None:
        return _("depuis le %(start)s") % {"start": start}
    return _("du %(start)s au %(end)s") % {"start": start, "end": date_format(transfer.end_date, "SHORT_DATE_FORMAT")}


def _check_period(transfer: CompetenceTransfer, errors: Errors) -> None:
    """End after start, and no other transfer of the same competence over any day of the period."""
    if transfer.start_date and transfer.end_date and transfer.end_date < transfer.start_date:
        errors.add("end_date", _("La date de fin doit suivre la date de début."))
        return
    if not transfer.start_date or not transfer.competence:
        return
    overlapping = CompetenceTransfer.objects.filter(member_id=transfer.member_id, competence=transfer.competence)
    overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=transfer.start_date))
    if transfer.end_date is not None:
        overlapping = overlapping.filter(start_date__lte=transfer.end_date)
    other = overlapping.exclude(pk=transfer.pk).first()
    if other is not None:
        errors.add(
            "start_date",
            _("Cette compétence est déjà transférée sur une période qui chevauche celle-ci (%(period)s).")
            % {"period": _period(other)},
        )


@transaction.atomic
def competence_transfer_add(
    *,
    member: Member,
    competence: str,
    start_date: datetime.date,
    acting_user: User,
    end_date: datetime.date | None = None,
    deliberation_reference: str = "",
) -> CompetenceTransfer:
    """Record that the member transfers a competence from start_date (to end_date, if known)."""
    # Lock the member: two concurrent additions of the same competence must not both pass the overlap check.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    member.refresh_from_db(fields=["status"])
    errors = Errors()
    if member.status not in OPEN_STATUSES:
        errors.add(None, _("On n'ajoute pas de compétence à un adhérent retiré ou refusé."))
    transfer = CompetenceTransfer(
        member=member,
        competence=competence,
        start_date=start_date,
        end_date=end_date,
        deliberation_reference=(deliberation_reference or "").strip(),
    )
    errors.full_clean(transfer, validate_constraints=False)
    _check_period(transfer, errors)
    errors.raise_if_any()
    transfer.save()
    audit_record(
        actor=acting_user,
        action="competence.add",
        obj=transfer,
        member_id=member.pk,
        after=snapshot(transfer),
    )
    return transfer


@transaction.atomic
def competence_transfer_end(
    *,
    transfer: CompetenceTransfer,
    end_date: datetime.date | None,
    acting_user: User,
    reason: str = "",
) -> CompetenceTransfer:
    """Set the last day of a competence transfer (the competence is still held on that day)."""
    Member.objects.select_for_update().filter(pk=transfer.member_id).first()
    before = snapshot(transfer)
    errors = Errors()
    if end_date is None:
        errors.add("end_date", _("Indiquez la date de fin."))
        errors.raise_if_any()
    transfer.end_date = end_date
    _check_period(transfer, errors)
    if errors.by_field:
        transfer.refresh_from_db()
        errors.raise_if_any()
    transfer.save(update_fields=["end_date", "updated_at"])
    audit_record(
        actor=acting_user,
        action="competence.end",
        obj=transfer,
        member_id=transfer.member_id,
        before=before,
        after=snapshot(transfer),
        reason=reason,
    )
    return transfer


def end_all_competences(*, member: Member, day: datetime.date, acting_user: User) -> None:
    """On withdrawal: every transfer still running ends on `day`; those not yet started are cancelled."""
    running = member.competences.filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
    for transfer in running:
        before = snapshot(transfer)
        if transfer.start_date > day:
            transfer_id = transfer.pk
            transfer.delete()
            audit_record(
                actor=acting_user,
                action="competence.cancel",
                object_type="members.competencetransfer",
                object_id=transfer_id,
                object_repr=str(transfer),
                member_id=member.pk,
                before=before,
                reason=_("Retrait de l'adhérent"),
            )
            continue
        transfer.end_date = day
        transfer.save(update_fields=["end_date", "updated_at"])
        audit_record(
            actor=acting_user,
            action="competence.end",
            obj=transfer,
            member_id=member.pk,
            before=before,
            after=snapshot(transfer),
            reason=_("Retrait de l'adhérent"),
        )

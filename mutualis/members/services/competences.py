"""Competences a member transfers to the operator, à la carte, each over a period."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.members import rules
from mutualis.members.billing import billed_by
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


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _check_start(transfer: CompetenceTransfer, member: Member, errors: Errors) -> None:
    """A transfer starts once the syndicat exists and the member's adhésion took effect (when it has)."""
    if not transfer.start_date:
        return
    errors.check(rules.assert_not_before_operator, transfer.start_date, field="start_date", what=_("La date de début"))
    if not errors.has("start_date"):
        errors.check(
            rules.assert_transfer_not_before_adhesion, transfer.start_date, adhesion_on=_local_day(member.activated_at)
        )


def _check_end(transfer: CompetenceTransfer, member: Member, errors: Errors) -> None:
    """A withdrawn member's transfer ends by the withdrawal."""
    errors.check(
        rules.assert_transfer_ends_by_withdrawal, transfer.end_date, withdrawn_on=_local_day(member.withdrawn_at)
    )


def _save_audited(
    transfer: CompetenceTransfer,
    *,
    fields: list[str],
    action: str,
    before: dict[str, Any],
    acting_user: User | None,
    reason: str,
) -> None:
    """Save the changed fields and audit the change (before → after, with its reason)."""
    transfer.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=acting_user,
        action=action,
        obj=transfer,
        member_id=transfer.member_id,
        before=before,
        after=snapshot(transfer),
        reason=reason,
    )


def _locked_member(member_id: int) -> Member:
    """The member, its row locked: two concurrent writes on its transfers must not both pass the overlap check."""
    return Member.objects.select_for_update().get(pk=member_id)


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
    """Record that the member transfers a competence from start_date (to end_date, if known), not before the
    syndicat's creation nor before the member's adhésion took effect."""
    member = _locked_member(member.pk)
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
    _check_start(transfer, member, errors)
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
    member = _locked_member(transfer.member_id)
    before = snapshot(transfer)
    errors = Errors()
    if end_date is None:
        errors.add("end_date", _("Indiquez la date de fin."))
        errors.raise_if_any()
    transfer.end_date = end_date
    _check_end(transfer, member, errors)
    _check_period(transfer, errors)
    if errors.by_field:
        transfer.refresh_from_db()
        errors.raise_if_any()
    _save_audited(
        transfer, fields=["end_date"], action="competence.end", before=before, acting_user=acting_user, reason=reason
    )
    return transfer


def _check_not_billed(transfer: CompetenceTransfer) -> None:
    """A transfer an issued contribution call bills (as stored) is no longer corrected."""
    errors = Errors()
    errors.check(rules.assert_transfer_not_billed, billed_by(transfer))
    errors.raise_if_any()


@transaction.atomic
def competence_transfer_update(
    *,
    transfer: CompetenceTransfer,
    start_date: datetime.date,
    acting_user: User,
    end_date: datetime.date | None = None,
    deliberation_reference: str = "",
    reason: str = "",
) -> CompetenceTransfer:
    """Correct a mistaken transfer (its dates, its deliberation) as long as no issued contribution call bills it;
    the same bounds as a new transfer apply, and the correction is audited with its reason."""
    member = _locked_member(transfer.member_id)
    transfer.refresh_from_db()
    _check_not_billed(transfer)
    before = snapshot(transfer)
    transfer.start_date, transfer.end_date = start_date, end_date
    transfer.deliberation_reference = (deliberation_reference or "").strip()
    errors = Errors()
    errors.full_clean(transfer, validate_constraints=False)
    _check_start(transfer, member, errors)
    _check_end(transfer, member, errors)
    _check_period(transfer, errors)
    if errors.by_field:
        transfer.refresh_from_db()
        errors.raise_if_any()
    if snapshot(transfer) != before:
        _save_audited(
            transfer,
            fields=["start_date", "end_date", "deliberation_reference"],
            action="competence.update",
            before=before,
            acting_user=acting_user,
            reason=(reason or "").strip(),
        )
    return transfer


def _cancel(transfer: CompetenceTransfer, *, acting_user: User, reason: str) -> None:
    """Delete the transfer as if it had never been, keeping what it was in the audit log."""
    before = snapshot(transfer)
    transfer_id = transfer.pk
    transfer.delete()
    audit_record(
        actor=acting_user,
        action="competence.cancel",
        object_type="members.competencetransfer",
        object_id=transfer_id,
        object_repr=str(transfer),
        member_id=transfer.member_id,
        before=before,
        reason=reason,
    )


@transaction.atomic
def competence_transfer_cancel(*, transfer: CompetenceTransfer, acting_user: User, reason: str) -> None:
    """Cancel a transfer recorded by mistake (deleted, audited with the reason given) as long as no issued
    contribution call bills it."""
    _locked_member(transfer.member_id)
    transfer.refresh_from_db()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi ce transfert est annulé.")})
    _check_not_billed(transfer)
    _cancel(transfer, acting_user=acting_user, reason=reason)


def end_all_competences(*, member: Member, day: datetime.date, acting_user: User) -> None:
    """On withdrawal: every transfer still running ends on `day`; those not yet started are cancelled."""
    running = member.competences.filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
    for transfer in running:
        if transfer.start_date > day:
            _cancel(transfer, acting_user=acting_user, reason=_("Retrait de l'adhérent"))
            continue
        before = snapshot(transfer)
        transfer.end_date = day
        _save_audited(
            transfer,
            fields=["end_date"],
            action="competence.end",
            before=before,
            acting_user=acting_user,
            reason=_("Retrait de l'adhérent"),
        )

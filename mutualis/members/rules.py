"""Date bounds of the adhésion workflow and of competence transfers, each a named rule (pure: no ORM).

An adhésion is a sequence of decisions: a public body asks, the syndicat's assembly deliberates (approval or
refusal), the adhésion takes effect (activation), the member may withdraw. Each decision answers the one before
it, none can be dated in the future, and none can predate the syndicat itself (`settings.OPERATOR_CREATED_ON`).
A competence is transferred by a member whose adhésion is in force: not before it took effect, not after its
withdrawal. Once an issued contribution call bills a transfer, the transfer is history: it is no longer corrected.

Each rule raises a ValidationError keyed by the field the date was typed in, so that `Errors.check` collects it
and the form (or the API) shows it there.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def operator_created_on() -> datetime.date:
    """The day the syndicat was created (setting OPERATOR_CREATED_ON, 1 January 2016 by default)."""
    return settings.OPERATOR_CREATED_ON


def assert_not_in_future(day: datetime.date, *, today: datetime.date, field: str, what: str) -> None:
    """A decision already taken is dated today at the latest (`what`: « La date de la délibération »…)."""
    if day > today:
        raise ValidationError({field: _("%(what)s ne peut pas être dans le futur.") % {"what": what}})


def assert_not_before_operator(day: datetime.date, *, field: str, what: str) -> None:
    """Nothing of the syndicat's history predates its creation (01/01/1900 is a typing error)."""
    created = operator_created_on()
    if day < created:
        raise ValidationError(
            {
                field: _("%(what)s ne peut précéder la création du syndicat, le %(created)s.")
                % {"what": what, "created": _day(created)}
            }
        )


def assert_not_before_request(day: datetime.date, *, requested_on: datetime.date | None, field: str, what: str) -> None:
    """A deliberation or a decision answers the adhésion request: it cannot precede it (when its date is known)."""
    if requested_on is not None and day < requested_on:
        raise ValidationError(
            {
                field: _("%(what)s ne peut précéder la demande d'adhésion, reçue le %(requested)s.")
                % {"what": what, "requested": _day(requested_on)}
            }
        )


def assert_not_before_previous_step(day: datetime.date, *, previous_on: datetime.date | None) -> None:
    """A step of the adhésion (activation, withdrawal) takes effect on or after the step before it."""
    if previous_on is not None and day < previous_on:
        raise ValidationError(
            {
                "effective_date": _("La date d'effet ne peut précéder l'étape précédente de l'adhésion, le %(day)s.")
                % {"day": _day(previous_on)}
            }
        )


def assert_approval_not_before_deliberation(day: datetime.date, *, deliberation_on: datetime.date | None) -> None:
    """An adhésion is approved by the deliberation: the approval takes effect on the deliberation's day or later."""
    if deliberation_on is not None and day < deliberation_on:
        raise ValidationError({"effective_date": _("L'approbation ne peut précéder la délibération.")})


def assert_adhesion_not_after_transfers(
    day: datetime.date, *, first_start: datetime.date | None, competence: str = ""
) -> None:
    """The adhésion takes effect no later than the first competence it transfers (else that competence would be
    billed for days when the body was not yet a member)."""
    if first_start is not None and day > first_start:
        raise ValidationError(
            {
                "effective_date": _(
                    "L'adhésion ne peut prendre effet après le début d'une compétence transférée (« %(competence)s », "
                    "depuis le %(start)s) : choisissez une date d'effet antérieure ou corrigez d'abord ce transfert."
                )
                % {"competence": competence, "start": _day(first_start)}
            }
        )


def assert_transfer_not_before_adhesion(start: datetime.date, *, adhesion_on: datetime.date | None) -> None:
    """A competence is transferred by a member: not before its adhésion took effect."""
    if adhesion_on is not None and start < adhesion_on:
        raise ValidationError(
            {
                "start_date": _("Le transfert ne peut commencer avant la prise d'effet de l'adhésion, le %(adhesion)s.")
                % {"adhesion": _day(adhesion_on)}
            }
        )


def assert_transfer_ends_by_withdrawal(end: datetime.date | None, *, withdrawn_on: datetime.date | None) -> None:
    """A withdrawn member's transfers end on its withdrawal at the latest."""
    if withdrawn_on is not None and (end is None or end > withdrawn_on):
        raise ValidationError(
            {
                "end_date": _(
                    "L'adhérent s'est retiré le %(withdrawn)s : le transfert se termine au plus tard ce jour-là."
                )
                % {"withdrawn": _day(withdrawn_on)}
            }
        )


def billed_refusal(call_numbers: Sequence[str]) -> str:
    """Why a transfer billed by these issued calls can no longer be corrected (empty when no call bills it)."""
    if not call_numbers:
        return ""
    return _(
        "Ce transfert est facturé par l'appel de cotisation %(numbers)s : un appel émis ne change plus, le transfert "
        "ne peut donc plus être corrigé ni annulé. Annulez d'abord cet appel si le transfert est erroné."
    ) % {"numbers": ", ".join(call_numbers)}


def assert_transfer_not_billed(call_numbers: Sequence[str]) -> None:
    """A transfer an issued contribution call bills is no longer corrected: the call would no longer match it."""
    if call_numbers:
        raise ValidationError(billed_refusal(call_numbers))

"""Writes of the contributions app (rates, calls) and the rules a call is computed from."""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.contributions.choices import CALL_TRANSITIONS, YEAR_MAX, YEAR_MIN, CallStatus
from mutualis.contributions.models import ContributionCall, ContributionCallLine, ContributionRate
from mutualis.core.collation import french
from mutualis.core.money import CENT
from mutualis.core.services import audit_record, snapshot
from mutualis.members.choices import Competence, MemberKind, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member
from mutualis.territory.models import Commune

LINE_FIELDS = ["competence", "population", "per_inhabitant", "floor", "days_in_force", "days_in_year", "amount"]


# --- Rules -----------------------------------------------------------------------------------------------------


def population_basis(member: Member) -> int:
    """The population a member's contribution is computed on, by nature of member.

    Commune: its municipal population; département: the sum of its communes' populations; EPCI/EPT: its total
    population; public establishment or other public body: 0, so that the floor applies.
    """
    if member.kind == MemberKind.COMMUNE:
        return sum(commune.population for commune in member.communes.all())
    if member.kind == MemberKind.DEPARTEMENT:
        total = Commune.objects.filter(departement_id=member.departement_id).aggregate(total=Sum("population"))
        return total["total"] or 0
    if member.kind == MemberKind.INTERCOMMUNALITY:
        return member.intercommunality.population if member.intercommunality else 0
    return 0


def population_basis_label(kind: str) -> str:
    """What the population of a line counts, in the words of `population_basis` (printed on the call)."""
    labels: dict[str, str] = {
        MemberKind.COMMUNE: _("population municipale"),
        MemberKind.DEPARTEMENT: _("population des communes du département"),
        MemberKind.INTERCOMMUNALITY: _("population de l'EPCI / EPT"),
    }
    return labels.get(kind, _("sans population de référence"))


def days_in_year(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def competence_days_in_force(transfers: Iterable[CompetenceTransfer], year: int) -> dict[str, int]:
    """Days of `year` during which each competence was transferred (start and end dates inclusive).

    Overlapping transfers of the same competence count each day once; competences never in force that year are left out.
    """
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days: dict[str, set[int]] = {}
    for transfer in transfers:
        start = max(transfer.start_date, year_start)
        end = min(transfer.end_date or year_end, year_end)
        if start <= end:
            days.setdefault(transfer.competence, set()).update(range(start.toordinal(), end.toordinal() + 1))
    return {competence: len(ordinals) for competence, ordinals in days.items()}


def contribution_amount(
    population: int, rate: Decimal, floor: Decimal, days_in_force: int, days_in_year: int
) -> Decimal:
    """max(population × rate, floor), prorated by the days the competence was in force, rounded half-up to the cent."""
    yearly = max(Decimal(population) * Decimal(rate), Decimal(floor))
    return (yearly * Decimal(days_in_force) / Decimal(days_in_year)).quantize(CENT, rounding=ROUND_HALF_UP)


def member_was_active_during(member: Member, year: int) -> bool:
    """A member gets a call for a year if it is active, or was at some point of that year (withdrawn since)."""
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    activated = timezone.localdate(member.activated_at) if member.activated_at else None
    if member.status == MemberStatus.ACTIVE:
        # Members loaded without an activation date are taken as active since before the year.
        return activated is None or activated <= year_end
    if member.status == MemberStatus.WITHDRAWN:
        withdrawn = timezone.localdate(member.withdrawn_at) if member.withdrawn_at else None
        return activated is not None and withdrawn is not None and activated <= year_end and withdrawn >= year_start
    return False


def validate_year(year: Any) -> int:
    """A contribution year is an integer from 2000 to 2100."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("L'année doit être un nombre entier.")}) from None
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise ValidationError(
            {"year": _("L'année doit être comprise entre %(min)s et %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}}
        )
    return value


def validate_issue_date(issued_on: datetime.date, year: int, today: datetime.date) -> None:
    """A year's call is dated within its year or after it (never before 1 January of the year), and never later
    than today: a call is a document already sent."""
    if issued_on > today:
        raise ValidationError({"issued_on": _("Un appel de cotisation ne peut pas être daté dans le futur.")})
    if issued_on < datetime.date(year, 1, 1):
        raise ValidationError(
            {
                "issued_on": _("Un appel de cotisation %(year)s ne peut pas être daté avant le 01/01/%(year)s.")
                % {"year": year}
            }
        )


def call_due_date(issued_on: datetime.date, delay_days: int) -> datetime.date:
    """A call is due `delay_days` days after the day it was issued (OPERATOR_PAYMENT_DELAY_DAYS)."""
    return issued_on + datetime.timedelta(days=delay_days)


def call_number(year: int, sequence: int) -> str:
    """The call's public number, e.g. COT-2026-00042."""
    return f"COT-{year}-{sequence:05d}"


# --- Planning (pure reads used by the issue service and its confirmation page) -----------------------------------


@dataclass
class PlannedLine:
    """One competence line a call would carry."""

    competence: str
    population: int
    per_inhabitant: Decimal
    floor: Decimal
    days_in_force: int
    days_in_year: int
    amount: Decimal


@dataclass
class PlannedCall:
    """A call that issuing the year would create for a member."""

    member: Member
    lines: list[PlannedLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass
class IssuePlan:
    """What issuing a year would do: the calls to create, members already called, competences lacking a rate."""

    year: int
    calls: list[PlannedCall]
    already_called: int
    missing_rates: list[str]

    @property
    def total(self) -> Decimal:
        return sum((call.total for call in self.calls), Decimal("0.00"))

    def missing_rates_message(self) -> str:
        labels = ", ".join(str(Competence(c).label) for c in self.missing_rates)
        return _(
            "Impossible d'émettre les appels %(year)s : aucun taux n'est fixé pour %(year)s pour la ou les "
            "compétences suivantes : %(labels)s. Fixez ces taux puis recommencez."
        ) % {"year": self.year, "labels": labels}


def call_issue_plan(*, year: int) -> IssuePlan:
    """Compute, without writing, the calls `call_issue_year` would issue for the year."""
    year = validate_year(year)
    rates = {rate.competence: rate for rate in ContributionRate.objects.filter(year=year)}
    already = set(
        ContributionCall.objects.filter(year=year, status=CallStatus.ISSUED).values_list("member_id", flat=True)
    )
    members = (
        Member.objects.filter(status__in=[MemberStatus.ACTIVE, MemberStatus.WITHDRAWN])
        .select_related("intercommunality")
        .prefetch_related("communes", "competences")
        .order_by(french("name"), "pk")
    )
    calls: list[PlannedCall] = []
    missing: set[str] = set()
    already_called = 0
    total_days = days_in_year(year)
    for member in members:
        if not member_was_active_during(member, year):
            continue
        days = competence_days_in_force(member.competences.all(), year)
        if not days:
            continue
        if member.pk in already:
            already_called += 1
            continue
        population = population_basis(member)
        planned = PlannedCall(member=member)
        for competence in sorted(days):
            rate = rates.get(competence)
            if rate is None:
                missing.add(competence)
                continue
            amount = contribution_amount(population, rate.per_inhabitant, rate.floor, days[competence], total_days)
            planned.lines.append(
                PlannedLine(
                    competence=competence,
                    population=population,
                    per_inhabitant=rate.per_inhabitant,
                    floor=rate.floor,
                    days_in_force=days[competence],
                    days_in_year=total_days,
                    amount=amount,
                )
            )
        calls.append(planned)
    order = list(Competence.values)
    return IssuePlan(
        year=year, calls=calls, already_called=already_called, missing_rates=sorted(missing, key=order.index)
    )


# --- Services --------------------------------------------------------------------------------------------------


def _decimal(value: Any, field_name: str) -> Decimal:
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: _("Saisissez un montant valide.")}) from None
    if not result.is_finite():
        raise ValidationError({field_name: _("Saisissez un montant valide.")})
    if result < 0:
        raise ValidationError({field_name: _("Le montant ne peut pas être négatif.")})
    return result


@transaction.atomic
def rate_set(
    *, year: int, competence: str, per_inhabitant: Decimal, floor: Decimal, acting_user: User
) -> ContributionRate:
    """Set (create or change) the rate of a competence for a year; calls already issued keep their own copy."""
    year = validate_year(year)
    if competence not in Competence.values:
        raise ValidationError({"competence": _("Compétence inconnue.")})
    per_inhabitant = _decimal(per_inhabitant, "per_inhabitant")
    floor = _decimal(floor, "floor")
    rate = ContributionRate.objects.select_for_update().filter(year=year, competence=competence).first()
    before = snapshot(rate) if rate else None
    if rate is None:
        rate = ContributionRate(year=year, competence=competence)
    elif rate.per_inhabitant == per_inhabitant and rate.floor == floor:
        return rate
    rate.per_inhabitant, rate.floor = per_inhabitant, floor
    rate.set_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    rate.set_at = timezone.now()
    rate.full_clean()
    rate.save()
    audit_record(
        actor=acting_user,
        action="contribution_rate.set",
        obj=rate,
        before=before,
        after=snapshot(rate, ["year", "competence", "per_inhabitant", "floor"]),
    )
    return rate


@transaction.atomic
def call_issue_year(
    *, year: int, acting_user: User | None, issued_on: datetime.date | None = None
) -> list[ContributionCall]:
    """Issue the year's call to every eligible member that has no live call yet; all or nothing.

    Running it twice issues nothing the second time. A competence in force without a rate for the year stops the
    whole run with a French message, and nothing is written. The calls are dated today, or `issued_on` (a day
    already past: the demo dates its calls as they would have been issued); each is due the operator's payment
    delay after that day.
    """
    year = validate_year(year)
    now = timezone.now()
    if issued_on is None:
        issued_at = now
    else:
        validate_issue_date(issued_on, year, timezone.localdate(now))
        # The time of day of now: a call dated today is never stamped later than now.
        issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, timezone.localtime(now).time()))
    due_date = call_due_date(timezone.localdate(issued_at), settings.OPERATOR_PAYMENT_DELAY_DAYS)
    # Locking the year's rates serialises concurrent runs for the same year (PostgreSQL; SQLite locks on write).
    list(ContributionRate.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    plan = call_issue_plan(year=year)
    if plan.missing_rates:
        raise ValidationError(plan.missing_rates_message())
    sequence = ContributionCall.objects.filter(year=year).aggregate(last=Max("sequence"))["last"] or 0
    issued_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    created: list[ContributionCall] = []
    for planned in plan.calls:
        sequence += 1
        call = ContributionCall(
            member=planned.member,
            year=year,
            sequence=sequence,
            number=call_number(year, sequence),
            issued_at=issued_at,
            due_date=due_date,
            issued_by=issued_by,
            status=CallStatus.ISSUED,
            total=planned.total,
        )
        call.full_clean()
        call.save()
        lines = [ContributionCallLine(call=call, **asdict(line)) for line in planned.lines]
        for line in lines:
            line.full_clean(exclude=["call"])
        ContributionCallLine.objects.bulk_create(lines)
        audit_record(
            actor=acting_user,
            action="contribution_call.issue",
            obj=call,
            member_id=call.member_id,
            after={
                **snapshot(call, ["number", "member_id", "year", "status", "total", "issued_at", "due_date"]),
                "lines": [snapshot(line, LINE_FIELDS) for line in lines],
            },
        )
        created.append(call)
    return created


@transaction.atomic
def call_cancel(*, call: ContributionCall, reason: str, acting_user: User) -> ContributionCall:
    """Cancel an issued call with a reason; the member may then be issued a new call for that year."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    call = ContributionCall.objects.select_for_update().get(pk=call.pk)
    if CallStatus.CANCELLED not in CALL_TRANSITIONS[call.status]:
        raise ValidationError(_("Cet appel de cotisation est déjà annulé."))
    before = snapshot(call, ["status", "cancel_reason"])
    call.status = CallStatus.CANCELLED
    call.cancel_reason = reason
    call.cancelled_at = timezone.now()
    call.cancelled_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    call.full_clean()
    call.save()
    audit_record(
        actor=acting_user,
        action="contribution_call.cancel",
        obj=call,
        member_id=call.member_id,
        before=before,
        after=snapshot(call, ["status", "cancel_reason"]),
        reason=reason,
    )
    return call

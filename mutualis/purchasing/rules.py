"""The legal rules of public procurement the platform enforces, each a named function (tests cite the articles).

Code de la commande publique (CCP):
- L2125-1: a framework agreement lasts at most 4 years (pouvoirs adjudicateurs).
- R2162-4: a framework agreement with purchase orders sets a maximum; orders never exceed it.
- R2192-10: public bodies pay within 30 days.
- R2192-12 / R2192-13: the delay runs from the receipt of the invoice, or from the execution of the service when
  the invoice arrived first.
- R2192-29: the delay is suspended while documents are missing, and runs again when they arrive.
- R2192-31: late-payment interest at the ECB main refinancing rate + 8 points.
- L2192-13 and D2192-35: a flat fee of 40 € for recovery costs on every late payment.
"""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualis.core.dates import add_months
from mutualis.core.money import CENT, euros

MAX_FRAMEWORK_MONTHS = 48
PAYMENT_DELAY_DAYS = 30
LATE_INTEREST_MARGIN_POINTS = Decimal("8")
RECOVERY_FLAT_FEE = Decimal("40.00")
CONSUMPTION_ALERTS = (Decimal("0.80"), Decimal("0.95"))


def assert_framework_duration(duration_months: int) -> None:
    """CCP L2125-1: a framework agreement may not last more than four years."""
    if duration_months > MAX_FRAMEWORK_MONTHS:
        raise ValidationError(
            {"duration_months": _("Un accord-cadre ne peut durer plus de 4 ans (48 mois) — article L2125-1 du CCP.")}
        )


def framework_end_date(start_date: datetime.date, duration_months: int) -> datetime.date:
    """Last day of execution of an agreement starting on `start_date` for `duration_months`: the eve of the same
    day `duration_months` later, or that month's last day when it has no such day (31 January + 1 month → 28/29
    February)."""
    same_day_later = add_months(start_date, duration_months)
    if same_day_later.day != start_date.day:
        return same_day_later
    return same_day_later - datetime.timedelta(days=1)


def assert_within_framework_maximum(*, max_amount_ht: Decimal, consumed_ht: Decimal, additional_ht: Decimal) -> None:
    """CCP R2162-4: the orders of a lot never exceed its maximum amount."""
    remaining = max_amount_ht - consumed_ht
    if additional_ht > remaining:
        raise ValidationError(
            _(
                "Cette commande (%(amount)s HT) dépasserait le maximum du lot : il reste %(remaining)s HT sur "
                "%(maximum)s HT (article R2162-4 du CCP)."
            )
            % {
                "amount": euros(additional_ht),
                "remaining": euros(max(remaining, Decimal("0"))),
                "maximum": euros(max_amount_ht),
            }
        )


def consumption_alerts_crossed(*, max_amount_ht: Decimal, before_ht: Decimal, after_ht: Decimal) -> list[Decimal]:
    """The alert thresholds (80 %, 95 % of the maximum) that consumption crossed going from `before` to `after`."""
    return [share for share in CONSUMPTION_ALERTS if before_ht < max_amount_ht * share <= after_ht]


def minimum_out_of_reach(
    *,
    min_amount_ht: Decimal | None,
    consumed_ht: Decimal,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> bool:
    """True when, at the pace of consumption so far, the lot's minimum will not be reached by the end date."""
    if min_amount_ht is None or consumed_ht >= min_amount_ht or today <= start:
        return False
    if today >= end:
        return True
    elapsed, total = (today - start).days, (end - start).days + 1
    projected = consumed_ht * Decimal(total) / Decimal(elapsed)
    return projected < min_amount_ht


def payment_clock_start(*, received_on: datetime.date, execution_date: datetime.date | None) -> datetime.date | None:
    """CCP R2192-12 / R2192-13: the payment delay runs from the invoice's receipt, or from the execution of the
    service if that comes later; None while the service is not yet executed."""
    if execution_date is None:
        return None
    return max(received_on, execution_date)


def suspended_days(suspensions: Iterable[tuple[datetime.date, datetime.date | None]], *, today: datetime.date) -> int:
    """CCP R2192-29: days during which the clock stood still (an open suspension counts up to today)."""
    return sum(((end or today) - start).days for start, end in suspensions)


def payment_due_date(
    *,
    received_on: datetime.date,
    execution_date: datetime.date | None,
    suspensions: Iterable[tuple[datetime.date, datetime.date | None]] = (),
    today: datetime.date,
    delay_days: int = PAYMENT_DELAY_DAYS,
) -> datetime.date | None:
    """CCP R2192-10 (30 days), R2192-12/-13 (start), R2192-29 (suspension): the last day to pay; None while the
    service is not executed or while the clock is suspended."""
    start = payment_clock_start(received_on=received_on, execution_date=execution_date)
    suspensions = list(suspensions)
    if start is None or any(end is None for _, end in suspensions):
        return None
    return start + datetime.timedelta(days=delay_days + suspended_days(suspensions, today=today))


def days_late(*, due_date: datetime.date | None, paid_on: datetime.date | None, today: datetime.date) -> int:
    """Days past the due date at payment (or today, if still unpaid)."""
    if due_date is None:
        return 0
    return max(0, ((paid_on or today) - due_date).days)


def late_payment_interest(*, amount_ttc: Decimal, days: int, ecb_rate_percent: Decimal) -> Decimal:
    """CCP R2192-31: interest = amount TTC × (ECB main refinancing rate + 8 points) × days late / 365."""
    if days <= 0:
        return Decimal("0.00")
    rate = (Decimal(ecb_rate_percent) + LATE_INTEREST_MARGIN_POINTS) / Decimal(100)
    return (Decimal(amount_ttc) * rate * Decimal(days) / Decimal(365)).quantize(CENT, rounding=ROUND_HALF_UP)


def recovery_flat_fee(*, days: int) -> Decimal:
    """CCP L2192-13 and D2192-35: any late payment also owes a flat fee of 40 € for recovery costs."""
    return RECOVERY_FLAT_FEE if days > 0 else Decimal("0.00")

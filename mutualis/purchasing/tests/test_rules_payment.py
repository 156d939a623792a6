"""The legal payment clock and the framework-agreement limits, as pure functions (Code de la commande publique)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mutualis.purchasing import rules

D = datetime.date


def test_payment_delay_is_thirty_days_from_reception():
    """R2192-10: a public body pays within 30 days of receiving the invoice when the service is already executed."""
    due = rules.payment_due_date(received_on=D(2026, 3, 2), execution_date=D(2026, 2, 20), today=D(2026, 3, 2))
    assert due == D(2026, 4, 1)


def test_clock_starts_at_execution_when_invoice_arrives_first():
    """R2192-12 and R2192-13: the delay runs from the later of the invoice's receipt and the service's execution."""
    assert rules.payment_clock_start(received_on=D(2026, 3, 1), execution_date=D(2026, 3, 10)) == D(2026, 3, 10)
    assert rules.payment_clock_start(received_on=D(2026, 3, 10), execution_date=D(2026, 3, 1)) == D(2026, 3, 10)
    due = rules.payment_due_date(received_on=D(2026, 3, 1), execution_date=D(2026, 3, 10), today=D(2026, 3, 1))
    assert due == D(2026, 4, 9)


def test_no_clock_before_service_is_executed():
    """R2192-13: without an execution date, the payment delay has not started."""
    assert rules.payment_clock_start(received_on=D(2026, 3, 1), execution_date=None) is None
    assert rules.payment_due_date(received_on=D(2026, 3, 1), execution_date=None, today=D(2026, 5, 1)) is None


def test_closed_suspension_pushes_due_date_back():
    """R2192-29: a suspension while documents are missing adds its days to the delay once the documents arrive."""
    suspensions = [(D(2026, 3, 5), D(2026, 3, 15))]
    assert rules.suspended_days(suspensions, today=D(2026, 6, 1)) == 10
    due = rules.payment_due_date(
        received_on=D(2026, 3, 2), execution_date=D(2026, 3, 1), suspensions=suspensions, today=D(2026, 6, 1)
    )
    assert due == D(2026, 4, 11)


def test_open_suspension_stops_the_clock():
    """R2192-29: while documents are still missing, the clock stands still: no due date, no lateness."""
    suspensions = [(D(2026, 3, 5), None)]
    assert rules.suspended_days(suspensions, today=D(2026, 3, 25)) == 20
    due = rules.payment_due_date(
        received_on=D(2026, 3, 2), execution_date=D(2026, 3, 1), suspensions=suspensions, today=D(2026, 9, 1)
    )
    assert due is None
    assert rules.days_late(due_date=due, paid_on=None, today=D(2026, 9, 1)) == 0


def test_interest_is_ecb_rate_plus_eight_points_pro_rata():
    """R2192-31: interest = amount TTC × (ECB rate + 8 points) × days late / 365."""
    interest = rules.late_payment_interest(amount_ttc=Decimal("12000.00"), days=20, ecb_rate_percent=Decimal("2.15"))
    # 12 000 × 10.15 % × 20 / 365 = 66.739…
    assert interest == Decimal("66.74")


@pytest.mark.parametrize(
    ("days", "interest"),
    [(-3, "0.00"), (0, "0.00"), (1, "3.34"), (30, "100.11"), (31, "103.45")],
)
def test_interest_from_the_first_day_late(days, interest):
    """R2192-31: interest runs from the first day late (12 000 € at 2.15 % + 8 points: 3.34 € a day), pro rata
    over 365 days; none on time or early."""
    assert rules.late_payment_interest(
        amount_ttc=Decimal("12000.00"), days=days, ecb_rate_percent=Decimal("2.15")
    ) == Decimal(interest)


def test_interest_rounds_half_a_cent_up():
    """R2192-31: the interest is rounded to the cent, half a cent up (1 843,25 € at 10 % for one day is 0,505 €)."""
    assert rules.late_payment_interest(amount_ttc=Decimal("1843.25"), days=1, ecb_rate_percent=Decimal("2")) == Decimal(
        "0.51"
    )


def test_flat_fee_from_the_first_day_late():
    """L2192-13 and D2192-35: the 40 € flat fee is owed from one day late, whatever the lateness, and never on
    time."""
    assert [rules.recovery_flat_fee(days=days) for days in (0, 1, 30, 31)] == [
        Decimal("0.00"),
        Decimal("40.00"),
        Decimal("40.00"),
        Decimal("40.00"),
    ]


def test_flat_fee_on_every_late_payment():
    """L2192-13 and D2192-35: a late payment also owes a 40 € flat fee for recovery costs."""
    assert rules.recovery_flat_fee(days=1) == Decimal("40.00")


def test_nothing_owed_when_paid_on_time():
    """R2192-31, D2192-35: paid on or before the due date, neither interest nor flat fee is owed."""
    due = D(2026, 4, 1)
    days = rules.days_late(due_date=due, paid_on=D(2026, 4, 1), today=D(2026, 6, 1))
    assert days == 0
    assert rules.late_payment_interest(amount_ttc=Decimal("5000"), days=days, ecb_rate_percent=Decimal("2")) == 0
    assert rules.recovery_flat_fee(days=days) == 0


def test_days_late_counts_to_payment_or_today():
    """R2192-10: lateness runs from the due date to the payment, or to today while unpaid."""
    due = D(2026, 4, 1)
    assert rules.days_late(due_date=due, paid_on=D(2026, 4, 11), today=D(2026, 6, 1)) == 10
    assert rules.days_late(due_date=due, paid_on=None, today=D(2026, 4, 6)) == 5


def test_framework_lasts_at_most_four_years():
    """L2125-1: 48 months are allowed, 49 are refused with a French message citing the article."""
    rules.assert_framework_duration(48)
    with pytest.raises(ValidationError) as exc:
        rules.assert_framework_duration(49)
    assert "L2125-1" in str(exc.value)


def test_framework_end_date_edges():
    """L2125-1: a four-year agreement ends the day before its fourth anniversary, across leap years."""
    assert rules.framework_end_date(D(2024, 1, 1), 48) == D(2027, 12, 31)
    assert rules.framework_end_date(D(2024, 3, 15), 12) == D(2025, 3, 14)
    assert rules.framework_end_date(D(2024, 3, 1), 12) == D(2025, 2, 28)


def test_framework_maximum_is_never_exceeded():
    """R2162-4: an order reaching exactly the maximum passes; one cent more is refused."""
    rules.assert_within_framework_maximum(
        max_amount_ht=Decimal("1000"), consumed_ht=Decimal("600"), additional_ht=Decimal("400")
    )
    with pytest.raises(ValidationError) as exc:
        rules.assert_within_framework_maximum(
            max_amount_ht=Decimal("1000"), consumed_ht=Decimal("600"), additional_ht=Decimal("400.01")
        )
    assert "R2162-4" in str(exc.value)

"""The limits of framework agreements and their lots, as pure functions (Code de la commande publique L2125-1 and
R2162-4): the messages a refusal shows, the consumption alerts and the minimum at risk."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mutualis.purchasing import rules

D = datetime.date
NBSP, NNBSP = "\u00a0", "\u202f"


def test_too_long_a_framework_is_refused_on_its_duration_field():
    """L2125-1: a duration over 48 months is a field error on the duration, in French, citing the article."""
    with pytest.raises(ValidationError) as exc:
        rules.assert_framework_duration(49)
    assert exc.value.message_dict == {
        "duration_months": ["Un accord-cadre ne peut durer plus de 4 ans (48 mois) — article L2125-1 du CCP."]
    }


def test_passing_the_maximum_says_what_remains():
    """R2162-4: an order beyond the lot's maximum is refused with its amount, what remains and the maximum."""
    with pytest.raises(ValidationError) as exc:
        rules.assert_within_framework_maximum(
            max_amount_ht=Decimal("1000"), consumed_ht=Decimal("600"), additional_ht=Decimal("400.01")
        )
    assert exc.value.messages == [
        f"Cette commande (400,01{NBSP}€ HT) dépasserait le maximum du lot : il reste 400,00{NBSP}€ HT sur "
        f"1{NNBSP}000,00{NBSP}€ HT (article R2162-4 du CCP)."
    ]


def test_a_lot_already_past_its_maximum_has_nothing_left():
    """R2162-4: when consumption already exceeds the maximum (lowered by an amendment), nothing remains, never a
    negative amount."""
    with pytest.raises(ValidationError) as exc:
        rules.assert_within_framework_maximum(
            max_amount_ht=Decimal("1000"), consumed_ht=Decimal("1200"), additional_ht=Decimal("1")
        )
    assert f"il reste 0,00{NBSP}€ HT" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("before", "after", "crossed"),
    [
        ("0", "799.99", []),
        ("0", "800", [Decimal("0.80")]),
        ("799.99", "800", [Decimal("0.80")]),
        ("800", "900", []),
        ("900", "949.99", []),
        ("900", "950", [Decimal("0.95")]),
        ("949.99", "950", [Decimal("0.95")]),
        ("950", "1000", []),
        ("0", "950", [Decimal("0.80"), Decimal("0.95")]),
    ],
)
def test_consumption_alerts_fire_once_when_a_threshold_is_reached(before, after, crossed):
    """R2162-4: an alert fires when consumption reaches 80 % (then 95 %) of the maximum, exactly at the threshold,
    and only on the order that reaches it, not on the following ones."""
    assert (
        rules.consumption_alerts_crossed(
            max_amount_ht=Decimal("1000"), before_ht=Decimal(before), after_ht=Decimal(after)
        )
        == crossed
    )


START, END = D(2026, 1, 1), D(2026, 1, 10)  # a 10-day lot, its end date included


def _at_risk(consumed, today, minimum="1000"):
    return rules.minimum_out_of_reach(
        min_amount_ht=None if minimum is None else Decimal(minimum),
        consumed_ht=Decimal(consumed),
        start=START,
        end=END,
        today=today,
    )


@pytest.mark.parametrize(
    ("consumed", "today", "minimum", "at_risk"),
    [
        ("0", D(2026, 1, 6), None, False),  # no minimum: nothing to reach
        ("1000", D(2026, 1, 6), "1000", False),  # minimum reached exactly
        ("1000", D(2026, 2, 1), "1000", False),  # reached, even after the end
        ("0", START, "1000", False),  # the start day: no pace yet (and no division by zero)
        ("0", D(2025, 12, 1), "1000", False),  # not started
        ("500", D(2026, 1, 6), "1000", False),  # 5 of 10 days elapsed, half consumed: on pace exactly
        ("499.99", D(2026, 1, 6), "1000", True),  # one cent behind that pace
        ("999.99", END, "1000", True),  # the last day and still short
        ("999.99", D(2026, 2, 1), "1000", True),  # past its end and below its minimum: stays flagged
    ],
)
def test_minimum_out_of_reach_projects_the_pace_to_the_end(consumed, today, minimum, at_risk):
    """R2162-4: a lot's minimum is at risk when consumption so far, projected at the same pace to the end date,
    falls short of it; past the end (or on the last day) a lot still below its minimum stays at risk."""
    assert _at_risk(consumed, today, minimum) is at_risk

"""The dashboards' figures: spending, savings, lot consumption and volumes on a small known dataset, scoped by the
user, with a number of queries that does not grow with the number of orders."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutualis.purchasing.models import Lot
from mutualis.purchasing.selectors.dashboards import member_dashboard, operator_dashboard
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    FrameworkAgreementFactory,
    LotFactory,
    order_with_lines,
)

pytestmark = pytest.mark.django_db


def at(year: int, month: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, 1, 12))


@dataclass
class Dataset:
    """Two agreements, a lot each, and the orders of members A (78) and B (92) in several statuses."""

    lot_1: Any
    lot_2: Any
    tablet: Any
    cover: Any
    robot: Any


def build_dataset(world: Any) -> Dataset:
    """Member A: a validated order of 2025 (10 tablets at 300 € listed 400 €, 4 covers at 50 € with no list price),
    a paid order of 2024 (5 robots at 100 € listed 120 €), a draft and a cancelled order. Member B: a sent order of
    2025 (20 tablets). Lot 1 (max 10 000 €, min 5 000 €) has consumed 9 200 €, lot 2 (max 1 000 €) 500 €."""
    lot_1 = LotFactory(
        agreement=FrameworkAgreementFactory(reference="AC-T-001"),
        number=1,
        max_amount_ht=Decimal("10000"),
        min_amount_ht=Decimal("5000"),
        consumed_amount_ht=Decimal("9200"),
    )
    lot_2 = LotFactory(
        agreement=FrameworkAgreementFactory(reference="AC-T-002"),
        number=1,
        max_amount_ht=Decimal("1000"),
        min_amount_ht=None,
        consumed_amount_ht=Decimal("500"),
    )
    tablet = CatalogueItemFactory(lot=lot_1, reference="TAB-10", list_price_ht=Decimal("400"))
    cover = CatalogueItemFactory(lot=lot_1, reference="COQUE", list_price_ht=None)
    robot = CatalogueItemFactory(lot=lot_2, reference="ROBOT", list_price_ht=Decimal("120"))
    a, b = world.member_a, world.member_b
    order_with_lines(member=a, lines=[(tablet, 10, 300, 400), (cover, 4, 50, None)], validated_at=at(2025, 3))
    order_with_lines(member=a, lines=[(robot, 5, 100, 120)], status="paid", validated_at=at(2024))
    order_with_lines(member=a, lines=[(tablet, 1, 300, 400)], status="draft")
    order_with_lines(member=a, lines=[(tablet, 2, 300, 400)], status="cancelled")
    order_with_lines(member=b, lines=[(tablet, 20, 300, 400)], status="sent", validated_at=at(2025, 4))
    return Dataset(lot_1=lot_1, lot_2=lot_2, tablet=tablet, cover=cover, robot=robot)


def test_member_spending_per_year_and_lot(world):
    """A member's spending counts its orders validated onwards, per year of validation and per lot."""
    build_dataset(world)
    data = member_dashboard(user=world.reader, member=world.member_a, filters={})
    assert data["totals"]["orders"] == 2
    assert data["totals"]["total_ht"] == Decimal("3700.00")
    assert [(row["year"], row["total_ht"]) for row in data["by_year"]] == [
        (2024, Decimal("500.00")),
        (2025, Decimal("3200.00")),
    ]
    assert [(row["label"], row["total_ht"]) for row in data["by_lot"]] == [
        ("AC-T-001 lot 1", Decimal("3200.00")),
        ("AC-T-002 lot 1", Decimal("500.00")),
    ]


def test_member_savings_against_list_prices(world):
    """Savings are (list price − unit price) × quantity over the lines whose list price is known."""
    build_dataset(world)
    totals = member_dashboard(user=world.reader, member=world.member_a, filters={})["totals"]
    assert totals["savings_ht"] == Decimal("1100.00")  # 10 × 100 € on tablets + 5 × 20 € on robots
    assert totals["listed_ht"] == Decimal("4600.00")
    assert totals["savings_rate"] == Decimal("23.9")


def test_member_orders_by_status_include_drafts_and_cancelled(world):
    """Orders per status list the whole pipeline: drafts and cancelled orders too, with their amounts."""
    build_dataset(world)
    rows = member_dashboard(user=world.reader, member=world.member_a, filters={})["by_status"]
    assert [(row["status"], row["count"], row["total_ht"]) for row in rows] == [
        ("draft", 1, Decimal("300.00")),
        ("validated", 1, Decimal("3200.00")),
        ("paid", 1, Decimal("500.00")),
        ("cancelled", 1, Decimal("600.00")),
    ]


def test_member_top_items(world):
    """Top items rank the member's items by amount spent, with quantities and savings."""
    build_dataset(world)
    items = member_dashboard(user=world.reader, member=world.member_a, filters={})["top_items"]
    assert [(row["reference"], row["quantity"], row["total_ht"], row["savings_ht"]) for row in items] == [
        ("TAB-10", 10, Decimal("3000.00"), Decimal("1000.00")),
        ("ROBOT", 5, Decimal("500.00"), Decimal("100.00")),
        ("COQUE", 4, Decimal("200.00"), Decimal("0.00")),
    ]


def test_member_filters_year_agreement_status(world):
    """The year, agreement and status filters narrow every figure."""
    dataset = build_dataset(world)
    by_year = member_dashboard(user=world.reader, member=world.member_a, filters={"year": 2025})
    assert by_year["totals"]["total_ht"] == Decimal("3200.00")
    by_agreement = member_dashboard(
        user=world.reader, member=world.member_a, filters={"agreement": dataset.lot_2.agreement_id}
    )
    assert by_agreement["totals"]["total_ht"] == Decimal("500.00")
    drafts = member_dashboard(user=world.reader, member=world.member_a, filters={"status": "draft"})
    assert drafts["totals"]["orders"] == 1 and drafts["totals"]["total_ht"] == Decimal("300.00")
    assert [row["status"] for row in drafts["by_status"]] == ["draft"]


def test_member_dashboard_never_counts_another_members_orders(world):
    """Tenant isolation: member B's orders never appear in member A's figures, and A's user reads nothing of B."""
    build_dataset(world)
    data_a = member_dashboard(user=world.reader, member=world.member_a, filters={})
    assert data_a["totals"]["total_ht"] == Decimal("3700.00")  # B's 6 000 € are not there
    data_b = member_dashboard(user=world.reader, member=world.member_b, filters={})
    assert data_b["totals"]["orders"] == 0 and data_b["by_status"] == [] and data_b["top_items"] == []


def test_operator_volume_per_agreement_member_and_departement(world):
    """The operator sees volumes per agreement, per member and per département of the members."""
    build_dataset(world)
    data = operator_dashboard(user=world.staff, filters={})
    assert data["totals"]["total_ht"] == Decimal("9700.00")
    assert data["totals"]["members"] == 2
    assert [(row["reference"], row["total_ht"], row["savings_ht"]) for row in data["by_agreement"]] == [
        ("AC-T-001", Decimal("9200.00"), Decimal("3000.00")),
        ("AC-T-002", Decimal("500.00"), Decimal("100.00")),
    ]
    assert [(row["member_id"], row["total_ht"]) for row in data["by_member"]] == [
        (world.member_b.pk, Decimal("6000.00")),
        (world.member_a.pk, Decimal("3700.00")),
    ]
    assert [(row["code"], row["total_ht"], row["members"]) for row in data["by_departement"]] == [
        ("78", Decimal("3700.00"), 1),
        ("92", Decimal("6000.00"), 1),
    ]
    assert data["totals"]["savings_ht"] == Decimal("3100.00")


def test_operator_departement_filter(world):
    """The département filter keeps the orders of the members of that département."""
    build_dataset(world)
    data = operator_dashboard(user=world.staff, filters={"departement": "92"})
    assert data["totals"]["total_ht"] == Decimal("6000.00")
    assert [row["code"] for row in data["by_departement"]] == ["92"]


def test_operator_lot_consumption_flags_80_and_95_percent(world):
    """Each lot shows its consumption of the maximum, flagged from 80 % and 95 % (CCP R2162-4 alerts), and its
    progress towards its minimum."""
    dataset = build_dataset(world)
    LotFactory(agreement=dataset.lot_2.agreement, number=2, max_amount_ht=Decimal("100"), consumed_amount_ht=96)
    lots = {row["label"]: row for row in operator_dashboard(user=world.staff, filters={})["lots"]}
    assert lots["AC-T-001 lot 1"]["consumed_pct"] == Decimal("92.0")
    assert lots["AC-T-001 lot 1"]["level"] == "warning"
    assert lots["AC-T-001 lot 1"]["min_pct"] == Decimal("184.0")
    assert lots["AC-T-001 lot 1"]["remaining_ht"] == Decimal("800.00")
    assert lots["AC-T-002 lot 1"]["level"] == "ok" and lots["AC-T-002 lot 1"]["min_pct"] is None
    assert lots["AC-T-002 lot 2"]["level"] == "danger"


def test_operator_dashboard_is_empty_for_members_users(world):
    """Only the operator's staff read the operator figures."""
    build_dataset(world)
    data = operator_dashboard(user=world.manager, filters={})
    assert data["totals"]["orders"] == 0 and data["lots"] == [] and data["by_agreement"] == []


def _orders(world: Any, count: int) -> None:
    lots = [LotFactory(max_amount_ht=Decimal("10000000")) for _ in range(2)]
    items = [CatalogueItemFactory(lot=lot) for lot in lots for _ in range(3)]
    for n in range(count):
        item, other = items[n % 6], items[(n + 1) % 6 if (n + 1) % 6 // 3 == n % 6 // 3 else n % 6]
        member = world.member_a if n % 3 else world.member_b
        order_with_lines(
            member=member,
            lines=[(item, 1 + n % 4, 300, 400), (other, 2, 300, None)],
            status=["validated", "paid", "draft", "sent"][n % 4],
            validated_at=at(2024 + n % 2, 1 + n % 12),
        )
    Lot.objects.update(consumed_amount_ht=Decimal("5000"))


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


@pytest.mark.parametrize("which", ["member", "operator"])
def test_query_count_does_not_grow_with_orders(world, which):
    """A dashboard runs the same number of queries for 5 orders as for 50 (aggregates, no per-order query)."""

    def run() -> Any:
        if which == "member":
            return member_dashboard(user=world.reader, member=world.member_a, filters={"year": 2024})
        return operator_dashboard(user=world.staff, filters={"departement": "78"})

    _orders(world, 5)
    few = _queries(run)
    _orders(world, 45)
    many = _queries(run)
    assert few == many
    assert many <= 6

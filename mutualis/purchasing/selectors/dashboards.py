"""Figures of the purchasing dashboards, scoped by the user, as plain dicts and lists (templates and JSON).

Every figure is one aggregate query (values() + annotate()), so a dashboard runs the same number of queries
whether the members placed ten orders or a million order lines: Python only reshapes the aggregated rows (one per
year, status, lot, agreement or member at most — never one per order).

Spending, volumes and savings count the orders that consume a lot (validated onwards: CONSUMING_STATUSES), unless
a status filter asks for one status. An order's year is the year it was validated (its creation year before that).
Savings are computed on the lines whose public list price is known: (list price − unit price) × quantity.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.money import CENT
from mutualis.core.permissions import is_operator_staff
from mutualis.members.models import Member
from mutualis.purchasing import rules
from mutualis.purchasing.choices import CONSUMING_STATUSES, OrderStatus
from mutualis.purchasing.models import Amendment, Delivery, FrameworkAgreement, Lot, Order, OrderLine

ZERO = Decimal("0")
TENTH = Decimal("0.1")
TOP_MEMBERS = 20
TOP_ITEMS = 10
# Share of a lot's maximum from which the dashboard flags it (the alerts of rules.CONSUMPTION_ALERTS).
WARNING_SHARE, DANGER_SHARE = rules.CONSUMPTION_ALERTS

_AMOUNT = DecimalField(max_digits=20, decimal_places=4)
LINE_AMOUNT = ExpressionWrapper(F("unit_price_ht") * F("quantity"), output_field=_AMOUNT)
LINE_LIST_AMOUNT = ExpressionWrapper(F("list_price_ht") * F("quantity"), output_field=_AMOUNT)
LINE_SAVING = ExpressionWrapper((F("list_price_ht") - F("unit_price_ht")) * F("quantity"), output_field=_AMOUNT)
PRICED = Q(list_price_ht__isnull=False)


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(CENT)


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(TENTH)


def _sum(expression: Any, **kwargs: Any) -> Coalesce:
    return Coalesce(Sum(expression, **kwargs), ZERO, output_field=_AMOUNT)


def _order_filters(filters: dict[str, Any] | None, prefix: str = "", consuming_only: bool = True) -> Q:
    """The dashboard filters (year, agreement, département, status) as a condition on orders (or on lines, with
    prefix "order__"); without a status filter, only the orders that consume a lot (unless `consuming_only` is
    False)."""
    filters = filters or {}
    condition = Q()
    if filters.get("status"):
        condition &= Q(**{f"{prefix}status": filters["status"]})
    elif consuming_only:
        condition &= Q(**{f"{prefix}status__in": CONSUMING_STATUSES})
    year = filters.get("year")
    if year:
        condition &= Q(**{f"{prefix}validated_at__year": year}) | Q(
            **{f"{prefix}validated_at__isnull": True, f"{prefix}created_at__year": year}
        )
    if filters.get("agreement"):
        condition &= Q(**{f"{prefix}lot__agreement_id": filters["agreement"]})
    if filters.get("departement"):
        condition &= Q(**{f"{prefix}member__departement__code": filters["departement"]})
    return condition


def _status_rows(orders: QuerySet[Order]) -> list[dict[str, Any]]:
    """Orders count and amount HT per status, in the workflow's order (statuses without orders left out)."""
    found = {
        row["status"]: row
        for row in orders.order_by().values("status").annotate(count=Count("pk"), total_ht=_sum("total_ht"))
    }
    return [
        {"status": status.value, "label": str(status.label), "count": row["count"], "total_ht": _money(row["total_ht"])}
        for status in OrderStatus
        if (row := found.get(status.value))
    ]


def _year_rows(orders: QuerySet[Order], year: Any = None) -> list[dict[str, Any]]:
    """Orders and amounts per year (by default the year an order was validated, or created before that)."""
    if year is None:
        year = ExtractYear(Coalesce("validated_at", "created_at"))
    rows = orders.order_by().annotate(year=year).values("year").annotate(count=Count("pk"), total_ht=_sum("total_ht"))
    return [
        {"year": row["year"], "count": row["count"], "total_ht": _money(row["total_ht"])}
        for row in sorted(rows, key=lambda row: row["year"])
    ]


def _savings(lines: QuerySet[OrderLine]) -> dict[str, Any]:
    figures = lines.aggregate(
        savings_ht=_sum(LINE_SAVING, filter=PRICED),
        listed_ht=_sum(LINE_LIST_AMOUNT, filter=PRICED),
        priced_paid_ht=_sum(LINE_AMOUNT, filter=PRICED),
    )
    return {
        "savings_ht": _money(figures["savings_ht"]),
        "listed_ht": _money(figures["listed_ht"]),
        "priced_paid_ht": _money(figures["priced_paid_ht"]),
        "savings_rate": _share(figures["savings_ht"], figures["listed_ht"]),
    }


def dashboard_agreement_choices(*, user: Viewer, member: Member | None = None) -> list[tuple[int, str]]:
    """Agreements to filter a dashboard by: every agreement for the operator, those the member ordered under."""
    agreements = FrameworkAgreement.objects.order_by("reference")
    if member is not None:
        ordered = Order.objects.visible_to(user).filter(member_id=member.pk)
        agreements = agreements.filter(pk__in=ordered.values("lot__agreement_id"))
    elif not is_operator_staff(user):
        return []
    return [
        (pk, f"{reference} — {subject}")
        for pk, reference, subject in agreements.values_list("pk", "reference", "subject")
    ]


def member_dashboard(*, user: Viewer, member: Member, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """A member's purchasing figures: orders per status, spending per year and per lot, savings, top items."""
    filters = {key: value for key, value in (filters or {}).items() if key != "departement"}
    orders = Order.objects.visible_to(user).filter(member_id=member.pk)
    lines = OrderLine.objects.visible_to(user).filter(order__member_id=member.pk)
    consuming = orders.filter(_order_filters(filters))
    consuming_lines = lines.filter(_order_filters(filters, prefix="order__"))
    # Every status is listed (drafts included), so the member sees their whole pipeline.
    all_statuses = orders.filter(_order_filters(filters, consuming_only=False))
    by_lot = (
        consuming.order_by()
        .values("lot_id", "lot__number", "lot__title", "lot__agreement__reference")
        .annotate(count=Count("pk"), total_ht=_sum("total_ht"), list_total_ht=_sum("list_total_ht"))
        .order_by("-total_ht", "lot_id")
    )
    lots = [
        {
            "lot_id": row["lot_id"],
            "label": f"{row['lot__agreement__reference']} lot {row['lot__number']}",
            "title": row["lot__title"],
            "count": row["count"],
            "total_ht": _money(row["total_ht"]),
            "list_total_ht": _money(row["list_total_ht"]),
        }
        for row in by_lot
    ]
    top_items = (
        consuming_lines.order_by()
        .values("item_id", "item__reference", "item__label")
        .annotate(units=Sum("quantity"), total_ht=_sum(LINE_AMOUNT), savings_ht=_sum(LINE_SAVING, filter=PRICED))
        .order_by("-total_ht", "item_id")[:TOP_ITEMS]
    )
    return {
        "member": {"id": member.pk, "name": member.name},
        # Every order has one lot: the totals add up the lots' rows.
        "totals": {
            "orders": sum(row["count"] for row in lots),
            "total_ht": sum((row["total_ht"] for row in lots), ZERO),
            "list_total_ht": sum((row["list_total_ht"] for row in lots), ZERO),
        }
        | _savings(consuming_lines),
        "by_status": _status_rows(all_statuses),
        "by_year": _year_rows(consuming),
        "by_lot": lots,
        "top_items": [
            {
                "item_id": row["item_id"],
                "reference": row["item__reference"],
                "label": row["item__label"],
                "quantity": row["units"],
                "total_ht": _money(row["total_ht"]),
                "savings_ht": _money(row["savings_ht"]),
            }
            for row in top_items
        ],
    }


def _lot_rows(filters: dict[str, Any], today: datetime.date) -> list[dict[str, Any]]:
    """Each lot's consumption of its maximum (flagged at 80 / 95 %) and progress towards its minimum."""
    extra_months = (
        Amendment.objects.filter(agreement_id=OuterRef("agreement_id"))
        .order_by()
        .values("agreement_id")
        .annotate(months=Sum("duration_change_months"))
        .values("months")
    )
    lots = Lot.objects.annotate(extra_months=Coalesce(Subquery(extra_months, output_field=IntegerField()), 0)).values(
        "pk",
        "number",
        "title",
        "max_amount_ht",
        "min_amount_ht",
        "consumed_amount_ht",
        "extra_months",
        "agreement_id",
        "agreement__reference",
        "agreement__start_date",
        "agreement__duration_months",
    )
    if filters.get("agreement"):
        lots = lots.filter(agreement_id=filters["agreement"])
    rows = []
    for lot in lots.order_by("agreement__reference", "number"):
        consumed, maximum, minimum = lot["consumed_amount_ht"], lot["max_amount_ht"], lot["min_amount_ht"]
        start = lot["agreement__start_date"]
        end = rules.framework_end_date(start, lot["agreement__duration_months"] + lot["extra_months"])
        level = (
            "danger"
            if consumed >= maximum * DANGER_SHARE
            else "warning"
            if consumed >= maximum * WARNING_SHARE
            else "ok"
        )
        rows.append(
            {
                "lot_id": lot["pk"],
                "label": f"{lot['agreement__reference']} lot {lot['number']}",
                "title": lot["title"],
                "max_amount_ht": _money(maximum),
                "consumed_ht": _money(consumed),
                "remaining_ht": _money(max(maximum - consumed, ZERO)),
                "consumed_pct": _share(consumed, maximum),
                "level": level,
                "min_amount_ht": _money(minimum) if minimum is not None else None,
                "min_pct": _share(consumed, minimum),
                "min_at_risk": rules.minimum_out_of_reach(
                    min_amount_ht=minimum, consumed_ht=consumed, start=start, end=end, today=today
                ),
                "end_date": end,
            }
        )
    return rows


def operator_dashboard(*, user: Viewer, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """The operator's figures: volume per agreement, member (top 20) and département, lot consumption, savings."""
    filters = filters or {}
    if not is_operator_staff(user):
        orders, lines = Order.objects.none(), OrderLine.objects.none()
    else:
        orders = Order.objects.visible_to(user).filter(_order_filters(filters))
        lines = OrderLine.objects.visible_to(user).filter(_order_filters(filters, prefix="order__"))
    by_agreement = (
        orders.order_by()
        .values("lot__agreement_id", "lot__agreement__reference", "lot__agreement__subject")
        .annotate(count=Count("pk"), members=Count("member_id", distinct=True), total_ht=_sum("total_ht"))
        .order_by("-total_ht", "lot__agreement__reference")
    )
    savings_by_agreement = {
        row["order__lot__agreement_id"]: row
        for row in lines.order_by()
        .values("order__lot__agreement_id")
        .annotate(
            savings_ht=_sum(LINE_SAVING, filter=PRICED),
            listed_ht=_sum(LINE_LIST_AMOUNT, filter=PRICED),
            priced_paid_ht=_sum(LINE_AMOUNT, filter=PRICED),
        )
    }
    # One row per member (hundreds, not orders): the top 20 and the départements are both read from them.
    by_member = (
        orders.order_by()
        .values("member_id", "member__name", "member__departement__code", "member__departement__name")
        .annotate(count=Count("pk"), total_ht=_sum("total_ht"))
        .order_by("-total_ht", french("member__name"))
    )
    agreements = []
    for row in by_agreement:
        saved: dict[str, Any] = dict(savings_by_agreement.get(row["lot__agreement_id"]) or {})
        agreements.append(
            {
                "agreement_id": row["lot__agreement_id"],
                "reference": row["lot__agreement__reference"],
                "subject": row["lot__agreement__subject"],
                "count": row["count"],
                "members": row["members"],
                "total_ht": _money(row["total_ht"]),
                "savings_ht": _money(saved.get("savings_ht")),
                "savings_rate": _share(saved.get("savings_ht"), saved.get("listed_ht")),
            }
        )
    members = [
        {
            "member_id": row["member_id"],
            "name": row["member__name"],
            "departement": row["member__departement__code"],
            "departement_name": row["member__departement__name"],
            "count": row["count"],
            "total_ht": _money(row["total_ht"]),
        }
        for row in by_member
    ]
    departements: dict[str, dict[str, Any]] = {}
    for member_row in members:
        entry = departements.setdefault(
            member_row["departement"],
            {
                "code": member_row["departement"],
                "name": member_row["departement_name"],
                "count": 0,
                "members": 0,
                "total_ht": ZERO,
            },
        )
        entry["count"] += member_row["count"]
        entry["members"] += 1
        entry["total_ht"] += member_row["total_ht"]
    # The totals add up the grouped rows rather than scanning the orders and lines once more: every order has one
    # agreement and one member.
    savings = {
        key: sum((row[key] for row in savings_by_agreement.values()), ZERO)
        for key in ("savings_ht", "listed_ht", "priced_paid_ht")
    }
    return {
        "totals": {
            "orders": sum(row["count"] for row in agreements),
            "members": len(members),
            "total_ht": sum((row["total_ht"] for row in agreements), ZERO),
            "savings_ht": _money(savings["savings_ht"]),
            "listed_ht": _money(savings["listed_ht"]),
            "priced_paid_ht": _money(savings["priced_paid_ht"]),
            "savings_rate": _share(savings["savings_ht"], savings["listed_ht"]),
        },
        "by_agreement": agreements,
        "by_member": members[:TOP_MEMBERS],
        "by_departement": [departements[code] for code in sorted(departements)],
        "lots": _lot_rows(filters, timezone.localdate()) if is_operator_staff(user) else [],
    }


# Orders fully delivered (and what follows: service fait, invoice, payment): what the commune panel counts.
DELIVERED_STATUSES = (OrderStatus.DELIVERED, OrderStatus.SERVICE_CERTIFIED, OrderStatus.INVOICED, OrderStatus.PAID)


def commune_purchasing_summary(*, commune: Any) -> dict[str, Any] | None:
    """Public figures of the central purchasing in a commune: the orders delivered to sites located in it, per
    year of their (last) delivery, with the buyers' count and the savings; None when there are none.

    Aggregates only: no order, item or category is named (some sites hold security equipment).
    """
    orders = Order.objects.filter(site__commune=commune, status__in=DELIVERED_STATUSES)
    last_delivery = Delivery.objects.filter(order=OuterRef("pk")).order_by("-delivered_on").values("delivered_on")
    years = _year_rows(orders, year=ExtractYear(Subquery(last_delivery[:1])))
    if not years:
        return None
    return {
        "years": years,
        "orders": sum(row["count"] for row in years),
        "total_ht": sum((row["total_ht"] for row in years), ZERO),
        "buyers": orders.order_by().values("member_id").distinct().count(),
        **_savings(OrderLine.objects.filter(order__in=orders)),
    }

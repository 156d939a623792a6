"""Reads of orders, always scoped by the user: operator staff see every order, a member's user their members'.

Lists carry what the order abilities need (the viewer's role in the member, the member's approval threshold) as
annotations, so that `permissions.get_abilities` answers each row without a query of its own.
"""

from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, CharField, Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.http import Http404

from mutualis.accounts.types import Viewer, signed_in
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.core.validation import parse_id
from mutualis.members.models import Member, Membership
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.filters import ConsolidatedOrderFilter, OrderFilter, apply_filters
from mutualis.purchasing.models import (
    ConsolidatedOrder,
    Lot,
    MemberPurchasingSettings,
    Order,
    OrderLine,
    OrderTransition,
    Supplier,
)

# Annotations `with_abilities_data` sets; `permissions` reads them only on rows read for the same viewer.
VIEWER_ID, VIEWER_ROLE, APPROVAL_THRESHOLD = "viewer_id", "viewer_role", "approval_threshold"
_MISSING: Any = object()


def purchasing_settings(member: Member) -> MemberPurchasingSettings | None:
    """The member's purchasing rules, if it has any."""
    return MemberPurchasingSettings.objects.filter(member_id=member.pk).first()


def needs_approval(order: Order) -> bool:
    """True when the order's total HT is above the member's approval threshold (read from the list's annotation
    when the order comes from `order_list`)."""
    threshold = getattr(order, APPROVAL_THRESHOLD, _MISSING)
    if threshold is _MISSING:
        settings = purchasing_settings(order.member)
        threshold = settings.approval_threshold_ht if settings else None
    return threshold is not None and order.total_ht > threshold


def with_abilities_data(orders: QuerySet[Order], *, user: Viewer) -> QuerySet[Order]:
    """Annotate each order with the viewer, their role in its member and the member's approval threshold: what
    the order abilities need, in the list's own query (La Suite's `user_role` annotation)."""
    account = signed_in(user)
    threshold = MemberPurchasingSettings.objects.filter(member_id=OuterRef("member_id"))
    role: Any = Value(None, output_field=CharField())
    if account is not None:
        role = Subquery(Membership.objects.filter(user=account, member_id=OuterRef("member_id")).values("role")[:1])
    return orders.annotate(
        **{
            VIEWER_ID: Value(account.pk if account else None, output_field=BigIntegerField()),
            VIEWER_ROLE: role,
            APPROVAL_THRESHOLD: Subquery(threshold.values("approval_threshold_ht")[:1]),
        }
    )


def order_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """Orders the user may see, newest first, with what their abilities need; filters: see `OrderFilter`."""
    qs: QuerySet[Order] = Order.objects.visible_to(user).select_related(
        "member", "member__departement", "lot", "lot__agreement", "supplier", "site"
    )
    qs = apply_filters(OrderFilter, filters, qs)
    return with_abilities_data(qs, user=user).order_by("-created_at", "-pk")


def order_get(*, user: Viewer, pk: Any) -> Order:
    """One order the user may see, or Http404."""
    order = order_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if order is None:
        raise Http404
    return order


def order_line_get(*, user: Viewer, order: Order, pk: Any) -> OrderLine:
    """One line of an order the user may see, or Http404."""
    line = order.lines.filter(pk=pk).select_related("item").first() if parse_id(pk) else None
    if line is None:
        raise Http404
    return line


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    """The lines of an order (the caller already holds it through order_get)."""
    return order.lines.select_related("item").order_by("pk")


def order_history(*, order: Order) -> QuerySet[OrderTransition]:
    """Every status change of an order, oldest first, with who made it."""
    return order.transitions.select_related("acting_user").order_by("at", "pk")


def basket_list(*, user: Viewer) -> QuerySet[Order]:
    """The user's draft orders (their basket), one per member and lot."""
    return (
        order_list(user=user)
        .filter(status=OrderStatus.DRAFT, created_by_id=user.pk)
        .prefetch_related("lines", "lines__item")
        .order_by(french("member__name"), "lot__agreement__reference", "lot__number", "pk")
    )


def savings(order: Order) -> Decimal:
    """What the order saves against list prices (lines without a list price count for nothing)."""
    return max(order.list_total_ht - order.total_ht, Decimal("0"))


def validation_queue(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """Orders awaiting operator validation (submitted without approval needed, or approved) — staff only."""
    if not is_operator_staff(user):
        return Order.objects.none()
    filters = dict(filters or {})
    status = filters.pop("status", None)
    qs = order_list(user=user, filters=filters)
    if status:
        return qs.filter(status=status)
    return qs.filter(status__in=[OrderStatus.SUBMITTED, OrderStatus.APPROVED])


def consolidation_groups(*, user: Viewer) -> list[dict[str, Any]]:
    """Validated orders not yet consolidated, grouped by lot and supplier, with totals and number of members."""
    if not is_operator_staff(user):
        return []
    rows = (
        Order.objects.visible_to(user)
        .filter(status=OrderStatus.VALIDATED, consolidation__isnull=True)
        .values("lot_id", "supplier_id", "lot__agreement__reference", "lot__number", "lot__title", "supplier__name")
        .annotate(
            orders=Count("pk"),
            members=Count("member_id", distinct=True),
            total_ht=Sum("total_ht"),
            total_ttc=Sum("total_ttc"),
            list_total_ht=Sum("list_total_ht"),
        )
        .order_by("lot__agreement__reference", "lot__number", french("supplier__name"))
    )
    return [{**row, "savings": max((row["list_total_ht"] or 0) - (row["total_ht"] or 0), 0)} for row in rows]


def consolidation_candidates(*, user: Viewer, lot: Lot, supplier: Supplier) -> QuerySet[Order]:
    """The validated orders of a lot and supplier not consolidated yet: what a consolidation would send (operator
    staff only), oldest validation first."""
    if not is_operator_staff(user):
        return Order.objects.none()
    return (
        Order.objects.visible_to(user)
        .filter(status=OrderStatus.VALIDATED, consolidation__isnull=True, lot=lot, supplier=supplier)
        .select_related("member", "site")
        .order_by("validated_at", "pk")
    )


def consolidated_order_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[ConsolidatedOrder]:
    """Consolidated purchase orders, newest first — operator staff only; filters: see `ConsolidatedOrderFilter`."""
    if not is_operator_staff(user):
        return ConsolidatedOrder.objects.none()
    queryset = ConsolidatedOrder.objects.select_related("lot", "lot__agreement", "supplier")
    queryset = apply_filters(ConsolidatedOrderFilter, filters, queryset)
    return queryset.annotate(order_count=Count("orders"), member_count=Count("orders__member", distinct=True)).order_by(
        "-created_at", "-pk"
    )


def consolidated_order_get(*, user: Viewer, pk: Any) -> ConsolidatedOrder:
    """One consolidated purchase order (operator staff), or Http404."""
    obj = consolidated_order_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if obj is None:
        raise Http404
    return obj


def consolidated_lines(*, consolidation: ConsolidatedOrder) -> QuerySet[OrderLine]:
    """Every line of the orders of a consolidated purchase order, by member then order."""
    return (
        OrderLine.objects.filter(order__consolidation=consolidation)
        .select_related("order", "order__member", "order__site", "item")
        .order_by(french("order__member__name"), "order__number", "pk")
    )


def consolidated_items(*, consolidation: ConsolidatedOrder) -> list[dict[str, Any]]:
    """Quantities per item and unit price across the consolidated orders (what the supplier ships)."""
    return [
        dict(row)
        for row in OrderLine.objects.filter(order__consolidation=consolidation)
        .values("item__reference", "item__label", "unit_price_ht", "vat_rate")
        .annotate(quantity=Sum("quantity"), members=Count("order__member", distinct=True))
        .order_by("item__reference", "unit_price_ht")
    ]


def consolidated_totals(*, consolidation: ConsolidatedOrder) -> dict[str, Decimal]:
    """Totals HT, VAT and TTC of a consolidated purchase order (VAT summed from its orders' own totals)."""
    vat = Order.objects.filter(consolidation=consolidation).aggregate(t=Sum("total_vat"))["t"] or Decimal(0)
    return {"ht": consolidation.total_ht, "vat": vat, "ttc": consolidation.total_ht + vat}


def staff_q() -> Q:
    """Users who receive the operator's purchasing alerts."""
    return Q(staff_role__in=["purchasing_officer", "administrator"], is_active=True)

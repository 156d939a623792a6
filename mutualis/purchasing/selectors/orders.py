"""Reads of orders, always scoped by the user: operator staff see every order, a member's user their members'.

`order_allowed_transitions` is the single answer to "who may move this order where", used by the service, the
abilities and therefore the buttons and the API.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.core.validation import parse_id
from mutualis.members.choices import MemberRole
from mutualis.members.selectors import member_role
from mutualis.purchasing.choices import ORDER_TRANSITIONS, OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, MemberPurchasingSettings, Order, OrderLine, OrderTransition
from mutualis.purchasing.permissions import can_manage_purchasing

ORDERING_ROLES = {MemberRole.AGENT, MemberRole.MANAGER}
# Statuses whose later moves (deliveries, service certified, invoices) belong to the deliveries & invoices area.
DOWNSTREAM = {
    OrderStatus.PARTIALLY_DELIVERED,
    OrderStatus.DELIVERED,
    OrderStatus.SERVICE_CERTIFIED,
    OrderStatus.INVOICED,
    OrderStatus.PAID,
}


def purchasing_settings(member: Any) -> MemberPurchasingSettings | None:
    """The member's purchasing rules, if it has any."""
    return MemberPurchasingSettings.objects.filter(member_id=member.pk).first()


def needs_approval(order: Order) -> bool:
    """True when the order's total HT is above the member's approval threshold."""
    settings = purchasing_settings(order.member)
    threshold = settings.approval_threshold_ht if settings else None
    return threshold is not None and order.total_ht > threshold


def order_allowed_transitions(*, user: Viewer, order: Order) -> set[str]:
    """The statuses this user may move this order to now (workflow and roles together)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    purchasing = can_manage_purchasing(user)
    role = None if is_operator_staff(user) else member_role(user=user, member=order.member)
    ordering = role in ORDERING_ROLES
    manager = role == MemberRole.MANAGER
    status = order.status
    allowed: set[str] = set()
    if status == OrderStatus.DRAFT:
        if ordering:
            allowed |= {OrderStatus.SUBMITTED, OrderStatus.CANCELLED}
    elif status == OrderStatus.SUBMITTED:
        if needs_approval(order):
            if manager:
                allowed |= {OrderStatus.APPROVED, OrderStatus.REJECTED}
        elif purchasing:
            allowed |= {OrderStatus.VALIDATED, OrderStatus.REJECTED}
        if ordering or purchasing:
            allowed.add(OrderStatus.CANCELLED)
    elif status == OrderStatus.APPROVED:
        if purchasing:
            allowed |= {OrderStatus.VALIDATED, OrderStatus.REJECTED}
        if manager or purchasing:
            allowed.add(OrderStatus.CANCELLED)
    elif status == OrderStatus.VALIDATED:
        if purchasing:
            allowed |= {OrderStatus.SENT, OrderStatus.CANCELLED}
        if manager:
            allowed.add(OrderStatus.CANCELLED)
    # From "sent" on, the status follows the facts recorded (deliveries, service fait, invoices, payments) through
    # their own services: no bare status change is offered.
    return allowed & set(ORDER_TRANSITIONS[status])


def order_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """Orders the user may see, newest first; filters: status, member, departement, agreement, lot, number, ej,
    date_from, date_to (creation dates), supplier."""
    qs = Order.objects.visible_to(user).select_related(
        "member", "member__departement", "lot", "lot__agreement", "supplier", "site"
    )
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("member"):
        qs = qs.filter(member=filters["member"])
    if filters.get("departement"):
        qs = qs.filter(member__departement=filters["departement"])
    if filters.get("agreement"):
        qs = qs.filter(lot__agreement=filters["agreement"])
    if filters.get("lot"):
        qs = qs.filter(lot=filters["lot"])
    if filters.get("supplier"):
        qs = qs.filter(supplier=filters["supplier"])
    if filters.get("number"):
        qs = qs.filter(number__icontains=filters["number"])
    if filters.get("ej"):
        qs = qs.filter(ej_number__icontains=filters["ej"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    return qs.order_by("-created_at", "-pk")


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
        .order_by("member__name", "lot__agreement__reference", "lot__number", "pk")
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
        Order.objects.filter(status=OrderStatus.VALIDATED, consolidation__isnull=True)
        .values("lot_id", "supplier_id", "lot__agreement__reference", "lot__number", "lot__title", "supplier__name")
        .annotate(
            orders=Count("pk"),
            members=Count("member_id", distinct=True),
            total_ht=Sum("total_ht"),
            total_ttc=Sum("total_ttc"),
            list_total_ht=Sum("list_total_ht"),
        )
        .order_by("lot__agreement__reference", "lot__number", "supplier__name")
    )
    return [{**row, "savings": max((row["list_total_ht"] or 0) - (row["total_ht"] or 0), 0)} for row in rows]


def consolidation_candidates(*, user: Viewer, lot: Any, supplier: Any) -> QuerySet[Order]:
    """The validated orders of a lot and supplier not consolidated yet: what a consolidation would send (operator
    staff only), oldest validation first."""
    if not is_operator_staff(user):
        return Order.objects.none()
    return (
        Order.objects.filter(status=OrderStatus.VALIDATED, consolidation__isnull=True, lot=lot, supplier=supplier)
        .select_related("member", "site")
        .order_by("validated_at", "pk")
    )


def consolidated_order_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[ConsolidatedOrder]:
    """Consolidated purchase orders, newest first — operator staff only.

    filters: q (its number, the supplier's name or the agreement's reference, or the number of an order it holds).
    """
    if not is_operator_staff(user):
        return ConsolidatedOrder.objects.none()
    queryset = ConsolidatedOrder.objects.select_related("lot", "lot__agreement", "supplier")
    q = ((filters or {}).get("q") or "").strip()
    if q:
        holding = Order.objects.filter(number__icontains=q).values("consolidation_id")
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(supplier__name__icontains=q)
            | Q(lot__agreement__reference__icontains=q)
            | Q(pk__in=holding)
        )
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
        .order_by("order__member__name", "order__number", "pk")
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


ORDER_ABILITIES = (
    "view",
    "update",
    "delete",
    "transition",
    "submit",
    "approve",
    "validate",
    "reject",
    "cancel",
    "send",
)


def order_abilities(user: Viewer, obj: Order | ConsolidatedOrder) -> dict[str, bool]:
    """What the user may do with an order (buttons and API) or a consolidated purchase order (staff reads it)."""
    if isinstance(obj, ConsolidatedOrder):
        return {"view": is_operator_staff(user), "update": False, "delete": False, "print": is_operator_staff(user)}
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(ORDER_ABILITIES, False)
    role = None if is_operator_staff(user) else member_role(user=user, member=obj.member)
    allowed = order_allowed_transitions(user=user, order=obj)
    return {
        "view": is_operator_staff(user) or role is not None,
        "update": obj.status == OrderStatus.DRAFT and role in ORDERING_ROLES,
        "delete": False,
        "transition": bool(allowed),
        "submit": OrderStatus.SUBMITTED in allowed,
        "approve": OrderStatus.APPROVED in allowed,
        "validate": OrderStatus.VALIDATED in allowed,
        "reject": OrderStatus.REJECTED in allowed,
        "cancel": OrderStatus.CANCELLED in allowed,
        "send": OrderStatus.SENT in allowed,
    }

"""Abilities on the purchasing objects: one dict per object drives the buttons shown and the API permissions.

Purchasing officers (and administrators, who hold every role) manage suppliers, agreements, lots and the
catalogue; other operator staff read them. Members' users read the active agreements open to their member when it
holds the central purchasing competence (the selectors decide what they see; they never change the catalogue).
Orders answer from the workflow table (`choices.ORDER_WORKFLOW`): the roles the user holds on the order pick the
steps open to them, which the order service checks again when one is asked for.
"""

from typing import Any

from mutualis.accounts.types import User, Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.members.choices import MemberRole
from mutualis.members.models import Member
from mutualis.members.selectors import member_role
from mutualis.purchasing.choices import (
    ORDER_TRANSITIONS,
    ORDERING_ROLES,
    THRESHOLD_STATUSES,
    AgreementStatus,
    InvoiceStatus,
    OrderRole,
    OrderStatus,
    order_next_statuses,
)
from mutualis.purchasing.models import (
    CatalogueItem,
    ConsolidatedOrder,
    Delivery,
    FrameworkAgreement,
    Invoice,
    Lot,
    Order,
    Supplier,
)
from mutualis.purchasing.selectors.agreements import agreement_list
from mutualis.purchasing.selectors.orders import VIEWER_ID, VIEWER_ROLE, needs_approval

SUPPLIER_ABILITIES = ("view", "update", "delete")
AGREEMENT_ABILITIES = ("view", "update", "delete", "activate", "end", "add_lot", "add_amendment")
LOT_ABILITIES = ("view", "update", "delete", "add_item", "import_bpu")
ITEM_ABILITIES = ("view", "update", "delete")


def can_manage_purchasing(user: Viewer) -> bool:
    """Purchasing officers and administrators run the centrale d'achat back-office."""
    return isinstance(user, User) and is_operator_staff(user) and user.has_staff_role("purchasing_officer")


def _supplier_abilities(user: Viewer, supplier: Supplier) -> dict[str, bool]:
    manage = can_manage_purchasing(user)
    return {"view": is_operator_staff(user), "update": manage, "delete": False}


def _agreement_visible(user: Viewer, agreement: FrameworkAgreement) -> bool:
    if is_operator_staff(user):
        return True
    return agreement_list(user=user).filter(pk=agreement.pk).exists()


def _agreement_abilities(user: Viewer, agreement: FrameworkAgreement) -> dict[str, bool]:
    manage = can_manage_purchasing(user)
    return {
        "view": _agreement_visible(user, agreement),
        "update": manage and agreement.status != AgreementStatus.ENDED,
        "delete": False,
        "activate": manage and agreement.status == AgreementStatus.DRAFT,
        "end": manage and agreement.status == AgreementStatus.ACTIVE,
        "add_lot": manage and agreement.status != AgreementStatus.ENDED,
        "add_amendment": manage and agreement.status == AgreementStatus.ACTIVE,
    }


def _lot_abilities(user: Viewer, lot: Lot) -> dict[str, bool]:
    agreement = _agreement_abilities(user, lot.agreement)
    return {
        "view": agreement["view"],
        "update": agreement["update"],
        "delete": False,
        "add_item": agreement["update"],
        "import_bpu": agreement["update"],
    }


def _item_abilities(user: Viewer, item: CatalogueItem) -> dict[str, bool]:
    agreement = _agreement_abilities(user, item.lot.agreement)
    return {"view": agreement["view"], "update": agreement["update"], "delete": False}


def get_abilities(user: Viewer, obj: Any) -> dict[str, bool]:
    """What the user may do with a purchasing object (every key present, False when denied)."""
    # Agreements and catalogue (agreements area).
    if isinstance(obj, Supplier):
        return _supplier_abilities(user, obj)
    if isinstance(obj, FrameworkAgreement):
        return _agreement_abilities(user, obj)
    if isinstance(obj, Lot):
        return _lot_abilities(user, obj)
    if isinstance(obj, CatalogueItem):
        return _item_abilities(user, obj)
    # Orders and consolidation (orders area).
    if isinstance(obj, Order):
        return order_abilities(user, obj)
    if isinstance(obj, ConsolidatedOrder):
        return {"view": is_operator_staff(user), "update": False, "delete": False, "print": is_operator_staff(user)}
    # Deliveries and invoices.
    if isinstance(obj, Invoice):
        return invoice_abilities(user, obj)
    if isinstance(obj, Delivery):
        return {"view": order_fulfilment_abilities(user, obj.order)["view"], "update": False, "delete": False}
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")


# Deliveries, service fait and invoices (deliveries & invoices area).
FULFILMENT_ABILITIES = ("view", "record_delivery", "certify_service", "register_invoice", "view_invoices")
INVOICE_ABILITIES = ("view", "update", "delete", "suspend", "resume", "pay")


def _member_role(user: Viewer, member: Member) -> str | None:
    """The user's role in the member; None for operator staff, who act as the operator whatever their memberships."""
    return None if is_operator_staff(user) else member_role(user=user, member=member)


def order_member_role(user: Viewer, order: Order) -> str | None:
    """The user's role in the order's member, read from the list's annotation when the order was read for this
    user (`selectors.orders.with_abilities_data`), otherwise asked of the database."""
    if is_operator_staff(user):
        return None
    if user.pk is not None and getattr(order, VIEWER_ID, None) == user.pk:
        return getattr(order, VIEWER_ROLE)
    return member_role(user=user, member=order.member)


def order_roles(user: Viewer, order: Order) -> set[str]:
    """The workflow roles (`OrderRole`) the user holds on the order: none for anonymous users and readers."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = {OrderRole.PURCHASING.value} if can_manage_purchasing(user) else set()
    role = order_member_role(user, order)
    if role == MemberRole.AGENT:
        roles.add(OrderRole.MEMBER_AGENT)
    elif role == MemberRole.MANAGER:
        roles.add(OrderRole.MEMBER_MANAGER)
    return roles


def order_allowed_transitions(*, user: Viewer, order: Order) -> set[str]:
    """The statuses this user may move this order to now: the workflow table read for the user's roles and the
    order's approval threshold. Fulfilment steps are never among them (they follow recorded facts)."""
    roles = order_roles(user, order)
    if not roles:
        return set()
    above = order.status in THRESHOLD_STATUSES and needs_approval(order)
    return order_next_statuses(order.status, roles, above_threshold=above)


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
# The ability naming each step a person may take (the button that asks for it).
STEP_ABILITIES = {
    OrderStatus.SUBMITTED: "submit",
    OrderStatus.APPROVED: "approve",
    OrderStatus.VALIDATED: "validate",
    OrderStatus.REJECTED: "reject",
    OrderStatus.CANCELLED: "cancel",
    OrderStatus.SENT: "send",
}


def order_abilities(user: Viewer, order: Order) -> dict[str, bool]:
    """What the user may do with an order (buttons and API): every step the workflow table opens to them."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(ORDER_ABILITIES, False)
    role = order_member_role(user, order)
    allowed = order_allowed_transitions(user=user, order=order)
    return {
        "view": is_operator_staff(user) or role is not None,
        "update": order.status == OrderStatus.DRAFT and role in ORDERING_ROLES,
        "delete": False,
        "transition": bool(allowed),
        **{ability: status in allowed for status, ability in STEP_ABILITIES.items()},
    }


def order_fulfilment_abilities(user: Viewer, order: Order) -> dict[str, bool]:
    """What the user may do downstream of sending an order: deliveries, service fait, invoices."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(FULFILMENT_ABILITIES, False)
    purchasing = can_manage_purchasing(user)
    role = order_member_role(user, order)
    ordering = role in ORDERING_ROLES
    # The facts are recorded where the workflow table lets them move the order (a second invoice changes nothing).
    next_statuses = ORDER_TRANSITIONS[order.status]
    return {
        "view": is_operator_staff(user) or role is not None,
        "record_delivery": (purchasing or ordering) and OrderStatus.DELIVERED in next_statuses,
        "certify_service": ordering and OrderStatus.SERVICE_CERTIFIED in next_statuses,
        "register_invoice": (purchasing or role == MemberRole.MANAGER)
        and (OrderStatus.INVOICED in next_statuses or order.status == OrderStatus.INVOICED),
        "view_invoices": is_operator_staff(user) or role is not None,
    }


def invoice_abilities(user: Viewer, invoice: Invoice) -> dict[str, bool]:
    """What the user may do with an invoice: purchasing officers and the member's managers suspend, resume, pay."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(INVOICE_ABILITIES, False)
    role = _member_role(user, invoice.order.member)
    manage = can_manage_purchasing(user) or role == MemberRole.MANAGER
    return {
        "view": is_operator_staff(user) or role is not None,
        "update": False,
        "delete": False,
        "suspend": manage and invoice.status == InvoiceStatus.RECEIVED,
        "resume": manage and invoice.status == InvoiceStatus.SUSPENDED,
        "pay": manage and invoice.status == InvoiceStatus.RECEIVED,
    }

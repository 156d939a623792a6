"""Abilities on the purchasing objects: one dict per object drives the buttons shown and the API permissions.

Purchasing officers (and administrators, who hold every role) manage suppliers, agreements, lots and the
catalogue; other operator staff read them. Members' users read the active agreements open to their member when it
holds the central purchasing competence (the selectors decide what they see; they never change the catalogue).
Each area adds its models' branch to `get_abilities` below.
"""

from typing import Any

from mutualis.accounts.types import User, Viewer
from mutualis.core.permissions import is_operator_staff
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
    from mutualis.purchasing.selectors.agreements import agreement_list

    return agreement_list(user=user).filter(pk=agreement.pk).exists()


def _agreement_abilities(user: Viewer, agreement: FrameworkAgreement) -> dict[str, bool]:
    from mutualis.purchasing.choices import AgreementStatus

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
    if isinstance(obj, (Order, ConsolidatedOrder)):
        from mutualis.purchasing.selectors.orders import order_abilities

        return order_abilities(user, obj)
    # Orders, deliveries, invoices: their areas add their branches here.
    if isinstance(obj, Invoice):
        return invoice_abilities(user, obj)
    if isinstance(obj, Delivery):
        return {"view": order_fulfilment_abilities(user, obj.order)["view"], "update": False, "delete": False}
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")


# Deliveries, service fait and invoices (deliveries & invoices area).
FULFILMENT_ABILITIES = ("view", "record_delivery", "certify_service", "register_invoice", "view_invoices")
INVOICE_ABILITIES = ("view", "update", "delete", "suspend", "resume", "pay")


def _member_role(user: Viewer, member: Any) -> str | None:
    from mutualis.members.selectors import member_role

    return None if is_operator_staff(user) else member_role(user=user, member=member)


def order_fulfilment_abilities(user: Viewer, order: Any) -> dict[str, bool]:
    """What the user may do downstream of sending an order: deliveries, service fait, invoices."""
    from mutualis.members.choices import MemberRole
    from mutualis.purchasing.choices import OrderStatus

    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(FULFILMENT_ABILITIES, False)
    purchasing = can_manage_purchasing(user)
    role = _member_role(user, order.member)
    ordering = role in {MemberRole.AGENT, MemberRole.MANAGER}
    return {
        "view": is_operator_staff(user) or role is not None,
        "record_delivery": (purchasing or ordering)
        and order.status in {OrderStatus.SENT, OrderStatus.PARTIALLY_DELIVERED},
        "certify_service": ordering and order.status == OrderStatus.DELIVERED,
        "register_invoice": (purchasing or role == MemberRole.MANAGER)
        and order.status in {OrderStatus.SERVICE_CERTIFIED, OrderStatus.INVOICED},
        "view_invoices": is_operator_staff(user) or role is not None,
    }


def invoice_abilities(user: Viewer, invoice: Any) -> dict[str, bool]:
    """What the user may do with an invoice: purchasing officers and the member's managers suspend, resume, pay."""
    from mutualis.members.choices import MemberRole
    from mutualis.purchasing.choices import InvoiceStatus

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

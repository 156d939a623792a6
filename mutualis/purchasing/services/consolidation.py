"""Writes of consolidation: validated orders of one lot and supplier sent together as one purchase order."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, Lot, Order, Supplier
from mutualis.purchasing.permissions import can_manage_purchasing
from mutualis.purchasing.services.orders import order_transition


@transaction.atomic
def consolidated_order_create(*, lot: Lot, supplier: Supplier, acting_user: User) -> ConsolidatedOrder:
    """Gather the lot's validated, not yet consolidated orders to the supplier into one purchase order; each is sent."""
    if not can_manage_purchasing(acting_user):
        raise PermissionDenied(_("Seuls les acheteurs de l'opérateur regroupent les commandes."))
    # Lock the orders so that a cancellation racing with the consolidation cannot slip between the two.
    orders = list(
        Order.objects.select_for_update()
        .filter(lot=lot, supplier=supplier, status=OrderStatus.VALIDATED, consolidation__isnull=True)
        .order_by("pk")
    )
    if not orders:
        raise ValidationError(_("Aucune commande validée à regrouper pour ce lot et ce fournisseur."))
    now = timezone.now()
    consolidation = ConsolidatedOrder(
        number=f"TMP-{uuid.uuid4().hex[:24]}", lot=lot, supplier=supplier, created_by=acting_user, sent_at=now
    )
    consolidation.full_clean()
    consolidation.save()
    consolidation.number = f"CG-{timezone.localdate().year}-{consolidation.pk:06d}"
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(consolidation=consolidation)
    for order in orders:
        order_transition(order=order, to_status=OrderStatus.SENT, acting_user=acting_user)
    consolidation.total_ht = Order.objects.filter(consolidation=consolidation).aggregate(t=Sum("total_ht"))["t"]
    consolidation.save(update_fields=["number", "total_ht", "updated_at"])
    audit_record(
        actor=acting_user,
        action="consolidated_order.create",
        obj=consolidation,
        after={"orders": [o.number for o in orders], "total_ht": str(consolidation.total_ht)},
    )
    return consolidation

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.purchasing.models.orders import Order, OrderLine


class Delivery(BaseModel):
    """A (possibly partial) delivery of an order, received at the member's site."""

    member_path = "order__member"

    order = models.ForeignKey(Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("livrée le"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réceptionnée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery_note = models.CharField(_("bon de livraison"), max_length=100, blank=True)
    reservations = models.TextField(_("réserves"), blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["order", "delivered_on", "id"]
        verbose_name = _("livraison")
        verbose_name_plural = _("livraisons")

    def __str__(self) -> str:
        return f"{self.order.number} — {self.delivered_on}"


class DeliveryLine(BaseModel):
    """What one delivery brought of one order line, with the serial numbers of the items."""

    member_path = "delivery__order__member"

    delivery = models.ForeignKey(Delivery, verbose_name=_("livraison"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("ligne de commande"), on_delete=models.PROTECT, related_name="delivery_lines"
    )
    quantity = models.PositiveIntegerField(_("quantité livrée"), validators=[MinValueValidator(1)])
    serial_numbers = models.JSONField(_("numéros de série"), default=list, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["delivery", "id"]
        verbose_name = _("ligne de livraison")
        verbose_name_plural = _("lignes de livraison")

    def __str__(self) -> str:
        return f"{self.delivery} — {self.quantity} × {self.order_line.item.reference}"


class DeliveredAsset(BaseModel):
    """Which delivery line brought an asset: purchasing holds the link, so the fleet outlives the purchase."""

    member_path = "delivery_line__delivery__order__member"

    delivery_line = models.ForeignKey(
        DeliveryLine, verbose_name=_("ligne de livraison"), on_delete=models.PROTECT, related_name="delivered_assets"
    )
    asset = models.OneToOneField(
        "assets.Asset", verbose_name=_("équipement"), on_delete=models.PROTECT, related_name="purchase"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["delivery_line", "id"]
        verbose_name = _("équipement livré")
        verbose_name_plural = _("équipements livrés")

    def __str__(self) -> str:
        return f"{self.delivery_line} — {self.asset}"

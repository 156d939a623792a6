from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models.agreements import CatalogueItem, Lot, Supplier


class MemberPurchasingSettings(BaseModel):
    """A member's purchasing rules: approval threshold and the references its accounting requires."""

    member = models.OneToOneField(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="purchasing_settings"
    )
    approval_threshold_ht = models.DecimalField(
        _("seuil d'approbation HT"),
        null=True,
        blank=True,
        help_text=_("Au-delà, un gestionnaire de l'adhérent approuve la commande. Vide : pas d'approbation."),
        max_digits=14,
        decimal_places=2,
    )
    requires_ej = models.BooleanField(_("numéro d'engagement juridique (EJ) obligatoire"), default=False)
    requires_service_code = models.BooleanField(_("code service Chorus Pro obligatoire"), default=False)
    default_service_code = models.CharField(_("code service Chorus Pro par défaut"), max_length=100, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("règles d'achat de l'adhérent")
        verbose_name_plural = _("règles d'achat des adhérents")

    def __str__(self) -> str:
        return str(self.member)


class ConsolidatedOrder(BaseModel):
    """Validated orders of one lot and supplier sent together as one purchase order (the economy of scale)."""

    number = models.CharField(_("numéro"), max_length=30, unique=True)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="consolidations")
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="consolidations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("établi par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    total_ht = models.DecimalField(_("total HT"), default=Decimal("0"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("commande groupée")
        verbose_name_plural = _("commandes groupées")

    def __str__(self) -> str:
        return self.number


class Order(BaseModel):
    """A bon de commande of one member under one lot, to one holder, delivered to one of the member's sites."""

    number = models.CharField(_("numéro"), max_length=30, unique=True)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.PROTECT, related_name="orders"
    )
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, verbose_name=_("titulaire"), on_delete=models.PROTECT, related_name="orders")
    site = models.ForeignKey(
        "members.Site",
        verbose_name=_("site de livraison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    status = models.CharField(
        _("statut"), max_length=24, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    internal_reference = models.CharField(_("référence interne"), max_length=100, blank=True)
    ej_number = models.CharField(_("numéro d'engagement juridique (EJ)"), max_length=30, blank=True, db_index=True)
    service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    note = models.TextField(_("commentaire"), blank=True)
    total_ht = models.DecimalField(_("total HT"), default=Decimal("0"), max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(_("TVA"), default=Decimal("0"), max_digits=14, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), default=Decimal("0"), max_digits=14, decimal_places=2)
    list_total_ht = models.DecimalField(
        _("total au prix public HT"), default=Decimal("0"), max_digits=14, decimal_places=2
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    execution_date = models.DateField(_("date d'exécution (service fait)"), null=True, blank=True)
    service_certified_at = models.DateTimeField(_("service fait certifié le"), null=True, blank=True)
    service_certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service fait certifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consolidation = models.ForeignKey(
        ConsolidatedOrder,
        verbose_name=_("commande groupée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bon de commande")
        verbose_name_plural = _("bons de commande")
        # The dashboards aggregate orders by member and by agreement: these indexes hold every column those
        # queries read, so they never touch the table (3 to 7 times faster at 1M order lines, bench/).
        indexes = [
            models.Index(fields=["member", "status", "total_ht"], name="order_member_status_total"),
            models.Index(fields=["lot", "status"]),
            models.Index(
                fields=["status", "lot", "member", "total_ht", "validated_at", "created_at"], name="order_dashboard"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(BaseModel):
    """A line of an order; its prices are copied from the catalogue when the line is added, so they never move."""

    member_path = "order__member"

    order = models.ForeignKey(Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("article"), on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.PositiveIntegerField(_("quantité"), validators=[MinValueValidator(1)])
    unit_price_ht = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2)
    list_price_ht = models.DecimalField(_("prix public HT"), null=True, blank=True, max_digits=14, decimal_places=4)
    delivered_quantity = models.PositiveIntegerField(_("quantité livrée"), default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        # Savings are summed over the lines of the selected orders: read from the index alone.
        indexes = [
            models.Index(fields=["order", "quantity", "unit_price_ht", "list_price_ht"], name="orderline_amounts"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} — {self.quantity} × {self.item.reference}"


class OrderTransition(models.Model):
    """One status change of an order: who, when, why."""

    member_path = "order__member"

    order = models.ForeignKey(Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("statut précédent"), max_length=24, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("nouveau statut"), max_length=24, choices=OrderStatus.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    reason = models.TextField(_("motif"), blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("changement de statut de commande")
        verbose_name_plural = _("changements de statut de commande")

    def __str__(self) -> str:
        return f"{self.order.number} : {self.from_status} → {self.to_status}"


class LotAlert(BaseModel):
    """A warning raised once per lot and kind: 80 % / 95 % of the maximum consumed, minimum out of reach."""

    class Kind(models.TextChoices):
        MAX_80 = "max_80", _("80 % du maximum atteint")
        MAX_95 = "max_95", _("95 % du maximum atteint")
        MIN_UNREACHABLE = "min_unreachable", _("Minimum hors d'atteinte avant l'échéance")

    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alerte de lot")
        verbose_name_plural = _("alertes de lot")
        constraints = [models.UniqueConstraint(fields=["lot", "kind"], name="unique_lot_alert")]

    def __str__(self) -> str:
        return f"{self.lot} — {self.get_kind_display()}"

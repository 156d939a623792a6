from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind, AssetStatus
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class Asset(BaseModel):
    """One piece of equipment with a serial number, owned by a member and kept at one of its sites."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent propriétaire"), on_delete=models.PROTECT, related_name="assets"
    )
    site = models.ForeignKey(
        "members.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    # What the asset is, copied when it is received: the fleet keeps it whatever becomes of the purchase.
    kind = models.CharField(
        _("nature"), max_length=32, choices=AssetKind.choices, default=AssetKind.OTHER, db_index=True
    )
    designation = models.CharField(_("désignation"), max_length=255)
    manufacturer = models.CharField(_("fabricant"), max_length=100, blank=True)
    reference = models.CharField(_("modèle ou référence"), max_length=100, blank=True)
    serial_number = models.CharField(_("numéro de série"), max_length=100)
    purchase_price_ht = models.DecimalField(
        _("prix d'achat HT"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    delivered_on = models.DateField(_("livré le"), null=True, blank=True)
    warranty_end = models.DateField(_("fin de garantie"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_STOCK, db_index=True
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["member", "designation", "serial_number"]
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")
        # A serial number identifies one device of a manufacturer's model, across the whole fleet.
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "reference", "serial_number"], name="unique_serial_per_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.designation} n° {self.serial_number}"


class AssetEvent(models.Model):
    """One step in an asset's history: delivery, status change, move to another site."""

    member_path = "asset__member"

    asset = models.ForeignKey(Asset, verbose_name=_("équipement"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("nature"), max_length=32)
    from_status = models.CharField(_("statut précédent"), max_length=16, choices=AssetStatus.choices, blank=True)
    to_status = models.CharField(_("nouveau statut"), max_length=16, choices=AssetStatus.choices, blank=True)
    site = models.ForeignKey(
        "members.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("commentaire"), blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("événement d'équipement")
        verbose_name_plural = _("événements d'équipement")

    def __str__(self) -> str:
        return f"{self.asset} — {self.kind}"

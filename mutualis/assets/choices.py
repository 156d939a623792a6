"""Asset statuses and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("En stock")
    IN_SERVICE = "in_service", _("En service")
    LENT = "lent", _("Prêté")
    IN_REPAIR = "in_repair", _("En réparation")
    RETIRED = "retired", _("Réformé")


ASSET_TRANSITIONS: dict[str, set[str]] = {
    AssetStatus.IN_STOCK: {AssetStatus.IN_SERVICE, AssetStatus.LENT, AssetStatus.IN_REPAIR, AssetStatus.RETIRED},
    AssetStatus.IN_SERVICE: {AssetStatus.IN_STOCK, AssetStatus.LENT, AssetStatus.IN_REPAIR, AssetStatus.RETIRED},
    AssetStatus.LENT: {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.IN_REPAIR},
    AssetStatus.IN_REPAIR: {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.RETIRED},
    AssetStatus.RETIRED: set(),
}

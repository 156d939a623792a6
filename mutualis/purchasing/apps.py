from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    """Central purchasing: suppliers, framework agreements, lots, catalogue (BPU), orders, deliveries, invoices."""

    name = "mutualis.purchasing"
    label = "purchasing"
    verbose_name = _("Centrale d'achat")

    def ready(self) -> None:
        from mutualis.core.panels import register_asset_panel, register_commune_panel
        from mutualis.purchasing.panels import asset_purchase_panel, commune_purchasing_panel

        register_commune_panel(commune_purchasing_panel, order=30)
        register_asset_panel(asset_purchase_panel, order=10)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    """Central purchasing: suppliers, framework agreements, lots, catalogue (BPU), orders, deliveries, invoices."""

    name = "mutualis.purchasing"
    label = "purchasing"
    verbose_name = _("Centrale d'achat")

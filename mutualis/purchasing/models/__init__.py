from mutualis.purchasing.models.agreements import (
    Amendment,
    CatalogueItem,
    FrameworkAgreement,
    ItemPrice,
    Lot,
    LotHolder,
    Supplier,
    SupplierContact,
)
from mutualis.purchasing.models.deliveries import DeliveredAsset, Delivery, DeliveryLine
from mutualis.purchasing.models.invoices import Invoice, InvoiceSuspension
from mutualis.purchasing.models.orders import (
    ConsolidatedOrder,
    LotAlert,
    MemberPurchasingSettings,
    Order,
    OrderLine,
    OrderTransition,
)

__all__ = [
    "Amendment",
    "CatalogueItem",
    "ConsolidatedOrder",
    "DeliveredAsset",
    "Delivery",
    "DeliveryLine",
    "FrameworkAgreement",
    "Invoice",
    "InvoiceSuspension",
    "ItemPrice",
    "Lot",
    "LotAlert",
    "LotHolder",
    "MemberPurchasingSettings",
    "Order",
    "OrderLine",
    "OrderTransition",
    "Supplier",
    "SupplierContact",
]

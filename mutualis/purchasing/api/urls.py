urlpatterns: list = []

# Deliveries and invoices (deliveries & invoices area): /api/v1/deliveries/, /api/v1/invoices/.
from mutualis.core.api import Router  # noqa: E402
from mutualis.purchasing.api import invoices as invoice_api  # noqa: E402

invoice_router = Router()
invoice_router.register("deliveries", invoice_api.DeliveryViewSet, basename="delivery")
invoice_router.register("invoices", invoice_api.InvoiceViewSet, basename="invoice")
urlpatterns += invoice_router.urls

# Orders and consolidated orders (orders area): /api/v1/orders/, /api/v1/consolidated-orders/.
from mutualis.purchasing.api import orders as order_api  # noqa: E402

order_router = Router()
order_router.register("orders", order_api.OrderViewSet, basename="order")
order_router.register("consolidated-orders", order_api.ConsolidatedOrderViewSet, basename="consolidated-order")
urlpatterns += order_router.urls

# Suppliers, framework agreements, lots, catalogue (agreements area).
from mutualis.purchasing.api import agreements as agreement_api  # noqa: E402

agreement_router = Router()
agreement_router.register("suppliers", agreement_api.SupplierViewSet, basename="supplier")
agreement_router.register(
    "framework-agreements", agreement_api.FrameworkAgreementViewSet, basename="framework-agreement"
)
agreement_router.register("lots", agreement_api.LotViewSet, basename="lot")
agreement_router.register("catalogue-items", agreement_api.CatalogueItemViewSet, basename="catalogue-item")
urlpatterns += agreement_router.urls

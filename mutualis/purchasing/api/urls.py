"""Purchasing API routes: suppliers, framework agreements, lots, catalogue items, orders, consolidated orders,
deliveries and invoices (/api/v1/…)."""

from mutualis.core.api import Router
from mutualis.purchasing.api import views

router = Router()
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("framework-agreements", views.FrameworkAgreementViewSet, basename="framework-agreement")
router.register("lots", views.LotViewSet, basename="lot")
router.register("catalogue-items", views.CatalogueItemViewSet, basename="catalogue-item")
router.register("orders", views.OrderViewSet, basename="order")
router.register("consolidated-orders", views.ConsolidatedOrderViewSet, basename="consolidated-order")
router.register("deliveries", views.DeliveryViewSet, basename="delivery")
router.register("invoices", views.InvoiceViewSet, basename="invoice")

urlpatterns = router.urls

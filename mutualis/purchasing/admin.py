"""Purchasing in the Django admin, read-only: every change goes through the services (legal rules, workflow table,
audit log), from the back-office pages or the API."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mutualis.members.admin import ReadOnlyAdmin
from mutualis.purchasing.models import (
    Amendment,
    CatalogueItem,
    ConsolidatedOrder,
    Delivery,
    DeliveryLine,
    FrameworkAgreement,
    Invoice,
    InvoiceSuspension,
    ItemPrice,
    Lot,
    LotAlert,
    LotHolder,
    MemberPurchasingSettings,
    Order,
    OrderLine,
    OrderTransition,
    Supplier,
    SupplierContact,
)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupplierContactInline(ReadOnlyInline):
    model = SupplierContact
    fields = ("name", "role", "email", "phone")


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ("name", "siret", "email", "phone")
    search_fields = ("name", "siret")
    inlines = [SupplierContactInline]


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fields = ("number", "subject", "signed_date", "effective_date", "duration_change_months", "amount_change_ht")


class LotInline(ReadOnlyInline):
    model = Lot
    fields = ("number", "title", "max_amount_ht", "min_amount_ht", "consumed_amount_ht")
    show_change_link = True


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(ReadOnlyAdmin):
    list_display = ("reference", "subject", "procedure", "start_date", "duration_months", "status")
    list_filter = ("status", "procedure")
    search_fields = ("reference", "subject", "cpv_code")
    inlines = [LotInline, AmendmentInline]


class LotHolderInline(ReadOnlyInline):
    model = LotHolder
    fields = ("rank", "supplier")


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "title", "max_amount_ht", "consumed_amount_ht")
    list_filter = ("agreement__status",)
    search_fields = ("title", "agreement__reference")
    inlines = [LotHolderInline]


class ItemPriceInline(ReadOnlyInline):
    model = ItemPrice
    fields = ("effective_from", "unit_price_ht", "amendment", "created_by")


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ReadOnlyAdmin):
    list_display = ("reference", "label", "lot", "category", "list_price_ht", "is_active")
    list_filter = ("category", "is_active", "serialized")
    search_fields = ("reference", "label", "lot__agreement__reference")
    inlines = [ItemPriceInline]


@admin.register(MemberPurchasingSettings)
class MemberPurchasingSettingsAdmin(ReadOnlyAdmin):
    list_display = ("member", "approval_threshold_ht", "requires_ej", "requires_service_code")
    search_fields = ("member__name",)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("item", "quantity", "unit_price_ht", "vat_rate", "list_price_ht", "delivered_quantity")


class OrderTransitionInline(ReadOnlyInline):
    model = OrderTransition
    fields = ("at", "from_status", "to_status", "acting_user", "reason")
    readonly_fields = ("at",)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "member", "lot", "supplier", "status", "total_ht", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "ej_number", "member__name")
    inlines = [OrderLineInline, OrderTransitionInline]


@admin.register(ConsolidatedOrder)
class ConsolidatedOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "lot", "supplier", "total_ht", "sent_at")
    search_fields = ("number", "supplier__name")


class DeliveryLineInline(ReadOnlyInline):
    model = DeliveryLine
    fields = ("order_line", "quantity", "serial_numbers")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("order", "delivered_on", "delivery_note", "received_by")
    search_fields = ("order__number", "delivery_note")
    inlines = [DeliveryLineInline]


class InvoiceSuspensionInline(ReadOnlyInline):
    model = InvoiceSuspension
    fields = ("started_on", "ended_on", "reason")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "supplier", "order", "received_on", "amount_ttc", "status", "due_date", "paid_on")
    list_filter = ("status",)
    search_fields = ("number", "order__number", "supplier__name")
    inlines = [InvoiceSuspensionInline]


@admin.register(LotAlert)
class LotAlertAdmin(ReadOnlyAdmin):
    list_display = ("lot", "kind", "created_at")
    list_filter = ("kind",)

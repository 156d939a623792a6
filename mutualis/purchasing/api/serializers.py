"""Serializers of the purchasing API. They check the shape of the input; the services hold the rules.

Every related field a client writes is looked up among the objects the caller may see (`ScopedPrimaryKeyRelatedField`):
another member's id answers exactly as an id that does not exist.
"""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from mutualis.accounts.types import Viewer
from mutualis.core.api import ScopedPrimaryKeyRelatedField
from mutualis.members.choices import MemberKind
from mutualis.members.models import Member, Site
from mutualis.members.selectors import member_list
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import (
    Amendment,
    CatalogueItem,
    ConsolidatedOrder,
    Delivery,
    DeliveryLine,
    FrameworkAgreement,
    Invoice,
    Lot,
    LotHolder,
    Order,
    OrderLine,
    OrderTransition,
    Supplier,
    SupplierContact,
)
from mutualis.purchasing.permissions import get_abilities
from mutualis.purchasing.selectors.agreements import (
    agreement_list,
    item_list,
    lot_list,
    supplier_list,
    with_current_price,
)
from mutualis.purchasing.selectors.invoices import invoice_clock
from mutualis.purchasing.services import agreements as agreement_services


def _lot_holders(user: Viewer) -> QuerySet[Supplier]:
    """Suppliers holding a lot the user may see (an order goes to one of its lot's holders)."""
    visible_lots = lot_list(user=user).values("pk")
    return Supplier.objects.filter(pk__in=LotHolder.objects.filter(lot__in=visible_lots).values("supplier_id"))


# --- Suppliers, framework agreements, lots and catalogue ------------------------------------------------------


class SupplierContactSerializer(serializers.ModelSerializer):
    """A contact person at a supplier."""

    class Meta:
        model = SupplierContact
        fields = ["id", "name", "role", "email", "phone"]
        read_only_fields = ["id"]


class SupplierSerializer(serializers.ModelSerializer):
    """A supplier (SIRET and IBAN checked) with its contacts (given on creation only)."""

    contacts = SupplierContactSerializer(many=True, required=False)

    class Meta:
        model = Supplier
        fields = ["id", "name", "siret", "address", "email", "phone", "iban", "bic", "contacts"]
        read_only_fields = ["id"]

    def create(self, validated_data: dict[str, Any]) -> Supplier:
        request = self.context["request"]
        return agreement_services.supplier_create(acting_user=request.user, **validated_data)

    def update(self, instance: Supplier, validated_data: dict[str, Any]) -> Supplier:
        request = self.context["request"]
        validated_data.pop("contacts", None)
        return agreement_services.supplier_update(supplier=instance, acting_user=request.user, **validated_data)


class AmendmentSerializer(serializers.ModelSerializer):
    """An amendment of an agreement (read only here)."""

    class Meta:
        model = Amendment
        fields = [
            "id",
            "number",
            "subject",
            "signed_date",
            "effective_date",
            "duration_change_months",
            "amount_change_ht",
        ]
        read_only_fields = fields


class FrameworkAgreementSerializer(serializers.ModelSerializer):
    """A framework agreement (accord-cadre à bons de commande); 48 months at most (CCP L2125-1)."""

    allowed_member_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=MemberKind.choices),
        required=False,
        help_text=_("Natures d'adhérents autorisées ; vide : toutes."),
    )
    amendments = AmendmentSerializer(many=True, read_only=True)
    lots = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = FrameworkAgreement
        fields = [
            "id",
            "reference",
            "subject",
            "cpv_code",
            "procedure",
            "notification_date",
            "start_date",
            "duration_months",
            "status",
            "allowed_member_kinds",
            "description",
            "offers_received",
            "lots",
            "amendments",
        ]
        read_only_fields = ["id", "status", "lots", "amendments"]

    def create(self, validated_data: dict[str, Any]) -> FrameworkAgreement:
        request = self.context["request"]
        return agreement_services.agreement_create(acting_user=request.user, **validated_data)

    def update(self, instance: FrameworkAgreement, validated_data: dict[str, Any]) -> FrameworkAgreement:
        request = self.context["request"]
        return agreement_services.agreement_update(agreement=instance, acting_user=request.user, **validated_data)


class AgreementEndSerializer(serializers.Serializer):
    """Why an agreement ends."""

    reason = serializers.CharField(max_length=500)


class LotHolderSerializer(serializers.Serializer):
    """A holder of a lot, by rank."""

    supplier = serializers.IntegerField(source="supplier_id", read_only=True)
    name = serializers.CharField(source="supplier.name", read_only=True)
    siret = serializers.CharField(source="supplier.siret", read_only=True)
    rank = serializers.IntegerField(read_only=True)


class LotSerializer(serializers.ModelSerializer):
    """A lot: maximum and optional minimum HT (CCP R2162-4), consumption, ranked holders (written as supplier ids)."""

    agreement = ScopedPrimaryKeyRelatedField(FrameworkAgreement, scope=lambda user: agreement_list(user=user))
    holders = ScopedPrimaryKeyRelatedField(
        Supplier,
        scope=lambda user: supplier_list(user=user),
        many=True,
        write_only=True,
        help_text=_("Fournisseurs titulaires, par rang."),
    )
    holder_details = LotHolderSerializer(source="lot_holders", many=True, read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "agreement",
            "number",
            "title",
            "max_amount_ht",
            "min_amount_ht",
            "consumed_amount_ht",
            "holders",
            "holder_details",
        ]
        read_only_fields = ["id", "consumed_amount_ht"]
        validators: list = []  # the service checks the (agreement, number) uniqueness with a French message

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields

    def create(self, validated_data: dict[str, Any]) -> Lot:
        request = self.context["request"]
        agreement = validated_data.pop("agreement")
        if not get_abilities(request.user, agreement)["add_lot"]:
            raise PermissionDenied(_("Vous ne pouvez pas ajouter de lot à cet accord-cadre."))
        return agreement_services.lot_create(agreement=agreement, acting_user=request.user, **validated_data)

    def update(self, instance: Lot, validated_data: dict[str, Any]) -> Lot:
        request = self.context["request"]
        validated_data.pop("agreement", None)
        return agreement_services.lot_update(lot=instance, acting_user=request.user, **validated_data)


class CatalogueItemSerializer(serializers.ModelSerializer):
    """An item of a lot's BPU with the unit price HT in force today (`unit_price_ht` sets the award price)."""

    lot = ScopedPrimaryKeyRelatedField(Lot, scope=lambda user: lot_list(user=user))
    agreement = serializers.IntegerField(source="lot.agreement_id", read_only=True)
    current_price_ht = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True, allow_null=True)
    unit_price_ht = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        write_only=True,
        required=False,
        help_text=_("Prix unitaire HT d'attribution (obligatoire à la création)."),
    )

    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "lot",
            "agreement",
            "reference",
            "label",
            "description",
            "category",
            "unit",
            "vat_rate",
            "list_price_ht",
            "serialized",
            "warranty_months",
            "is_active",
            "current_price_ht",
            "unit_price_ht",
        ]
        read_only_fields = ["id", "agreement", "current_price_ht"]
        validators: list = []  # the service checks the (lot, reference) uniqueness with a French message

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["lot"].read_only = True
        return fields

    def create(self, validated_data: dict[str, Any]) -> CatalogueItem:
        request = self.context["request"]
        lot = validated_data.pop("lot")
        if not get_abilities(request.user, lot)["add_item"]:
            raise PermissionDenied(_("Vous ne pouvez pas ajouter d'article à ce lot."))
        if validated_data.get("unit_price_ht") is None:
            raise serializers.ValidationError({"unit_price_ht": [_("Indiquez le prix unitaire HT.")]})
        item = agreement_services.item_create(lot=lot, acting_user=request.user, **validated_data)
        return with_current_price(CatalogueItem.objects.filter(pk=item.pk)).get()

    def update(self, instance: CatalogueItem, validated_data: dict[str, Any]) -> CatalogueItem:
        request = self.context["request"]
        validated_data.pop("lot", None)
        item = agreement_services.item_update(item=instance, acting_user=request.user, **validated_data)
        return with_current_price(CatalogueItem.objects.filter(pk=item.pk)).get()


# --- Orders and consolidated orders ---------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    """A line with the prices frozen when it was added."""

    item_reference = serializers.CharField(source="item.reference", read_only=True)
    item_label = serializers.CharField(source="item.label", read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "item",
            "item_reference",
            "item_label",
            "quantity",
            "unit_price_ht",
            "vat_rate",
            "list_price_ht",
            "delivered_quantity",
        ]
        read_only_fields = fields


class OrderTransitionSerializer(serializers.ModelSerializer):
    """One status change: who, when, why."""

    acting_user = serializers.StringRelatedField()

    class Meta:
        model = OrderTransition
        fields = ["from_status", "to_status", "acting_user", "at", "reason"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """An order with its lines, totals and history."""

    lines = OrderLineSerializer(many=True, read_only=True)
    transitions = OrderTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "member",
            "lot",
            "supplier",
            "site",
            "status",
            "internal_reference",
            "ej_number",
            "service_code",
            "note",
            "total_ht",
            "total_vat",
            "total_ttc",
            "list_total_ht",
            "submitted_at",
            "validated_at",
            "sent_at",
            "consolidation",
            "created_at",
            "lines",
            "transitions",
        ]
        read_only_fields = fields


class OrderCreateSerializer(serializers.Serializer):
    """A new draft order of one of the caller's members under a lot (to its first-ranked holder by default)."""

    member = ScopedPrimaryKeyRelatedField(Member, scope=lambda user: member_list(user=user))
    lot = ScopedPrimaryKeyRelatedField(Lot, scope=lambda user: lot_list(user=user))
    supplier = ScopedPrimaryKeyRelatedField(Supplier, scope=_lot_holders, required=False, allow_null=True)
    site = ScopedPrimaryKeyRelatedField(
        Site, scope=lambda user: Site.objects.visible_to(user).filter(is_active=True), required=False, allow_null=True
    )
    internal_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    ej_number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=100)


class OrderLineAddSerializer(serializers.Serializer):
    """An item of the order's lot and a quantity."""

    item = ScopedPrimaryKeyRelatedField(CatalogueItem, scope=lambda user: item_list(user=user).filter(is_active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=100000)


class OrderTransitionRequestSerializer(serializers.Serializer):
    """The status asked for, and the reason (required to reject or cancel)."""

    to_status = serializers.ChoiceField(choices=OrderStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ConsolidatedOrderSerializer(serializers.ModelSerializer):
    """A consolidated purchase order and the numbers of the orders it gathers."""

    orders = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = ConsolidatedOrder
        fields = ["id", "number", "lot", "supplier", "sent_at", "total_ht", "orders", "created_at"]
        read_only_fields = fields


# --- Deliveries and invoices ----------------------------------------------------------------------------------


class DeliveryLineSerializer(serializers.ModelSerializer):
    """What one delivery brought of one order line."""

    order_line = ScopedPrimaryKeyRelatedField(OrderLine)
    serial_numbers = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)

    class Meta:
        model = DeliveryLine
        fields = ["order_line", "quantity", "serial_numbers"]


class DeliverySerializer(serializers.ModelSerializer):
    """A delivery of an order, with its lines (each serial number becomes an asset)."""

    order = ScopedPrimaryKeyRelatedField(Order)
    lines = DeliveryLineSerializer(many=True)

    class Meta:
        model = Delivery
        fields = ["id", "order", "delivered_on", "delivery_note", "reservations", "received_by", "lines"]
        read_only_fields = ["received_by"]


class SuspensionSerializer(serializers.Serializer):
    """A suspension of the payment clock (CCP R2192-29)."""

    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, read_only=True)
    reason = serializers.CharField()


class ClockSerializer(serializers.Serializer):
    """The payment clock on the day of the request (or frozen at payment)."""

    start = serializers.DateField(allow_null=True)
    suspended_days = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    days_late = serializers.IntegerField()
    interest = serializers.DecimalField(max_digits=14, decimal_places=2)
    flat_fee = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue = serializers.BooleanField()


class InvoiceSerializer(serializers.ModelSerializer):
    """A supplier's invoice with its computed payment clock."""

    order = ScopedPrimaryKeyRelatedField(Order)
    clock = serializers.SerializerMethodField()
    suspensions = SuspensionSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "order",
            "supplier",
            "number",
            "invoice_date",
            "received_on",
            "amount_ht",
            "amount_vat",
            "amount_ttc",
            "status",
            "paid_on",
            "due_date",
            "late_interest",
            "flat_fee",
            "suspensions",
            "clock",
        ]
        read_only_fields = ["supplier", "status", "paid_on", "due_date", "late_interest", "flat_fee"]

    @extend_schema_field(ClockSerializer)
    def get_clock(self, invoice: Invoice) -> dict[str, Any]:
        return ClockSerializer(invoice_clock(invoice)).data


class PaySerializer(serializers.Serializer):
    """A payment date."""

    paid_on = serializers.DateField()


class ResumeSerializer(serializers.Serializer):
    """The date the missing documents arrived."""

    ended_on = serializers.DateField()

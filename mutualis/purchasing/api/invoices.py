"""Deliveries and invoices API: /api/v1/deliveries/ and /api/v1/invoices/ (with suspend, resume, pay), scoped by
the caller; the payment clock is computed on every invoice."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission
from mutualis.purchasing.models import Delivery, DeliveryLine, Invoice, Order, OrderLine
from mutualis.purchasing.permissions import get_abilities
from mutualis.purchasing.selectors.deliveries import delivery_list
from mutualis.purchasing.selectors.invoices import invoice_clock, invoice_list
from mutualis.purchasing.selectors.orders import order_list
from mutualis.purchasing.services import deliveries as delivery_services
from mutualis.purchasing.services import invoices as invoice_services


class _ScopedOrderField(serializers.PrimaryKeyRelatedField):
    """An order the caller may see (others are reported as not found)."""

    def get_queryset(self) -> Any:
        return order_list(user=self.context["request"].user)


class DeliveryLineSerializer(serializers.ModelSerializer):
    """What one delivery brought of one order line."""

    order_line = serializers.PrimaryKeyRelatedField(queryset=OrderLine.objects.all())
    serial_numbers = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)

    class Meta:
        model = DeliveryLine
        fields = ["order_line", "quantity", "serial_numbers"]


class DeliverySerializer(serializers.ModelSerializer):
    """A delivery of an order, with its lines (each serial number becomes an asset)."""

    order = _ScopedOrderField()
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

    order = _ScopedOrderField()
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


class _Scoped(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, AbilityPermission]
    filter_backends: list = []

    def get_object_abilities(self, obj: Any) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)


@extend_schema_view(
    list=extend_schema(summary=_("Livraisons"), description=_("Les livraisons des commandes visibles par l'appelant.")),
    retrieve=extend_schema(summary=_("Une livraison")),
    create=extend_schema(
        summary=_("Enregistrer une livraison"),
        description=_(
            "Agents et gestionnaires de l'adhérent, acheteurs de la centrale ; un numéro de série par unité."
        ),
    ),
)
class DeliveryViewSet(_Scoped):
    """Deliveries of the orders the caller may see."""

    serializer_class = DeliverySerializer

    def get_queryset(self) -> Any:
        return delivery_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delivery = delivery_services.delivery_record(
            order=data["order"],
            delivered_on=data["delivered_on"],
            lines=[dict(line) for line in data["lines"]],
            reservations=data.get("reservations", ""),
            delivery_note=data.get("delivery_note", ""),
            acting_user=request.user,
        )
        return Response(self.get_serializer(delivery).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("Factures"),
        description=_("Les factures des adhérents visibles, avec le délai de paiement."),
        parameters=[
            OpenApiParameter("overdue", bool, description=_("Seulement les factures en retard")),
            OpenApiParameter(
                "sort",
                str,
                enum=["received", "due"],
                description=_(
                    "received (défaut) : les plus récemment reçues d'abord ; due : les impayées d'abord, par "
                    "échéance croissante (sans échéance ensuite), puis les payées, dernier paiement d'abord"
                ),
            ),
            OpenApiParameter("status", str),
            OpenApiParameter("supplier", int),
            OpenApiParameter("member", int),
            OpenApiParameter("q", str, description=_("N° de facture, de commande ou EJ")),
        ],
    ),
    retrieve=extend_schema(summary=_("Une facture")),
    create=extend_schema(
        summary=_("Enregistrer une facture"),
        description=_("Acheteurs de la centrale et gestionnaires de l'adhérent ; commande au service fait certifié."),
    ),
)
class InvoiceViewSet(_Scoped):
    """Invoices of the members the caller may see, with suspend / resume / pay actions."""

    serializer_class = InvoiceSerializer
    action_abilities = {"suspend": "suspend", "resume": "resume", "pay": "pay"}

    def get_queryset(self) -> Any:
        return invoice_list(user=self.request.user, filters=self.request.query_params.dict())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        order: Order = data.pop("order")
        invoice = invoice_services.invoice_register(order=order, acting_user=request.user, **data)
        return Response(self.get_serializer(invoice).data, status=status.HTTP_201_CREATED)

    def _act(self, request: Request, service: Any, serializer_class: Any) -> Response:
        invoice = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(invoice=invoice, acting_user=request.user, **serializer.validated_data)
        invoice = self.get_queryset().get(pk=invoice.pk)
        return Response(self.get_serializer(invoice).data)

    @extend_schema(summary=_("Suspendre le délai de paiement (R2192-29)"), request=SuspensionSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, invoice_services.invoice_suspend, SuspensionSerializer)

    @extend_schema(summary=_("Reprendre le délai de paiement"), request=ResumeSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, invoice_services.invoice_resume, ResumeSerializer)

    @extend_schema(summary=_("Enregistrer le paiement"), request=PaySerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, invoice_services.invoice_pay, PaySerializer)

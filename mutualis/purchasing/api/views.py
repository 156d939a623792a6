"""Viewsets of the purchasing API: /api/v1/suppliers/, /framework-agreements/, /lots/, /catalogue-items/ (the
agreements area), /orders/ and /consolidated-orders/, /deliveries/ and /invoices/ (with suspend, resume, pay).

Everything is scoped by the caller: operator staff see every member's orders and invoices, a member's users
their members' (another's answers 404). Suppliers and consolidated orders are for operator staff; agreements,
lots and items are read by operator staff and by the users of members holding the central purchasing competence
(only the active agreements open to their member); purchasing officers and administrators write. Lists are
filtered by the same FilterSets as the pages (`purchasing.filters`). Every write goes through the services; their
French errors come back as 400 with field errors (core.api.exception_handler).
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission, is_operator_staff
from mutualis.purchasing.api.serializers import (
    AgreementEndSerializer,
    CatalogueItemSerializer,
    ConsolidatedOrderSerializer,
    DeliverySerializer,
    FrameworkAgreementSerializer,
    InvoiceSerializer,
    LotSerializer,
    OrderCreateSerializer,
    OrderLineAddSerializer,
    OrderSerializer,
    OrderTransitionRequestSerializer,
    PaySerializer,
    ResumeSerializer,
    SupplierSerializer,
    SuspensionSerializer,
)
from mutualis.purchasing.filters import (
    AgreementFilter,
    ConsolidatedOrderFilter,
    InvoiceFilter,
    ItemFilter,
    LotFilter,
    OrderFilter,
    SupplierFilter,
)
from mutualis.purchasing.models import CatalogueItem, ConsolidatedOrder, FrameworkAgreement, Lot, Order, Supplier
from mutualis.purchasing.permissions import can_manage_purchasing, get_abilities
from mutualis.purchasing.selectors import agreements as agreement_selectors
from mutualis.purchasing.selectors import orders as order_selectors
from mutualis.purchasing.selectors.deliveries import delivery_list
from mutualis.purchasing.selectors.invoices import invoice_list
from mutualis.purchasing.services import agreements as agreement_services
from mutualis.purchasing.services import deliveries as delivery_services
from mutualis.purchasing.services import invoices as invoice_services
from mutualis.purchasing.services import orders as order_services

# --- Suppliers, framework agreements, lots and catalogue ------------------------------------------------------


class IsOperatorStaff(permissions.BasePermission):
    """Operator staff only (suppliers, consolidated purchase orders)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_operator_staff(request.user)


class _AgreementsViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create, update (no delete); writes for purchasing officers, objects by get_abilities."""

    permission_classes = [permissions.IsAuthenticated, AbilityPermission]

    def get_object_abilities(self, obj: Any) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_manage_purchasing(request.user):
            raise PermissionDenied(_("Réservé aux acheteurs de la centrale d'achat et aux administrateurs."))
        return super().create(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des fournisseurs"), description=_("Personnel de l'opérateur.")),
    retrieve=extend_schema(summary=_("Un fournisseur")),
    create=extend_schema(summary=_("Enregistrer un fournisseur"), description=_("Acheteurs et administrateurs.")),
    update=extend_schema(summary=_("Modifier un fournisseur")),
    partial_update=extend_schema(summary=_("Modifier un fournisseur (partiel)")),
)
class SupplierViewSet(_AgreementsViewSet):
    """Suppliers holding lots (operator staff)."""

    serializer_class = SupplierSerializer
    permission_classes = [permissions.IsAuthenticated, IsOperatorStaff, AbilityPermission]
    filterset_class = SupplierFilter
    ordering_fields = ["name", "siret"]
    queryset = Supplier.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return agreement_selectors.supplier_list(user=self.request.user).prefetch_related("contacts")


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des accords-cadres"),
        description=_("Personnel de l'opérateur : tous ; adhérents : les accords en vigueur qui leur sont ouverts."),
    ),
    retrieve=extend_schema(summary=_("Un accord-cadre")),
    create=extend_schema(summary=_("Enregistrer un accord-cadre"), description=_("48 mois au plus (CCP L2125-1).")),
    update=extend_schema(summary=_("Modifier un accord-cadre")),
    partial_update=extend_schema(summary=_("Modifier un accord-cadre (partiel)")),
)
class FrameworkAgreementViewSet(_AgreementsViewSet):
    """Framework agreements with their amendments."""

    serializer_class = FrameworkAgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["reference", "notification_date", "start_date"]
    action_abilities = {"activate": "activate", "end": "end"}
    queryset = FrameworkAgreement.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return agreement_selectors.agreement_list(user=self.request.user).prefetch_related("lots", "amendments")

    @extend_schema(summary=_("Mettre en vigueur"), request=None, responses=FrameworkAgreementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        agreement = agreement_services.agreement_activate(agreement=agreement, acting_user=request.user)
        return Response(self.get_serializer(agreement).data)

    @extend_schema(summary=_("Terminer"), request=AgreementEndSerializer, responses=FrameworkAgreementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        serializer = AgreementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = agreement_services.agreement_end(
            agreement=agreement,
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(agreement).data)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des lots")),
    retrieve=extend_schema(summary=_("Un lot")),
    create=extend_schema(summary=_("Ajouter un lot"), description=_("Maximum > 0, minimum ≤ maximum (CCP R2162-4).")),
    update=extend_schema(summary=_("Modifier un lot")),
    partial_update=extend_schema(summary=_("Modifier un lot (partiel)")),
)
class LotViewSet(_AgreementsViewSet):
    """Lots of the agreements the caller may see."""

    serializer_class = LotSerializer
    filterset_class = LotFilter
    ordering_fields = ["number", "max_amount_ht", "consumed_amount_ht"]
    queryset = Lot.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return agreement_selectors.lot_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Catalogue (BPU)")),
    retrieve=extend_schema(summary=_("Un article du catalogue")),
    create=extend_schema(summary=_("Ajouter un article"), description=_("Avec son prix d'attribution.")),
    update=extend_schema(summary=_("Modifier un article")),
    partial_update=extend_schema(summary=_("Modifier un article (partiel)")),
)
class CatalogueItemViewSet(_AgreementsViewSet):
    """Catalogue items with the unit price HT in force today."""

    serializer_class = CatalogueItemSerializer
    filterset_class = ItemFilter
    ordering_fields = ["reference", "label", "current_price_ht"]
    queryset = CatalogueItem.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return agreement_selectors.item_list(user=self.request.user)


# --- Orders and consolidated orders ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Liste des commandes"), description=_("Les commandes des adhérents de l'appelant.")),
    retrieve=extend_schema(summary=_("Une commande")),
    create=extend_schema(
        summary=_("Ouvrir une commande (brouillon)"), request=OrderCreateSerializer, responses={201: OrderSerializer}
    ),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Orders (bons de commande): staff see all, a member's users their members' orders; another's answers 404."""

    serializer_class = OrderSerializer
    permission_classes = [permissions.IsAuthenticated, AbilityPermission]
    action_abilities = {"lines": "update", "transition": "transition"}
    queryset = Order.objects.none()  # for the schema; requests use get_queryset
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "number", "total_ht", "status"]

    def get_queryset(self) -> Any:
        return order_selectors.order_list(user=self.request.user).prefetch_related(
            "lines", "lines__item", "transitions", "transitions__acting_user"
        )

    def get_object_abilities(self, obj: Order) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)

    def _reply(self, order: Order, code: int = status.HTTP_200_OK) -> Response:
        order = self.get_queryset().get(pk=order.pk)
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        references = {k: data.pop(k) for k in ("internal_reference", "ej_number", "service_code") if k in data}
        # One transaction: a draft whose references are refused is not left behind.
        with transaction.atomic():
            order = order_services.order_create(acting_user=request.user, **data)
            if references:
                order = order_services.order_update(order=order, acting_user=request.user, **references)
        return self._reply(order, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Ajouter une ligne"), request=OrderLineAddSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = OrderLineAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        order_services.order_line_add(order=order, acting_user=request.user, **serializer.validated_data)
        return self._reply(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Changer le statut"), request=OrderTransitionRequestSerializer, responses={200: OrderSerializer}
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = OrderTransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order_services.order_transition(order=order, acting_user=request.user, **serializer.validated_data)
        return self._reply(order)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des commandes groupées")),
    retrieve=extend_schema(summary=_("Une commande groupée")),
)
class ConsolidatedOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Consolidated purchase orders sent to suppliers (operator staff)."""

    serializer_class = ConsolidatedOrderSerializer
    permission_classes = [permissions.IsAuthenticated, IsOperatorStaff, AbilityPermission]
    queryset = ConsolidatedOrder.objects.none()  # for the schema; requests use get_queryset
    filterset_class = ConsolidatedOrderFilter

    def get_queryset(self) -> Any:
        return order_selectors.consolidated_order_list(user=self.request.user).prefetch_related("orders")

    def get_object_abilities(self, obj: ConsolidatedOrder) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)


# --- Deliveries and invoices ----------------------------------------------------------------------------------


class _Scoped(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """List, retrieve, create; object access decided by get_abilities."""

    permission_classes = [permissions.IsAuthenticated, AbilityPermission]

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
    filter_backends: list = []

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
    filterset_class = InvoiceFilter
    filter_backends = [DjangoFilterBackend]  # `sort` orders them
    action_abilities = {"suspend": "suspend", "resume": "resume", "pay": "pay"}

    def get_queryset(self) -> Any:
        return invoice_list(user=self.request.user)

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

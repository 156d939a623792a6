"""Orders API: orders scoped by the caller (create a draft, add lines, move through the workflow) and the
consolidated purchase orders (operator staff). Every write goes through the order services."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission, is_operator_staff
from mutualis.members.models import Member, Site
from mutualis.members.selectors import member_list
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import (
    CatalogueItem,
    ConsolidatedOrder,
    Lot,
    Order,
    OrderLine,
    OrderTransition,
    Supplier,
)
from mutualis.purchasing.permissions import get_abilities
from mutualis.purchasing.selectors import orders as selectors
from mutualis.purchasing.services import orders as services


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

    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none())
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all())
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all(), required=False, allow_null=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    internal_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    ej_number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["member"].queryset = member_list(user=user)
        self.fields["site"].queryset = Site.objects.filter(member__in=member_list(user=user), is_active=True)


class OrderLineAddSerializer(serializers.Serializer):
    """An item of the order's lot and a quantity."""

    item = serializers.PrimaryKeyRelatedField(queryset=CatalogueItem.objects.filter(is_active=True))
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
    ordering_fields = ["created_at", "number", "total_ht", "status"]

    def get_queryset(self) -> Any:
        filters = {key: self.request.query_params.get(key) for key in ("status", "number", "ej")}
        return selectors.order_list(user=self.request.user, filters=filters).prefetch_related(
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
            order = services.order_create(acting_user=request.user, **data)
            if references:
                order = services.order_update(order=order, acting_user=request.user, **references)
        return self._reply(order, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Ajouter une ligne"), request=OrderLineAddSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = OrderLineAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_line_add(order=order, acting_user=request.user, **serializer.validated_data)
        return self._reply(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Changer le statut"), request=OrderTransitionRequestSerializer, responses={200: OrderSerializer}
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = OrderTransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_transition(order=order, acting_user=request.user, **serializer.validated_data)
        return self._reply(order)


class IsOperatorStaff(permissions.BasePermission):
    """Consolidated purchase orders are read by operator staff only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_operator_staff(request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des commandes groupées")),
    retrieve=extend_schema(summary=_("Une commande groupée")),
)
class ConsolidatedOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Consolidated purchase orders sent to suppliers (operator staff)."""

    serializer_class = ConsolidatedOrderSerializer
    permission_classes = [permissions.IsAuthenticated, IsOperatorStaff, AbilityPermission]
    queryset = ConsolidatedOrder.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return selectors.consolidated_order_list(user=self.request.user).prefetch_related("orders")

    def get_object_abilities(self, obj: ConsolidatedOrder) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)

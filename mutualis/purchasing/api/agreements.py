"""Agreements API: /api/v1/suppliers/, /framework-agreements/, /lots/, /catalogue-items/ (serializers and viewsets).

Suppliers are for operator staff. Agreements, lots and items are read by operator staff and by the users of
members holding the central purchasing competence (only the active agreements open to their member); purchasing
officers and administrators write. Writes go through the agreements services; their French errors come back as
400 with field errors.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission, is_operator_staff
from mutualis.members.choices import MemberKind
from mutualis.purchasing.choices import ItemCategory
from mutualis.purchasing.models import Amendment, CatalogueItem, FrameworkAgreement, Lot, Supplier, SupplierContact
from mutualis.purchasing.permissions import can_manage_purchasing, get_abilities
from mutualis.purchasing.selectors import agreements as selectors
from mutualis.purchasing.services import agreements as services

# --- Serializers ----------------------------------------------------------------------------------------------


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
        return services.supplier_create(acting_user=request.user, **validated_data)

    def update(self, instance: Supplier, validated_data: dict[str, Any]) -> Supplier:
        request = self.context["request"]
        validated_data.pop("contacts", None)
        return services.supplier_update(supplier=instance, acting_user=request.user, **validated_data)


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
        return services.agreement_create(acting_user=request.user, **validated_data)

    def update(self, instance: FrameworkAgreement, validated_data: dict[str, Any]) -> FrameworkAgreement:
        request = self.context["request"]
        return services.agreement_update(agreement=instance, acting_user=request.user, **validated_data)


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

    agreement = serializers.PrimaryKeyRelatedField(queryset=FrameworkAgreement.objects.all())
    holders = serializers.PrimaryKeyRelatedField(
        queryset=Supplier.objects.all(), many=True, write_only=True, help_text=_("Fournisseurs titulaires, par rang.")
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
        return services.lot_create(agreement=agreement, acting_user=request.user, **validated_data)

    def update(self, instance: Lot, validated_data: dict[str, Any]) -> Lot:
        request = self.context["request"]
        validated_data.pop("agreement", None)
        return services.lot_update(lot=instance, acting_user=request.user, **validated_data)


class CatalogueItemSerializer(serializers.ModelSerializer):
    """An item of a lot's BPU with the unit price HT in force today (`unit_price_ht` sets the award price)."""

    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all())
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
        item = services.item_create(lot=lot, acting_user=request.user, **validated_data)
        return selectors.with_current_price(CatalogueItem.objects.filter(pk=item.pk)).get()

    def update(self, instance: CatalogueItem, validated_data: dict[str, Any]) -> CatalogueItem:
        request = self.context["request"]
        validated_data.pop("lot", None)
        item = services.item_update(item=instance, acting_user=request.user, **validated_data)
        return selectors.with_current_price(CatalogueItem.objects.filter(pk=item.pk)).get()


# --- Viewsets -------------------------------------------------------------------------------------------------


class IsOperatorStaff(permissions.BasePermission):
    """Operator staff only (suppliers)."""

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
    filter_backends = [OrderingFilter]
    ordering_fields = ["name", "siret"]
    queryset = Supplier.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return selectors.supplier_list(user=self.request.user, filters=self.request.query_params).prefetch_related(
            "contacts"
        )

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, description=_("Nom ou SIRET."))])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


AGREEMENT_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description=_("draft, active ou ended.")),
    OpenApiParameter("cpv", OpenApiTypes.STR, description=_("Début du code CPV.")),
    OpenApiParameter("q", OpenApiTypes.STR, description=_("Mot-clé (référence, objet, lot, titulaire).")),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des accords-cadres"),
        description=_("Personnel de l'opérateur : tous ; adhérents : les accords en vigueur qui leur sont ouverts."),
        parameters=AGREEMENT_PARAMETERS,
    ),
    retrieve=extend_schema(summary=_("Un accord-cadre")),
    create=extend_schema(summary=_("Enregistrer un accord-cadre"), description=_("48 mois au plus (CCP L2125-1).")),
    update=extend_schema(summary=_("Modifier un accord-cadre")),
    partial_update=extend_schema(summary=_("Modifier un accord-cadre (partiel)")),
)
class FrameworkAgreementViewSet(_AgreementsViewSet):
    """Framework agreements with their amendments."""

    serializer_class = FrameworkAgreementSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["reference", "notification_date", "start_date"]
    action_abilities = {"activate": "activate", "end": "end"}
    queryset = FrameworkAgreement.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return selectors.agreement_list(user=self.request.user, filters=self.request.query_params).prefetch_related(
            "lots", "amendments"
        )

    @extend_schema(summary=_("Mettre en vigueur"), request=None, responses=FrameworkAgreementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        agreement = services.agreement_activate(agreement=agreement, acting_user=request.user)
        return Response(self.get_serializer(agreement).data)

    @extend_schema(summary=_("Terminer"), request=AgreementEndSerializer, responses=FrameworkAgreementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        serializer = AgreementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = services.agreement_end(
            agreement=agreement,
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(agreement).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des lots"),
        parameters=[OpenApiParameter("agreement", OpenApiTypes.INT, description=_("Identifiant de l'accord-cadre."))],
    ),
    retrieve=extend_schema(summary=_("Un lot")),
    create=extend_schema(summary=_("Ajouter un lot"), description=_("Maximum > 0, minimum ≤ maximum (CCP R2162-4).")),
    update=extend_schema(summary=_("Modifier un lot")),
    partial_update=extend_schema(summary=_("Modifier un lot (partiel)")),
)
class LotViewSet(_AgreementsViewSet):
    """Lots of the agreements the caller may see."""

    serializer_class = LotSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["number", "max_amount_ht", "consumed_amount_ht"]
    queryset = Lot.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return selectors.lot_list(user=self.request.user, filters=self.request.query_params)


ITEM_PARAMETERS = [
    OpenApiParameter("agreement", OpenApiTypes.INT, description=_("Identifiant de l'accord-cadre.")),
    OpenApiParameter("lot", OpenApiTypes.INT, description=_("Identifiant du lot.")),
    OpenApiParameter("category", OpenApiTypes.STR, enum=ItemCategory.values, description=_("Catégorie.")),
    OpenApiParameter("min_price", OpenApiTypes.DECIMAL, description=_("Prix unitaire HT en vigueur minimum.")),
    OpenApiParameter("max_price", OpenApiTypes.DECIMAL, description=_("Prix unitaire HT en vigueur maximum.")),
    OpenApiParameter("q", OpenApiTypes.STR, description=_("Mot-clé (référence, désignation, description).")),
]


@extend_schema_view(
    list=extend_schema(summary=_("Catalogue (BPU)"), parameters=ITEM_PARAMETERS),
    retrieve=extend_schema(summary=_("Un article du catalogue")),
    create=extend_schema(summary=_("Ajouter un article"), description=_("Avec son prix d'attribution.")),
    update=extend_schema(summary=_("Modifier un article")),
    partial_update=extend_schema(summary=_("Modifier un article (partiel)")),
)
class CatalogueItemViewSet(_AgreementsViewSet):
    """Catalogue items with the unit price HT in force today."""

    serializer_class = CatalogueItemSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["reference", "label", "current_price_ht"]
    queryset = CatalogueItem.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        return selectors.item_list(user=self.request.user, filters=self.request.query_params)

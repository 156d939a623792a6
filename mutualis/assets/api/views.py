"""Assets API: the fleet scoped by the caller, with status changes."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.assets import selectors, services
from mutualis.assets.api.serializers import AssetEventSerializer, AssetSerializer, AssetTransitionSerializer
from mutualis.assets.choices import AssetKind
from mutualis.assets.permissions import get_abilities
from mutualis.core.permissions import AbilityPermission

FILTER_PARAMS = [
    OpenApiParameter("q", str, description=_("N° de série, désignation, fabricant ou référence")),
    OpenApiParameter("member", int),
    OpenApiParameter("site", int),
    OpenApiParameter("status", str),
    OpenApiParameter("kind", str, enum=AssetKind.values, description=_("Nature de l'équipement")),
    OpenApiParameter("warranty", str, description=_("« expired » ou un nombre de jours")),
]


@extend_schema_view(
    list=extend_schema(summary=_("Liste des équipements"), parameters=FILTER_PARAMS),
    retrieve=extend_schema(summary=_("Un équipement")),
)
class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assets of the members the caller may see."""

    serializer_class = AssetSerializer
    permission_classes = [IsAuthenticated, AbilityPermission]
    action_abilities = {"transition": "transition", "events": "view"}
    filter_backends: list = []

    def get_queryset(self) -> Any:
        return selectors.asset_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object_abilities(self, obj: Any) -> dict[str, Any]:
        return get_abilities(self.request.user, obj)

    @extend_schema(summary=_("Changer le statut d'un équipement"), request=AssetTransitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        serializer = AssetTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = services.asset_transition(asset=asset, acting_user=request.user, **serializer.validated_data)
        return Response(AssetSerializer(asset).data)

    @extend_schema(summary=_("Historique d'un équipement"), responses=AssetEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        return Response(AssetEventSerializer(selectors.asset_event_list(asset=asset), many=True).data)

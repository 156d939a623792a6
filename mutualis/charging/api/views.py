"""Charging API: stations, charge points, sessions and badges read as scoped to the caller (a member's users see
their members' only); network officers and administrators write and send commands to the charge points."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.charging.api import serializers
from mutualis.charging.filters import IdTagFilterSet, SessionFilterSet, StationFilterSet
from mutualis.charging.permissions import can_manage_charging, get_abilities
from mutualis.charging.selectors import commands as command_selectors
from mutualis.charging.selectors import registry as selectors
from mutualis.charging.selectors import sessions as session_selectors
from mutualis.charging.services import commands as command_services
from mutualis.charging.services import registry, tags
from mutualis.core.permissions import AbilityPermission


class _Scoped:
    permission_classes = [IsAuthenticated, AbilityPermission]

    def get_object_abilities(self, obj: Any) -> dict[str, Any]:
        return get_abilities(self.request.user, obj)  # type: ignore[attr-defined]

    def check_manager(self) -> None:
        if not can_manage_charging(self.request.user):  # type: ignore[attr-defined]
            self.permission_denied(self.request, message=_("Seuls les chargés des réseaux gèrent les bornes."))  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(summary=_("Stations de recharge"), description=_("Les stations visibles par l'appelant.")),
    retrieve=extend_schema(summary=_("Une station")),
    create=extend_schema(summary=_("Enregistrer une station"), description=_("Chargés des réseaux.")),
    partial_update=extend_schema(summary=_("Modifier une station")),
)
class StationViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Stations."""

    serializer_class = serializers.StationSerializer
    filterset_class = StationFilterSet
    ordering_fields = ["name", "id_station_itinerance", "commissioned_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return selectors.station_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        self.check_manager()
        data = dict(serializer.validated_data)
        serializer.instance = registry.station_create(acting_user=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = registry.station_update(
            station=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Points de recharge"), description=_("Avec leur état en direct et leurs connecteurs.")
    ),
    retrieve=extend_schema(summary=_("Un point de recharge")),
    create=extend_schema(summary=_("Enregistrer un point de recharge"), description=_("Chargés des réseaux.")),
    partial_update=extend_schema(summary=_("Modifier un point de recharge")),
)
class ChargePointViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Charge points and their commands."""

    ordering_fields = ["id_pdc_itinerance", "ocpp_identity", "last_seen_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_abilities = {"commands": "command"}

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return serializers.ChargePointUpdateSerializer
        if self.action == "commands":
            return serializers.CommandRequestSerializer
        return serializers.ChargePointSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.charge_point_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        self.check_manager()
        data = dict(serializer.validated_data)
        station = data.pop("station")
        serializer.instance = registry.charge_point_create(station=station, acting_user=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = registry.charge_point_update(
            charge_point=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary=_("Envoyer une commande au point"),
        description=_(
            "Action OCPP 1.6J (RemoteStartTransaction, Reset, ChangeAvailability…) et ses paramètres, vérifiés par "
            "le schéma OCPP ; 201 avec la commande, dont le résultat arrive dans GET /charging/commands/<id>/."
        ),
        request=serializers.CommandRequestSerializer,
        responses={201: serializers.CommandSerializer},
    )
    @action(detail=True, methods=["post"])
    def commands(self, request: Request, pk: Any = None) -> Response:
        cp = self.get_object()
        incoming = serializers.CommandRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["action"] == "SendLocalList" and not data["payload"]:
            command = tags.local_list_push(charge_point=cp, acting_user=request.user)
        else:
            command = command_services.request_command(
                charge_point=cp, action=data["action"], payload=data["payload"], acting_user=request.user
            )
        return Response(serializers.CommandSerializer(command).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("Commandes"), description=_("Les commandes envoyées aux points et leur résultat.")),
    retrieve=extend_schema(summary=_("Une commande et son résultat")),
)
class CommandViewSet(_Scoped, viewsets.ReadOnlyModelViewSet):
    """Commands and their results (read)."""

    serializer_class = serializers.CommandSerializer
    ordering_fields = ["created_at", "answered_at"]

    def get_queryset(self) -> QuerySet:
        return command_selectors.command_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Sessions de charge"), description=_("Filtrables par station, commune, état…")),
    retrieve=extend_schema(summary=_("Une session de charge")),
)
class SessionViewSet(_Scoped, viewsets.ReadOnlyModelViewSet):
    """Charging sessions (read)."""

    serializer_class = serializers.SessionSerializer
    filterset_class = SessionFilterSet
    ordering_fields = ["started_at", "stopped_at"]

    def get_queryset(self) -> QuerySet:
        return session_selectors.session_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Badges"), description=_("Les badges RFID visibles par l'appelant.")),
    retrieve=extend_schema(summary=_("Un badge")),
    create=extend_schema(summary=_("Créer un badge"), description=_("Chargés des réseaux.")),
    partial_update=extend_schema(summary=_("Modifier un badge")),
)
class IdTagViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Badges."""

    filterset_class = IdTagFilterSet
    ordering_fields = ["id_tag", "expires_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return serializers.IdTagUpdateSerializer
        return serializers.IdTagSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.id_tag_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        self.check_manager()
        serializer.instance = tags.id_tag_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = tags.id_tag_update(
            tag=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )

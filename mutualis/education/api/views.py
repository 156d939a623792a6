"""Education API: the établissements, read by members in scope, written by education officers."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from mutualis.core.permissions import AbilityPermission
from mutualis.education.api.serializers import EstablishmentSerializer
from mutualis.education.choices import EstablishmentKind, Sector
from mutualis.education.models import Establishment
from mutualis.education.permissions import can_manage_education, get_abilities
from mutualis.education.selectors import establishments as selectors
from mutualis.education.services import establishments as services

FILTER_PARAMS = [
    OpenApiParameter("q", str, description=_("Nom, UAI ou commune")),
    OpenApiParameter("kind", str, enum=EstablishmentKind.values, description=_("Nature")),
    OpenApiParameter("sector", str, enum=Sector.values, description=_("Secteur")),
    OpenApiParameter("departement", str, description=_("Code du département")),
    OpenApiParameter("member", int, description=_("Adhérent propriétaire")),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("Établissements scolaires"),
        description=_(
            "Les écoles et collèges visibles par l'appelant : tous pour l'opérateur, ceux de son département ou de "
            "sa commune pour un adhérent, le sien pour un référent."
        ),
        parameters=FILTER_PARAMS,
    ),
    retrieve=extend_schema(summary=_("Un établissement scolaire")),
    create=extend_schema(summary=_("Enregistrer un établissement (chargés du numérique éducatif)")),
    update=extend_schema(summary=_("Modifier un établissement (chargés du numérique éducatif)")),
    partial_update=extend_schema(summary=_("Modifier en partie un établissement (chargés du numérique éducatif)")),
)
class EstablishmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Établissements the caller may read; education officers create and change them."""

    serializer_class = EstablishmentSerializer
    permission_classes = [IsAuthenticated, AbilityPermission]
    queryset = Establishment.objects.none()  # for the schema; requests use get_queryset
    filter_backends: list = []

    def get_queryset(self) -> Any:
        return selectors.establishment_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object_abilities(self, obj: Any) -> dict[str, Any]:
        return get_abilities(self.request.user, obj)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused before the body is read: a member's user learns nothing from validation errors.
        if not can_manage_education(request.user):
            raise PermissionDenied(_("Réservé aux chargés du numérique éducatif et aux administrateurs."))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.establishment_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.establishment_update(
            establishment=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )

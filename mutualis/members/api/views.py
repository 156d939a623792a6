"""Members API: members (with the adhésion workflow and competences) and sites, scoped by the caller."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission
from mutualis.members import selectors, services
from mutualis.members.api.serializers import (
    CompetenceTransferSerializer,
    MemberSerializer,
    MemberTransitionSerializer,
    SiteDeactivateSerializer,
    SiteSerializer,
)
from mutualis.members.filters import MemberFilter, SiteFilter
from mutualis.members.permissions import can_create_member, get_abilities
from mutualis.members.services.sites import site_reactivate


class _ScopedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create, update (no delete); object access decided by get_abilities."""

    permission_classes = [IsAuthenticated, AbilityPermission]

    def get_object_abilities(self, obj: Any) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des adhérents"), description=_("Les adhérents visibles par l'appelant.")),
    retrieve=extend_schema(summary=_("Un adhérent")),
    create=extend_schema(summary=_("Enregistrer un adhérent"), description=_("Administrateurs de l'opérateur.")),
    update=extend_schema(summary=_("Modifier un adhérent"), description=_("Administrateurs de l'opérateur.")),
    partial_update=extend_schema(summary=_("Modifier un adhérent (partiel)")),
)
class MemberViewSet(_ScopedViewSet):
    """Members (adhérents): staff see all of them, a member's users only their own."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["name", "siren", "created_at", "status"]
    action_abilities = {"transition": "transition", "competences": "view"}

    def get_queryset(self) -> Any:
        return selectors.member_list(user=self.request.user).prefetch_related("competences")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_create_member(request.user):
            raise PermissionDenied(_("Seuls les administrateurs de l'opérateur enregistrent un adhérent."))
        return super().create(request, *args, **kwargs)

    @extend_schema(
        summary=_("Faire avancer l'adhésion"),
        description=_(
            "requested → approved (référence et date de délibération) → active → withdrawn (motif) ; "
            "requested → rejected (motif). Administrateurs de l'opérateur."
        ),
        request=MemberTransitionSerializer,
        responses=MemberSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        serializer = MemberTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_transition(member=member, acting_user=request.user, **serializer.validated_data)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("Compétences transférées par un adhérent"),
        responses=CompetenceTransferSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def competences(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        transfers = selectors.competence_list(user=request.user, member=member)
        return Response(CompetenceTransferSerializer(transfers, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("Liste des sites"), description=_("Les sites des adhérents visibles par l'appelant.")),
    retrieve=extend_schema(summary=_("Un site")),
    create=extend_schema(summary=_("Ajouter un site"), description=_("Agents et gestionnaires de l'adhérent.")),
    update=extend_schema(summary=_("Modifier un site")),
    partial_update=extend_schema(summary=_("Modifier un site (partiel)")),
)
class SiteViewSet(_ScopedViewSet):
    """Sites of the members the caller may see."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    ordering_fields = ["name", "created_at"]
    action_abilities = {"deactivate": "deactivate", "reactivate": "reactivate"}

    def get_queryset(self) -> Any:
        return selectors.site_list(user=self.request.user)

    def perform_create(self, serializer: SiteSerializer) -> None:
        member = serializer.validated_data["member"]
        if not get_abilities(self.request.user, member)["create_site"]:
            raise PermissionDenied(_("Vous ne pouvez pas ajouter de site à cet adhérent."))
        serializer.save()

    @extend_schema(summary=_("Mettre un site hors service"), request=SiteDeactivateSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_in_service(request, services.site_deactivate)

    @extend_schema(
        summary=_("Remettre un site en service"),
        description=_("Gestionnaires de l'adhérent et administrateurs ; pas pour un adhérent retiré ou refusé."),
        request=SiteDeactivateSerializer,
        responses=SiteSerializer,
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_in_service(request, site_reactivate)

    def _set_in_service(self, request: Request, service: Any) -> Response:
        """Run site_deactivate or site_reactivate on the site with the request's reason; answer the site."""
        site = self.get_object()
        serializer = SiteDeactivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = service(site=site, acting_user=request.user, **serializer.validated_data)
        return Response(SiteSerializer(site, context=self.get_serializer_context()).data)

"""Read-only, public API of the reference geography (anonymous access, throttled like the rest of the API)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from mutualis.territory import selectors
from mutualis.territory.api import serializers
from mutualis.territory.filters import CommuneFilterSet, IntercommunalityFilterSet
from mutualis.territory.models import Commune, Departement, Intercommunality


class _PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    """Reference data is public: anyone may read it."""

    permission_classes = [AllowAny]
    detail_serializer_class: type | None = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des départements"),
        description=_("Les départements du territoire (Yvelines, Hauts-de-Seine), sans leur contour."),
    ),
    retrieve=extend_schema(
        summary=_("Un département"),
        description=_("Un département par son code INSEE, avec son contour GeoJSON."),
    ),
)
class DepartementViewSet(_PublicReadOnly):
    """Départements, by INSEE code."""

    serializer_class = serializers.DepartementSerializer
    detail_serializer_class = serializers.DepartementDetailSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9AB]{2,3}"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.departement_list()

    def get_object(self) -> Departement:
        try:
            return selectors.departement_get(code=self.kwargs["code"])
        except Departement.DoesNotExist as exc:
            raise Http404 from exc


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des communes"),
        description=_(
            "Les communes actuelles des Yvelines et des Hauts-de-Seine (code officiel géographique), sans contour, "
            "filtrables par département, EPCI/EPT, nature d'intercommunalité, code postal et recherche libre."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Une commune"),
        description=_("Une commune par son code INSEE, avec son centroïde et son contour GeoJSON."),
    ),
)
class CommuneViewSet(_PublicReadOnly):
    """Communes, by INSEE code."""

    serializer_class = serializers.CommuneSerializer
    detail_serializer_class = serializers.CommuneDetailSerializer
    lookup_field = "insee_code"
    lookup_value_regex = "[0-9AB]{5}"
    filterset_class = CommuneFilterSet
    ordering_fields = ["name", "insee_code", "population"]

    def get_queryset(self):
        return selectors.commune_list()

    def get_object(self) -> Commune:
        try:
            return selectors.commune_get(insee_code=self.kwargs["insee_code"])
        except Commune.DoesNotExist as exc:
            raise Http404 from exc


@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des EPCI et EPT"),
        description=_(
            "Les EPCI à fiscalité propre et établissements publics territoriaux ayant des communes membres dans le "
            "territoire, filtrables par département et nature juridique."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Un EPCI ou EPT"),
        description=_("Un EPCI ou EPT par son SIREN, avec les codes INSEE de ses communes membres du territoire."),
    ),
)
class IntercommunalityViewSet(_PublicReadOnly):
    """EPCI and EPT, by SIREN."""

    serializer_class = serializers.IntercommunalitySerializer
    detail_serializer_class = serializers.IntercommunalityDetailSerializer
    lookup_field = "siren"
    lookup_value_regex = "[0-9]{9}"
    filterset_class = IntercommunalityFilterSet
    ordering_fields = ["name", "siren", "population"]

    def get_queryset(self):
        return selectors.intercommunality_list()

    def get_object(self) -> Intercommunality:
        try:
            return selectors.intercommunality_get(siren=self.kwargs["siren"])
        except Intercommunality.DoesNotExist as exc:
            raise Http404 from exc

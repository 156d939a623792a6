"""Fibre API (read-only): plans and per-commune progress are public, PM zones are scoped by the caller."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mutualis.core.permissions import AbilityPermission
from mutualis.fibre.api import serializers
from mutualis.fibre.filters import PlanFilterSet, PMZoneFilterSet
from mutualis.fibre.models import YearlyTarget
from mutualis.fibre.permissions import get_abilities
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress

INSEE_REGEX = "[0-9AB]{5}"


class _PublicByCommune:
    """Public, read by commune INSEE code, filtered like the plans' pages."""

    permission_classes = [AllowAny]
    filterset_class = PlanFilterSet
    lookup_field = "commune__insee_code"
    lookup_url_kwarg = "insee_code"
    lookup_value_regex = INSEE_REGEX
    ordering_fields = ["commune__name", "commune__insee_code", "premises_planned"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Plans de déploiement"),
        description=_("Les communes du plan de déploiement FTTH : locaux à desservir et objectifs annuels."),
    ),
    retrieve=extend_schema(summary=_("Le plan d'une commune"), description=_("Par code INSEE de la commune.")),
)
class PlanViewSet(_PublicByCommune, viewsets.ReadOnlyModelViewSet):
    """Deployment plans, by commune INSEE code (public)."""

    serializer_class = serializers.PlanSerializer

    def get_queryset(self) -> QuerySet:
        targets = Prefetch("targets", queryset=YearlyTarget.objects.order_by("year"))
        return selectors.plan_list().prefetch_related(targets)


@extend_schema_view(
    list=extend_schema(
        summary=_("Zones PM"),
        description=_(
            "Les zones PM visibles par l'appelant (toutes pour l'opérateur, celles de ses communes pour un "
            "adhérent), filtrables par commune, département, EPCI, état et retard."
        ),
    ),
    retrieve=extend_schema(summary=_("Une zone PM")),
)
class PMZoneViewSet(viewsets.ReadOnlyModelViewSet):
    """PM zones the caller may read."""

    permission_classes = [IsAuthenticated, AbilityPermission]
    serializer_class = serializers.PMZoneSerializer
    filterset_class = PMZoneFilterSet
    ordering_fields = ["reference", "planned_on", "commissioned_on", "premises_planned"]

    def get_queryset(self) -> QuerySet:
        return selectors.pm_zone_list(user=self.request.user)

    def get_object_abilities(self, obj: Any) -> dict[str, Any]:
        return get_abilities(self.request.user, obj)


def _row(row: dict[str, Any]) -> dict[str, Any]:
    commune = row["commune"]
    return {
        "commune": commune.insee_code,
        "commune_name": commune.name,
        "departement": commune.departement.code,
        "epci": commune.epci.siren if commune.epci else None,
    } | row["progress"].as_dict()


@extend_schema_view(
    list=extend_schema(
        summary=_("Avancement par commune"),
        description=_(
            "Locaux à desservir, raccordables et raccordés, zones PM en service et en retard, par commune du plan, "
            "à la date du jour. Un local est raccordable quand son adresse est déployée et son PM en service."
        ),
        responses=serializers.CommuneProgressSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary=_("Avancement d'une commune"),
        description=_("Les chiffres d'une commune et leur évolution par trimestre face à l'objectif du plan."),
        responses=serializers.CommuneProgressDetailSerializer,
    ),
)
class CommuneProgressViewSet(
    _PublicByCommune, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Per-commune progress (public aggregates), by commune INSEE code."""

    serializer_class = serializers.CommuneProgressSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.plan_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plans = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(plans)
        rows = [_row(row) for row in progress.progress_rows(plans=page if page is not None else plans)]
        data = serializers.CommuneProgressSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        row = _row(progress.progress_rows(plans=[plan])[0])
        row["quarters"] = progress.quarterly_series(communes=[plan.commune_id])
        return Response(serializers.CommuneProgressDetailSerializer(row).data)

"""Serializers of the fibre API: plans with their yearly targets, PM zones, per-commune progress."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from mutualis.fibre.choices import PMZoneState
from mutualis.fibre.models import DeploymentPlan, PMZone, YearlyTarget


class YearlyTargetSerializer(serializers.ModelSerializer):
    """One year's target of a plan."""

    class Meta:
        model = YearlyTarget
        fields = ["year", "premises"]
        extra_kwargs = {"premises": {"help_text": _("Locaux rendus raccordables dans l'année.")}}


class _CommuneFields(serializers.Serializer):
    """The commune of a plan or PM zone, by its codes."""

    commune = serializers.CharField(source="commune.insee_code", read_only=True, help_text=_("Code INSEE."))
    commune_name = serializers.CharField(source="commune.name", read_only=True, help_text=_("Nom de la commune."))


@extend_schema_serializer(description=_("Le plan de déploiement d'une commune : locaux à desservir, objectifs."))
class PlanSerializer(_CommuneFields, serializers.ModelSerializer):
    """A commune's deployment plan with its yearly targets."""

    completion_year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Dernière année d'objectif (achèvement prévu).")
    )
    targets = YearlyTargetSerializer(many=True, read_only=True)

    class Meta:
        model = DeploymentPlan
        fields = ["commune", "commune_name", "premises_planned", "contractor", "completion_year", "targets"]
        extra_kwargs = {
            "premises_planned": {"help_text": _("Logements et locaux professionnels à rendre raccordables.")},
            "contractor": {"help_text": _("Titulaire du marché de déploiement.")},
        }


@extend_schema_serializer(description=_("Une zone PM (point de mutualisation) et sa mise en service."))
class PMZoneSerializer(_CommuneFields, serializers.ModelSerializer):
    """A PM zone: state, premises, planned and actual commissioning, lateness."""

    pm_state = serializers.ChoiceField(
        source="state", choices=PMZoneState.choices, read_only=True, help_text=_("État de la zone PM.")
    )
    days_late = serializers.SerializerMethodField(
        help_text=_("Jours de retard sur la mise en service prévue (0 si la zone n'est pas en retard).")
    )

    class Meta:
        model = PMZone
        fields = [
            "id",
            "reference",
            "commune",
            "commune_name",
            "pm_state",
            "premises_planned",
            "planned_on",
            "commissioned_on",
            "days_late",
        ]

    def get_days_late(self, obj: PMZone) -> int:
        return obj.days_late(timezone.localdate())


class QuarterSerializer(serializers.Serializer):
    """Target, connectable and connected premises, cumulated at the end of a quarter."""

    label = serializers.CharField(help_text=_("« T2 2026 »."))
    end = serializers.DateField(help_text=_("Dernier jour du trimestre."))
    target = serializers.IntegerField(help_text=_("Objectif cumulé du plan."))
    connectable = serializers.IntegerField(allow_null=True, help_text=_("Locaux raccordables (null : à venir)."))
    connected = serializers.IntegerField(allow_null=True, help_text=_("Locaux raccordés (null : à venir)."))


@extend_schema_serializer(description=_("L'avancement du déploiement dans une commune, à la date du jour."))
class CommuneProgressSerializer(serializers.Serializer):
    """A commune's figures (see selectors.progress for the definitions)."""

    commune = serializers.CharField(help_text=_("Code INSEE."))
    commune_name = serializers.CharField()
    departement = serializers.CharField(help_text=_("Code du département."))
    epci = serializers.CharField(allow_null=True, help_text=_("SIREN de l'EPCI."))
    premises_to_serve = serializers.IntegerField(help_text=_("Locaux à desservir."))
    premises_counted = serializers.IntegerField(help_text=_("Locaux recensés dans la base d'adresses."))
    connectable = serializers.IntegerField(help_text=_("Locaux raccordables."))
    connected = serializers.IntegerField(help_text=_("Locaux raccordés (abonnement signalé)."))
    connectable_rate = serializers.FloatField(allow_null=True, help_text=_("Part des locaux raccordables (%)."))
    take_up_rate = serializers.FloatField(allow_null=True, help_text=_("Part des raccordables raccordés (%)."))
    pm_zones = serializers.IntegerField(help_text=_("Zones PM (hors abandonnées)."))
    pm_zones_commissioned = serializers.IntegerField(help_text=_("Zones PM en service."))
    pm_zones_late = serializers.IntegerField(help_text=_("Zones PM en retard."))
    completion_year = serializers.IntegerField(allow_null=True, help_text=_("Achèvement prévu."))


class CommuneProgressDetailSerializer(CommuneProgressSerializer):
    """A commune's figures and its quarterly series against the plan."""

    quarters = QuarterSerializer(many=True)

"""Filters shared by the fibre pages and the API (django-filter validates the query, the selectors filter)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.fibre.choices import AddressState, ImportLayout, ImportStatus, PMZoneState
from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone
from mutualis.fibre.selectors.plans import plan_filter
from mutualis.fibre.selectors.progress import OPEN_PM_STATES
from mutualis.territory.models import Departement, Intercommunality


def _departements(request: Any = None) -> QuerySet[Departement]:
    return Departement.objects.defer("contour").order_by("code")


def _intercommunalities(request: Any = None) -> QuerySet[Intercommunality]:
    return Intercommunality.objects.filter(epci_communes__fibre_plan__isnull=False).distinct().order_by("name")


class _PlaceFilterSet(django_filters.FilterSet):
    """q (commune name or INSEE code), département and EPCI/EPT of the commune."""

    q = django_filters.CharFilter(
        label=_("Commune"), help_text=_("Nom ou code INSEE (début)."), max_length=100, method="by_place"
    )
    departement = django_filters.ModelChoiceFilter(
        queryset=_departements,
        to_field_name="code",
        label=_("Département"),
        empty_label=_("Tous les départements"),
        method="by_place",
    )
    intercommunality = django_filters.ModelChoiceFilter(
        queryset=_intercommunalities,
        to_field_name="siren",
        label=_("EPCI"),
        help_text=_("Intercommunalité, par son SIREN dans l'API."),
        empty_label=_("Tous les EPCI"),
        method="by_place",
    )
    place_prefix = "commune__"

    def by_place(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # One implementation of the rules (selectors.plans.plan_filter) for pages, API and other apps alike.
        return plan_filter(queryset, {name: value}, prefix=self.place_prefix)


class PlanFilterSet(_PlaceFilterSet):
    """Plans (and their progress) by commune, département, EPCI."""

    class Meta:
        model = DeploymentPlan
        fields: list[str] = []


class PMZoneFilterSet(_PlaceFilterSet):
    """PM zones by commune, département, EPCI, state, lateness; q also matches the PM reference."""

    q = django_filters.CharFilter(
        label=_("Recherche"),
        help_text=_("Référence du PM, nom ou code INSEE de la commune."),
        max_length=100,
        method="search",
    )
    state = django_filters.ChoiceFilter(choices=PMZoneState.choices, label=_("État"), empty_label=_("Tous les états"))
    late = django_filters.BooleanFilter(
        label=_("En retard"),
        help_text=_("Mise en service prévue dépassée, PM ni mis en service ni abandonné."),
        method="by_lateness",
    )

    class Meta:
        model = PMZone
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return plan_filter(queryset, {"q": value}) | queryset.filter(reference__icontains=value)

    def by_lateness(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Q(state__in=OPEN_PM_STATES, planned_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class AddressFilterSet(_PlaceFilterSet):
    """Addresses by commune, département, EPCI, state, PM zone; q matches identifier, hexaclé, BAN id, label."""

    q = django_filters.CharFilter(
        label=_("Recherche"),
        help_text=_("Identifiant, hexaclé, identifiant BAN ou adresse."),
        max_length=100,
        method="search",
    )
    commune = django_filters.CharFilter(label=_("Commune (code INSEE)"), field_name="commune__insee_code", max_length=5)
    state = django_filters.ChoiceFilter(choices=AddressState.choices, label=_("État"), empty_label=_("Tous les états"))
    pm_zone = django_filters.CharFilter(label=_("Zone PM (référence)"), field_name="pm_zone__reference", max_length=100)

    class Meta:
        model = Address
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__istartswith=value) | Q(hexacle=value) | Q(ban_id__istartswith=value) | Q(label__icontains=value)
        )


class ImportFilterSet(django_filters.FilterSet):
    """The import history by layout and status."""

    layout = django_filters.ChoiceFilter(choices=ImportLayout.choices, label=_("Format"), empty_label=_("Tous"))
    status = django_filters.ChoiceFilter(choices=ImportStatus.choices, label=_("État"), empty_label=_("Tous"))

    class Meta:
        model = FibreImport
        fields: list[str] = []

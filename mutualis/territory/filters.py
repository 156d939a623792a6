"""Filters shared by the territory pages and the API (django-filter validates, the selectors filter)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french
from mutualis.territory import selectors
from mutualis.territory.choices import IntercommunalityKind
from mutualis.territory.models import Commune, Departement, Intercommunality


def _departements(request=None) -> QuerySet[Departement]:
    return Departement.objects.defer("contour")


class CommuneFilterSet(django_filters.FilterSet):
    """Search and filters of the commune list: q, département, EPCI/EPT, kind of intercommunality, postal code."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        help_text=_("Nom de la commune, code INSEE ou code postal (début)."),
        max_length=100,
    )
    departement = django_filters.ModelChoiceFilter(
        field_name="departement",
        to_field_name="code",
        queryset=_departements,
        label=_("Département"),
        help_text=_("Département de la commune, par son code INSEE (78 ou 92)."),
        empty_label=_("Tous les départements"),
    )
    intercommunality = django_filters.ModelChoiceFilter(
        field_name="epci",
        to_field_name="siren",
        queryset=Intercommunality.objects.order_by(french("name"), "pk"),
        label=_("EPCI / EPT"),
        help_text=_("EPCI ou EPT dont la commune est membre, par son SIREN."),
        empty_label=_("Tous les EPCI et EPT"),
    )
    kind = django_filters.ChoiceFilter(
        choices=IntercommunalityKind.choices,
        label=_("Nature de l'intercommunalité"),
        help_text=_("Communes membres d'un EPCI ou d'un EPT de cette nature juridique."),
        empty_label=_("Toutes les natures"),
    )
    postal_code = django_filters.CharFilter(
        label=_("Code postal"), help_text=_("Code postal exact, par exemple 78000."), max_length=5
    )

    class Meta:
        model = Commune
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Commune]) -> QuerySet[Commune]:
        # One implementation of the rules, in the selectors, for pages, API and other apps alike.
        return selectors.commune_filter(queryset, self.form.cleaned_data)


class IntercommunalityFilterSet(django_filters.FilterSet):
    """Filters of the EPCI/EPT list: département (having member communes there), kind, q."""

    departement = django_filters.ModelChoiceFilter(
        field_name="epci_communes__departement",
        to_field_name="code",
        queryset=_departements,
        label=_("Département"),
        help_text=_("Code INSEE d'un département où l'EPCI ou l'EPT a des communes membres (78 ou 92)."),
        empty_label=_("Tous les départements"),
    )
    kind = django_filters.ChoiceFilter(
        field_name="kind",
        choices=IntercommunalityKind.choices,
        label=_("Nature juridique"),
        help_text=_("CC, CA, CU, METRO (métropole) ou EPT."),
        empty_label=_("Toutes les natures"),
    )
    q = django_filters.CharFilter(label=_("Rechercher"), help_text=_("Nom ou SIREN."), max_length=100)

    class Meta:
        model = Intercommunality
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Intercommunality]) -> QuerySet[Intercommunality]:
        return selectors.intercommunality_filter(queryset, self.form.cleaned_data)

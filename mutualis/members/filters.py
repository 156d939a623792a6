"""Filters of the member and site lists, shared by the back-office pages and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.core.filters import IdFilter
from mutualis.members.choices import Competence, MemberKind, MemberStatus, SiteKind
from mutualis.members.models import CompetenceTransfer, Member, Site
from mutualis.territory.models import Commune, Departement
from mutualis.territory.search import normalize_name


def _communes_matching(value: str) -> QuerySet[Commune]:
    """Communes whose INSEE code or (unaccented) name matches the text."""
    return Commune.objects.filter(
        Q(insee_code=value) | Q(search_name__contains=normalize_name(value)) | Q(name__icontains=value)
    )


class MemberFilter(django_filters.FilterSet):
    """Search by name, SIREN/SIRET or commune; filter by département, kind, competence held today, status."""

    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("Nom, SIREN ou commune (nom ou code INSEE)")
    )
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"),
        queryset=Departement.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Tous"),
    )
    kind = django_filters.ChoiceFilter(label=_("Nature"), choices=MemberKind.choices, empty_label=_("Toutes"))
    competence = django_filters.ChoiceFilter(
        label=_("Compétence transférée"),
        choices=Competence.choices,
        method="holding_competence",
        empty_label=_("Toutes"),
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=MemberStatus.choices, empty_label=_("Tous"))

    class Meta:
        model = Member
        fields = ["q", "departement", "kind", "competence", "status"]

    def search(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        value = value.strip()
        if not value:
            return queryset
        compact = value.replace(" ", "")
        condition = Q(name__icontains=value) | Q(
            id__in=Member.communes.through.objects.filter(commune__in=_communes_matching(value)).values("member_id")
        )
        if compact.isdigit():
            condition |= Q(siren__startswith=compact) | Q(siret__startswith=compact)
        return queryset.filter(condition)

    def holding_competence(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        """Members holding the competence today (a transfer in force)."""
        holders = CompetenceTransfer.objects.filter(competence=value).active_on(timezone.localdate())
        return queryset.filter(id__in=holders.values("member_id"))


class SiteFilter(django_filters.FilterSet):
    """Filter sites by member, commune (INSEE code), kind and whether they are in service; search by name."""

    q = django_filters.CharFilter(label=_("Recherche"), method="search", help_text=_("Nom ou adresse"))
    member = IdFilter(label=_("Adhérent (identifiant)"), field_name="member_id")
    commune = django_filters.CharFilter(label=_("Commune (code INSEE)"), field_name="commune__insee_code")
    kind = django_filters.ChoiceFilter(label=_("Nature"), choices=SiteKind.choices, empty_label=_("Toutes"))
    is_active = django_filters.BooleanFilter(label=_("En service"))

    class Meta:
        model = Site
        fields = ["q", "member", "commune", "kind", "is_active"]

    def search(self, queryset: QuerySet[Site], name: str, value: Any) -> QuerySet[Site]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value)) if value else queryset

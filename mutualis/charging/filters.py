"""Filters shared by the charging pages and the API (django-filter validates the query; the querysets come from the
scoped selectors)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mutualis.charging.choices import IdTagStatus, SessionStatus
from mutualis.charging.models import ChargingSession, IdTag, Station
from mutualis.core.collation import french
from mutualis.members.models import Member
from mutualis.territory.models import Commune


def _communes(request: Any = None) -> QuerySet[Commune]:
    return Commune.objects.filter(charging_stations__isnull=False).distinct().defer("contour").order_by(french("name"))


def _members(request: Any = None) -> QuerySet[Member]:
    return Member.objects.filter(sites__charging_stations__isnull=False).distinct().order_by(french("name"))


def _stations(request: Any = None) -> QuerySet[Station]:
    user = getattr(request, "user", None)
    return Station.objects.visible_to(user).order_by(french("name"))


class StationFilterSet(django_filters.FilterSet):
    """Stations by name, AFIREV id or address, commune, member, OCPP state."""

    q = django_filters.CharFilter(
        label=_("Recherche"), help_text=_("Nom, identifiant AFIREV ou adresse."), max_length=100, method="search"
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=_communes, label=_("Commune"), empty_label=_("Toutes les communes")
    )
    member = django_filters.ModelChoiceFilter(
        queryset=_members, field_name="site__member", label=_("Adhérent"), empty_label=_("Tous les adhérents")
    )
    offline = django_filters.BooleanFilter(
        label=_("Un point déconnecté"), method="by_offline", help_text=_("Au moins un point actif hors connexion.")
    )

    class Meta:
        model = Station
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(id_station_itinerance__icontains=value) | Q(address__icontains=value)
        )

    def by_offline(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        offline = Q(charge_points__is_active=True, charge_points__is_online=False)
        return queryset.filter(offline).distinct() if value else queryset.exclude(offline)


class SessionFilterSet(django_filters.FilterSet):
    """Sessions by station, commune, status, badge, start date, reconciliation."""

    station = django_filters.ModelChoiceFilter(
        queryset=_stations, field_name="charge_point__station", label=_("Station"), empty_label=_("Toutes")
    )
    charge_point = django_filters.NumberFilter(field_name="charge_point_id", label=_("Point de recharge (id)"))
    commune = django_filters.ModelChoiceFilter(
        queryset=_communes, field_name="charge_point__station__commune", label=_("Commune"), empty_label=_("Toutes")
    )
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices, label=_("État"), empty_label=_("Tous"))
    id_tag = django_filters.CharFilter(field_name="id_tag", lookup_expr="iexact", label=_("Badge"), max_length=36)
    started_after = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", label=_("Début à partir du"), widget=None
    )
    started_before = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", label=_("Début au plus tard le")
    )
    reconciled = django_filters.BooleanFilter(label=_("Rattrapée"))

    class Meta:
        model = ChargingSession
        fields: list[str] = []


class IdTagFilterSet(django_filters.FilterSet):
    """Badges by identifier or holder, status, member."""

    q = django_filters.CharFilter(
        label=_("Recherche"), help_text=_("Identifiant ou titulaire."), max_length=100, method="search"
    )
    status = django_filters.ChoiceFilter(choices=IdTagStatus.choices, label=_("Statut"), empty_label=_("Tous"))
    member = django_filters.ModelChoiceFilter(
        queryset=lambda request: Member.objects.order_by(french("name")),
        label=_("Adhérent"),
        empty_label=_("Tous les adhérents"),
    )

    class Meta:
        model = IdTag
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(id_tag__icontains=value) | Q(holder__icontains=value)) if value else queryset

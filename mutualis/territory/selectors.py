"""Reads of reference geography. The territory is public: no user scoping; lists never load contours (large)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from mutualis.core.collation import french
from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.search import normalize_name


def _code(value: Any, attribute: str) -> Any:
    """A filter value given either as a model instance or as its natural key."""
    return getattr(value, attribute) if hasattr(value, attribute) else value


def commune_filter(queryset: QuerySet[Commune], filters: Mapping[str, Any] | None) -> QuerySet[Commune]:
    """Narrow communes by q (name, INSEE code or postal code), departement, intercommunality, kind, postal_code."""
    filters = filters or {}
    if q := (filters.get("q") or "").strip():
        condition = Q(search_name__contains=normalize_name(q))
        if q.isdigit() or q[:2].upper() in {"2A", "2B"}:
            # Postal codes are a JSON list: its text form quotes each code, so '"780' matches codes starting 780.
            condition |= Q(insee_code__istartswith=q) | Q(postal_codes__icontains=f'"{q}')
        queryset = queryset.filter(condition)
    if departement := filters.get("departement"):
        queryset = queryset.filter(departement__code=_code(departement, "code"))
    if intercommunality := filters.get("intercommunality"):
        siren = _code(intercommunality, "siren")
        queryset = queryset.filter(Q(epci__siren=siren) | Q(ept__siren=siren))
    if kind := filters.get("kind"):
        queryset = queryset.filter(Q(epci__kind=kind) | Q(ept__kind=kind))
    if postal_code := (filters.get("postal_code") or "").strip():
        queryset = queryset.filter(postal_codes__icontains=f'"{postal_code}"')
    return queryset


def commune_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Commune]:
    """Communes matching the filters, by name, with département and intercommunalities, without contours."""
    queryset = Commune.objects.select_related("departement", "epci", "ept").defer("contour", "departement__contour")
    return commune_filter(queryset.order_by(french("name"), "pk"), filters)


def commune_get(*, insee_code: str) -> Commune:
    """One commune by INSEE code, with its contour (raises Commune.DoesNotExist)."""
    return (
        Commune.objects.select_related("departement", "epci", "ept")
        .defer("departement__contour")
        .get(insee_code=insee_code)
    )


def commune_contours(*, queryset: QuerySet[Commune]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the communes' contours (name, INSEE code in the properties)."""
    rows = queryset.order_by().values_list("insee_code", "name", "contour")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": contour}
            for code, name, contour in rows
            if contour
        ],
    }


def departement_list() -> QuerySet[Departement]:
    """The départements with their number of communes, without contours."""
    # Django ignores Meta.ordering in aggregating queries: order explicitly (stable pagination).
    return Departement.objects.defer("contour").annotate(commune_count=Count("communes")).order_by("code")


def departement_get(*, code: str) -> Departement:
    """One département by code, with its contour (raises Departement.DoesNotExist)."""
    return Departement.objects.annotate(commune_count=Count("communes")).get(code=code)


def departement_population(*, departement: Departement) -> int:
    """Sum of the municipal populations of the département's communes."""
    return Commune.objects.filter(departement=departement).aggregate(total=Sum("population"))["total"] or 0


def intercommunality_filter(
    queryset: QuerySet[Intercommunality], filters: Mapping[str, Any] | None
) -> QuerySet[Intercommunality]:
    """Narrow intercommunalities by departement (having a member commune there), kind, q (name or SIREN)."""
    filters = filters or {}
    if departement := filters.get("departement"):
        communes = Commune.objects.filter(departement__code=_code(departement, "code"))
        queryset = queryset.filter(
            Q(pk__in=communes.filter(epci__isnull=False).values("epci"))
            | Q(pk__in=communes.filter(ept__isnull=False).values("ept"))
        )
    if kind := filters.get("kind"):
        queryset = queryset.filter(kind=kind)
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(name__icontains=q) | Q(siren=q))
    return queryset


def _intercommunalities() -> QuerySet[Intercommunality]:
    # An intercommunality is either an EPCI or an EPT: one of the two counts is always zero.
    return Intercommunality.objects.annotate(
        commune_count=Count("epci_communes", distinct=True) + Count("ept_communes", distinct=True)
    ).order_by(french("name"), "pk")


def intercommunality_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Intercommunality]:
    """EPCI and EPT matching the filters, by name, with their number of member communes in the territory."""
    return intercommunality_filter(_intercommunalities(), filters)


def intercommunality_get(*, siren: str) -> Intercommunality:
    """One EPCI or EPT by SIREN (raises Intercommunality.DoesNotExist)."""
    return _intercommunalities().get(siren=siren)


def intercommunality_communes(*, intercommunality: Intercommunality) -> QuerySet[Commune]:
    """The member communes of an EPCI or EPT that lie in the territory, by name, without contours."""
    return commune_list().filter(Q(epci=intercommunality) | Q(ept=intercommunality))

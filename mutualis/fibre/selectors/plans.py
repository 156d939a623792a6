"""Reads of the plan, PM zones, addresses and imports, scoped by the viewer.

Plans are public (the coverage a citizen sees comes from them); PM zones are read by operator staff and, for their
communes, by members' users; addresses and imports are the operator's working data: staff only. Another viewer's
object answers Http404, never 403.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer, signed_in
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.core.validation import parse_id
from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone
from mutualis.members.choices import MemberKind
from mutualis.members.models import Member
from mutualis.members.selectors import user_member_list
from mutualis.territory.models import Commune


def member_commune_ids(*, user: Viewer) -> QuerySet:
    """Ids of the communes the user's members cover (a subquery): a commune's own, an EPCI's or EPT's member
    communes, a département's communes, an establishment's commune."""
    if signed_in(user) is None:
        return Commune.objects.none().values("pk")
    members = user_member_list(user=user).order_by()
    return Commune.objects.filter(
        Q(pk__in=Member.communes.through.objects.filter(member__in=members.values("pk")).values("commune_id"))
        | Q(epci__in=members.filter(kind=MemberKind.INTERCOMMUNALITY).values("intercommunality"))
        | Q(ept__in=members.filter(kind=MemberKind.INTERCOMMUNALITY).values("intercommunality"))
        | Q(departement__in=members.filter(kind=MemberKind.DEPARTEMENT).values("departement"))
    ).values("pk")


def plan_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[DeploymentPlan]:
    """Every commune's deployment plan (public), by commune name in French order, with its last target year."""
    queryset = (
        DeploymentPlan.objects.select_related("commune", "commune__departement", "commune__epci")
        .defer("commune__contour", "commune__departement__contour")
        .annotate(completion_year=Max("targets__year"))
        .order_by(french("commune__name"), "pk")
    )
    return plan_filter(queryset, filters)


def plan_filter(queryset: QuerySet, filters: Mapping[str, Any] | None, prefix: str = "commune__") -> QuerySet:
    """Narrow plans (or anything with a commune at `prefix`) by q (commune name or INSEE code), département and
    EPCI/EPT (SIREN)."""
    from mutualis.territory.search import normalize_name

    filters = filters or {}
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(
            Q(**{f"{prefix}search_name__contains": normalize_name(q)}) | Q(**{f"{prefix}insee_code__startswith": q})
        )
    if departement := filters.get("departement"):
        queryset = queryset.filter(**{f"{prefix}departement__code": getattr(departement, "code", departement)})
    if intercommunality := filters.get("intercommunality"):
        siren = getattr(intercommunality, "siren", intercommunality)
        queryset = queryset.filter(Q(**{f"{prefix}epci__siren": siren}) | Q(**{f"{prefix}ept__siren": siren}))
    return queryset


def plan_get(*, insee_code: str) -> DeploymentPlan:
    """One commune's plan by INSEE code, or Http404."""
    plan = plan_list().filter(commune__insee_code=insee_code).first()
    if plan is None:
        raise Http404
    return plan


def pm_zone_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[PMZone]:
    """PM zones the viewer may read: all for operator staff, their communes' for a member's users, none for
    anonymous visitors; by reference."""
    queryset = PMZone.objects.select_related("commune").defer("commune__contour").order_by("reference", "pk")
    if not is_operator_staff(user):
        queryset = queryset.filter(commune__in=member_commune_ids(user=user))
    if filters:
        from mutualis.fibre.filters import PMZoneFilterSet

        queryset = PMZoneFilterSet(filters, queryset=queryset).qs
    return queryset


def pm_zone_get(*, user: Viewer, pk: Any) -> PMZone:
    """One PM zone the viewer may read, or Http404."""
    zone = pm_zone_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if zone is None:
        raise Http404
    return zone


def address_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Address]:
    """The address base, for operator staff only (none for anyone else), by identifier."""
    if not is_operator_staff(user):
        return Address.objects.none()
    queryset = Address.objects.select_related("commune", "pm_zone").defer("commune__contour").order_by("code")
    if filters:
        from mutualis.fibre.filters import AddressFilterSet

        queryset = AddressFilterSet(filters, queryset=queryset).qs
    return queryset


def import_list(*, user: Viewer) -> QuerySet[FibreImport]:
    """The import history, newest first, for operator staff only (none for anyone else)."""
    if not is_operator_staff(user):
        return FibreImport.objects.none()
    return FibreImport.objects.select_related("created_by").defer("rejected_lines").order_by("-created_at", "-pk")


def import_get(*, user: Viewer, pk: Any) -> FibreImport:
    """One import with its report, for operator staff, or Http404."""
    fibre_import = (
        FibreImport.objects.select_related("created_by").filter(pk=pk).first()
        if parse_id(pk) and is_operator_staff(user)
        else None
    )
    if fibre_import is None:
        raise Http404
    return fibre_import

"""Reads of the ENT resources: the catalogue (public to signed-in users), subscriptions and assignments in the
user's scope, the per-publisher export and the use figures."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.validation import parse_id
from mutualis.education.models import Assignment, Resource, Subscription
from mutualis.education.rules import PUBLISHER_EXPORT_FIELDS
from mutualis.education.selectors.establishments import scoped


def resource_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Resource]:
    """The catalogue of resources (the ENT's offer is no secret), q on publisher or title."""
    qs = Resource.objects.annotate(subscription_count=Count("subscriptions"))
    q = ((filters or {}).get("q") or "").strip()
    if q:
        qs = qs.filter(Q(publisher__icontains=q) | Q(title__icontains=q))
    return qs.order_by(french("publisher"), french("title"))


def resource_get(*, pk: Any) -> Resource:
    """One resource, or Http404."""
    resource = Resource.objects.filter(pk=pk).first() if parse_id(pk) else None
    if resource is None:
        raise Http404
    return resource


def publishers() -> list[str]:
    """The publishers of the catalogue, in French order."""
    return sorted(set(Resource.objects.values_list("publisher", flat=True)), key=str.casefold)


def subscription_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Subscription]:
    """Subscriptions the user may read, with their assigned licences: establishment, resource, q (title or UAI)."""
    qs = scoped(Subscription, user, "establishment__referents").select_related(
        "establishment", "establishment__commune", "resource", "order"
    )
    qs = qs.annotate(assigned=Coalesce(Sum("assignments__licences"), 0))
    filters = filters or {}
    for key in ("establishment", "resource"):
        if value := parse_id(filters.get(key)):
            qs = qs.filter(**{f"{key}_id": value})
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(resource__title__icontains=q) | Q(establishment__uai__iexact=q) | Q(establishment__name__icontains=q)
        )
    return qs.order_by(french("establishment__name"), french("resource__title"), "-starts_on", "pk")


def subscription_get(*, user: Viewer, pk: Any) -> Subscription:
    """One subscription the user may read, or Http404."""
    subscription = subscription_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if subscription is None:
        raise Http404
    return subscription


def assignment_list(*, subscription: Subscription) -> QuerySet[Assignment]:
    """The assignments of a subscription (already scoped through subscription_get)."""
    return Assignment.objects.filter(subscription=subscription).order_by("class_group", "pseudonym", "pk")


def assigned_licences(*, subscription: Subscription) -> int:
    """Licences of the subscription already assigned."""
    return Assignment.objects.filter(subscription=subscription).aggregate(n=Coalesce(Sum("licences"), 0))["n"]


def publisher_export_rows(*, publisher: str) -> list[dict[str, Any]]:
    """What the publisher receives, and only that (RGPD art. 5.1.c): resource, pseudonym, profile, class group, UAI.

    Not scoped by user: only education officers call it (the view checks), and it covers every établissement
    subscribed to the publisher's resources."""
    rows = (
        Assignment.objects.filter(subscription__resource__publisher=publisher)
        .order_by("subscription__resource__title", "subscription__establishment__uai", "class_group", "pseudonym", "pk")
        .values_list(
            "subscription__resource__title", "pseudonym", "profile", "class_group", "subscription__establishment__uai"
        )
    )
    return [dict(zip(PUBLISHER_EXPORT_FIELDS, row, strict=True)) for row in rows]


GROUPS = {
    "resource": ("resource__title", "resource__publisher"),
    "establishment": ("establishment__name", "establishment__uai"),
    "departement": ("establishment__commune__departement__code", "establishment__commune__departement__name"),
}


def usage(*, user: Viewer, by: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Assignment rate per resource, établissement or département over the subscriptions the user may read:
    label, detail, licences, assigned, rate (percent, None without licences)."""
    label, detail = GROUPS[by]
    subscriptions = subscription_list(user=user, filters=filters).values("pk")
    licences = {
        (row[label], row[detail]): row["n"]
        for row in Subscription.objects.filter(pk__in=subscriptions)
        .order_by()
        .values(label, detail)
        .annotate(n=Sum("licences"))
    }
    through = (f"subscription__{label}", f"subscription__{detail}")
    assigned = {
        (row[through[0]], row[through[1]]): row["n"]
        for row in Assignment.objects.filter(subscription__in=subscriptions)
        .order_by()
        .values(*through)
        .annotate(n=Sum("licences"))
    }
    rows = []
    for key in sorted(licences, key=lambda k: (str(k[0]).casefold(), str(k[1]))):
        total, used = licences[key] or 0, assigned.get(key) or 0
        rate = (Decimal(used) * 100 / total).quantize(Decimal("0.1")) if total else None
        rows.append({"label": key[0], "detail": key[1], "licences": total, "assigned": used, "rate": rate})
    return rows


def chart_spec(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """A bar chart of the rates (education/charts.js draws it; the same figures are in the table after it)."""
    return {
        "labels": [str(row["label"]) for row in rows],
        "datasets": [{"label": title, "data": [float(row["rate"]) if row["rate"] is not None else 0 for row in rows]}],
    }

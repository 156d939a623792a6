"""Reads of the établissements: the members in the user's scope (a département its collèges, a commune its
écoles, staff all), plus the établissements the user is a referent of. Another's answers Http404."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer, signed_in
from mutualis.core.collation import french
from mutualis.core.validation import parse_id
from mutualis.education.models import Establishment


def scoped(model: Any, user: Viewer, referents_path: str) -> QuerySet:
    """Rows of `model` the user may read: their members' (visible_to) and those of the établissements they are a
    referent of (`referents_path`: from the model to the établissement's referents)."""
    visible = model.objects.visible_to(user)
    account = signed_in(user)
    if account is None:
        return visible
    referent = model.objects.filter(**{referents_path: account})
    return model.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=referent.values("pk")))


def establishment_scope(user: Viewer) -> QuerySet[Establishment]:
    """Établissements the user may read: their members' (visible_to) and those they are a referent of."""
    return scoped(Establishment, user, "referents")


def establishment_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Establishment]:
    """Établissements the user may read, filtered: q (name, UAI or commune), kind, sector, departement (code),
    member (id), referent ("me": those the user is a referent of)."""
    qs = establishment_scope(user).select_related("commune", "commune__departement", "member", "site")
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uai__iexact=q) | Q(commune__name__icontains=q))
    for key in ("kind", "sector"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("departement"):
        qs = qs.filter(commune__departement__code=filters["departement"])
    if member := parse_id(filters.get("member")):
        qs = qs.filter(member_id=member)
    if filters.get("referent") == "me" and (account := signed_in(user)) is not None:
        qs = qs.filter(referents=account)
    return qs.order_by(french("name"), "uai")


def establishment_get(*, user: Viewer, pk: Any) -> Establishment:
    """One établissement the user may read, or Http404."""
    establishment = establishment_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if establishment is None:
        raise Http404
    return establishment


def referent_establishments(*, user: Viewer) -> QuerySet[Establishment]:
    """The établissements the user is a referent of (the referent's own space)."""
    account = signed_in(user)
    if account is None or not account.is_active:
        return Establishment.objects.none()
    return Establishment.objects.filter(referents=account).order_by(french("name"))

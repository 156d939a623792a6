"""Reads of suppliers, framework agreements, lots and catalogue items, scoped by the user.

Operator staff see everything. A member's user sees the active agreements open to one of their members that holds
the central purchasing competence today (an empty `allowed_member_kinds` opens an agreement to every kind), with
their lots and active items. Anything else answers 404.
"""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.core.validation import parse_id
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.filters import AgreementFilter, ItemFilter, LotFilter, SupplierFilter, apply_filters
from mutualis.purchasing.models import (
    Amendment,
    CatalogueItem,
    FrameworkAgreement,
    Lot,
    LotHolder,
    Supplier,
)
from mutualis.purchasing.selectors.catalogue import current_price_subquery, ordering_members


def _pk(value: Any) -> bool:
    return parse_id(value) is not None


def agreement_open_to(agreement: FrameworkAgreement, member_kinds: set[str]) -> bool:
    """True if members of one of these kinds may order under the agreement (no restriction = every kind)."""
    return not agreement.allowed_member_kinds or bool(member_kinds & set(agreement.allowed_member_kinds))


def _visible_agreements(user: Viewer) -> QuerySet[FrameworkAgreement]:
    if not getattr(user, "is_authenticated", False):
        return FrameworkAgreement.objects.none()
    if is_operator_staff(user):
        return FrameworkAgreement.objects.all()
    kinds = set(ordering_members(user=user).values_list("kind", flat=True))
    if not kinds:
        return FrameworkAgreement.objects.none()
    # The kinds restriction is a JSON list: filtered in Python, which is portable (SQLite has no JSON contains)
    # and cheap (an operator runs tens of agreements, not thousands).
    active = FrameworkAgreement.objects.filter(status=AgreementStatus.ACTIVE).only("pk", "allowed_member_kinds")
    ids = [agreement.pk for agreement in active if agreement_open_to(agreement, kinds)]
    return FrameworkAgreement.objects.filter(pk__in=ids)


def agreement_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[FrameworkAgreement]:
    """Agreements the user may see, optionally filtered by status, CPV code (prefix) and keyword (AgreementFilter)."""
    qs = apply_filters(AgreementFilter, filters, _visible_agreements(user))
    return qs.order_by("-notification_date", "reference")


def agreement_get(*, user: Viewer, pk: Any) -> FrameworkAgreement:
    """One agreement the user may see, with its lots, holders and amendments, or Http404."""
    agreement = (
        agreement_list(user=user)
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")),
            Prefetch("lots__lot_holders", queryset=LotHolder.objects.select_related("supplier").order_by("rank")),
            Prefetch("amendments", queryset=Amendment.objects.order_by("number")),
        )
        .filter(pk=pk)
        .first()
        if _pk(pk)
        else None
    )
    if agreement is None:
        raise Http404
    return agreement


def lot_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Lot]:
    """Lots of the agreements the user may see (of one agreement with `agreement`)."""
    qs = Lot.objects.filter(agreement__in=_visible_agreements(user)).select_related("agreement")
    qs = apply_filters(LotFilter, filters, qs)
    return qs.prefetch_related(
        Prefetch("lot_holders", queryset=LotHolder.objects.select_related("supplier").order_by("rank"))
    ).order_by("agreement__reference", "number")


def lot_get(*, user: Viewer, pk: Any) -> Lot:
    """One lot the user may see, or Http404."""
    lot = lot_list(user=user).filter(pk=pk).first() if _pk(pk) else None
    if lot is None:
        raise Http404
    return lot


def with_current_price(qs: QuerySet[CatalogueItem], day: datetime.date | None = None) -> QuerySet[CatalogueItem]:
    """Annotate `current_price_ht`: the unit price HT in force on `day` (one subquery, whatever the row count)."""
    return qs.annotate(current_price_ht=current_price_subquery(day or timezone.localdate()))


def item_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[CatalogueItem]:
    """Catalogue items the user may see with their current price; filters: see `ItemFilter`. Members' users only
    see items still in the catalogue."""
    qs = CatalogueItem.objects.filter(lot__agreement__in=_visible_agreements(user)).select_related("lot__agreement")
    if not is_operator_staff(user):
        qs = qs.filter(is_active=True)
    qs = apply_filters(ItemFilter, filters, with_current_price(qs))
    return qs.order_by("lot__agreement__reference", "lot__number", "reference")


def item_get(*, user: Viewer, pk: Any) -> CatalogueItem:
    """One catalogue item the user may see (with its current price), or Http404."""
    item = item_list(user=user).filter(pk=pk).first() if _pk(pk) else None
    if item is None:
        raise Http404
    return item


def supplier_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Supplier]:
    """Suppliers (operator staff only), in French order of their names, searchable by name or SIRET
    (SupplierFilter)."""
    if not is_operator_staff(user):
        return Supplier.objects.none()
    return apply_filters(SupplierFilter, filters, Supplier.objects.all()).order_by(french("name"), "pk")


def supplier_get(*, user: Viewer, pk: Any) -> Supplier:
    """One supplier (operator staff only), with its contacts and lots, or Http404."""
    supplier = (
        supplier_list(user=user).prefetch_related("contacts", "lot_holdings__lot__agreement").filter(pk=pk).first()
        if _pk(pk)
        else None
    )
    if supplier is None:
        raise Http404
    return supplier

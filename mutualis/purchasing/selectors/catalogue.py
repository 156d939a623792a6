"""Reads of the members' catalogue: the items a member may order today, with their current price and saving.

A member may order under an agreement when it is active, holds the central purchasing competence today, and the
agreement is active, within its dates and open to its kind. Agreements are few, so their dates and kinds are
checked in Python (JSON `contains` is not portable to SQLite); items are then filtered in the database.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer, signed_in
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.core.validation import parse_id
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, Membership
from mutualis.members.offers import member_has_competence
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.filters import CatalogueFilter, apply_filters
from mutualis.purchasing.models import CatalogueItem, FrameworkAgreement, ItemPrice, Lot
from mutualis.purchasing.rules import framework_end_date


def agreement_end_date(agreement: FrameworkAgreement) -> datetime.date:
    """Last day of the agreement, its amendments' duration changes included (read from prefetched amendments when
    the caller prefetched them: the catalogue checks every agreement on each page)."""
    extra = sum(amendment.duration_change_months for amendment in agreement.amendments.all())
    return framework_end_date(agreement.start_date, agreement.duration_months + extra)


def agreement_open_for(agreement: FrameworkAgreement, member: Member, day: datetime.date) -> bool:
    """True if the member's kind may order under the agreement, active and within its dates on `day`."""
    if agreement.status != AgreementStatus.ACTIVE or agreement.start_date > day:
        return False
    if agreement.allowed_member_kinds and member.kind not in agreement.allowed_member_kinds:
        return False
    return agreement_end_date(agreement) >= day


def ordering_members(
    *, user: Viewer, day: datetime.date | None = None, roles: Iterable[str] | None = None
) -> QuerySet[Member]:
    """The user's active members holding the central purchasing competence on `day` (with one of `roles`)."""
    account = signed_in(user)
    if account is None:
        return Member.objects.none()
    day = day or timezone.localdate()
    memberships = Membership.objects.filter(user=account)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    competent = CompetenceTransfer.objects.filter(competence=Competence.CENTRAL_PURCHASING).active_on(day)
    return Member.objects.filter(
        Q(pk__in=memberships.values("member_id")),
        Q(pk__in=competent.values("member_id")),
        status=MemberStatus.ACTIVE,
    ).order_by(french("name"), "pk")


def open_agreement_ids(*, members: Iterable[Member], day: datetime.date, staff: bool = False) -> list[int]:
    """Ids of the active agreements in force on `day` open to at least one of `members` (every one for staff)."""
    agreements = FrameworkAgreement.objects.filter(status=AgreementStatus.ACTIVE, start_date__lte=day)
    members = list(members)
    ids = []
    for agreement in agreements.prefetch_related("amendments"):
        if agreement_end_date(agreement) < day:
            continue
        if staff or any(agreement_open_for(agreement, member, day) for member in members):
            ids.append(agreement.pk)
    return ids


def current_price_subquery(day: datetime.date) -> Subquery:
    """The unit price HT in force on `day` for the outer item (as pricing.item_price_on, in SQL)."""
    prices = ItemPrice.objects.filter(item=OuterRef("pk"), effective_from__lte=day).order_by("-effective_from")
    return Subquery(prices.values("unit_price_ht")[:1], output_field=DecimalField(max_digits=14, decimal_places=4))


def catalogue_item_list(
    *, user: Viewer, filters: dict[str, Any] | None = None, day: datetime.date | None = None
) -> QuerySet[CatalogueItem]:
    """Items the user's members may order on `day` (operator staff: every orderable item), with `current_price`
    and `saving` annotated, by lot then item name; filters: see `CatalogueFilter`."""
    day = day or timezone.localdate()
    staff = is_operator_staff(user)
    members = [] if staff else list(ordering_members(user=user, day=day))
    if not staff and not members:
        return CatalogueItem.objects.none()
    agreement_ids = open_agreement_ids(members=members, day=day, staff=staff)
    qs = (
        CatalogueItem.objects.filter(is_active=True, lot__agreement_id__in=agreement_ids)
        .select_related("lot", "lot__agreement")
        .annotate(current_price=current_price_subquery(day))
        .filter(current_price__isnull=False)
        .annotate(
            saving=ExpressionWrapper(
                F("list_price_ht") - F("current_price"), output_field=DecimalField(max_digits=14, decimal_places=4)
            )
        )
    )
    qs = apply_filters(CatalogueFilter, filters, qs)
    return qs.order_by("lot__agreement__reference", "lot__number", french("label"), "pk")


def catalogue_item_get(*, user: Viewer, pk: Any, day: datetime.date | None = None) -> CatalogueItem:
    """One orderable item (annotated as in the list), or Http404."""
    item = catalogue_item_list(user=user, day=day).filter(pk=pk).first() if parse_id(pk) else None
    if item is None:
        raise Http404
    return item


def catalogue_lots(*, user: Viewer, day: datetime.date | None = None) -> QuerySet[Lot]:
    """Lots with at least one orderable item for the user (for the catalogue's filters)."""
    items = catalogue_item_list(user=user, day=day)
    return (
        Lot.objects.filter(pk__in=items.values("lot_id"))
        .select_related("agreement")
        .order_by("agreement__reference", "number")
    )


def item_orderable_by(*, item: CatalogueItem, member: Member, day: datetime.date | None = None) -> bool:
    """True if the member may order the item on `day` (competence, status, agreement dates and kinds, price)."""
    day = day or timezone.localdate()
    if member.status != MemberStatus.ACTIVE or not item.is_active:
        return False
    if not member_has_competence(member, Competence.CENTRAL_PURCHASING, day):
        return False
    if not agreement_open_for(item.lot.agreement, member, day):
        return False
    return ItemPrice.objects.filter(item=item, effective_from__lte=day).exists()

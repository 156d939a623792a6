"""Reads of the device loans: loans in the user's scope (the lending member's, the établissement's referents),
overdue loans, an asset's loans, inclusion coverage and crisis campaigns' progress."""

import datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.validation import parse_id
from mutualis.education.choices import BeneficiaryKind, EstablishmentKind, LoanStatus
from mutualis.education.models import CampaignBeneficiary, CrisisCampaign, Establishment, InclusionProgramme, Loan
from mutualis.education.selectors.establishments import scoped


def loan_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Loan]:
    """Loans the user may read, newest first; filters: q (serial number, designation, borrower reference), status,
    overdue ("1"), establishment, campaign, programme (ids)."""
    qs = scoped(Loan, user, "establishment__referents").select_related(
        "asset", "asset__member", "establishment", "beneficiary_member", "campaign", "programme"
    )
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(asset__serial_number__icontains=q)
            | Q(asset__designation__icontains=q)
            | Q(beneficiary_reference__icontains=q)
        )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if str(filters.get("overdue") or "") in {"1", "True", "true"}:
        qs = qs.filter(status=LoanStatus.ONGOING, due_on__lt=timezone.localdate())
    for key in ("establishment", "campaign", "programme"):
        if value := parse_id(filters.get(key)):
            qs = qs.filter(**{f"{key}_id": value})
    return qs.order_by("-starts_on", "-pk")


def loan_get(*, user: Viewer, pk: Any) -> Loan:
    """One loan the user may read, or Http404."""
    loan = loan_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if loan is None:
        raise Http404
    return loan


def overdue_list(*, user: Viewer) -> QuerySet[Loan]:
    """Ongoing loans past their due date, the most late first."""
    return loan_list(user=user, filters={"overdue": "1"}).order_by("due_on", "pk")


def asset_loans(*, user: Viewer, asset: Any) -> QuerySet[Loan]:
    """An asset's loans the user may read (the asset page's « Prêts » panel)."""
    return loan_list(user=user).filter(asset=asset)


def days_late(loan: Loan, today: datetime.date | None = None) -> int:
    """How many days an ongoing loan is past its due date (0 when not late)."""
    today = today or timezone.localdate()
    return max((today - loan.due_on).days, 0) if loan.status == LoanStatus.ONGOING else 0


def programme_list(*, user: Viewer) -> QuerySet[InclusionProgramme]:
    """Inclusion programmes the user may read."""
    return (
        InclusionProgramme.objects.visible_to(user).select_related("member").order_by("-school_year", french("title"))
    )


def programme_get(*, user: Viewer, pk: Any) -> InclusionProgramme:
    """One inclusion programme the user may read, or Http404."""
    programme = programme_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if programme is None:
        raise Http404
    return programme


def _rate(covered: int, needed: int) -> Decimal | None:
    return (Decimal(covered) * 100 / needed).quantize(Decimal("0.1")) if needed else None


def inclusion_coverage(*, programme: InclusionProgramme) -> dict[str, Any]:
    """Coverage of the pupils with a recognised disability, per collège of the département and in total: pupils,
    laptops lent (ongoing loans of the programme), rate."""
    colleges = Establishment.objects.filter(member=programme.member, kind=EstablishmentKind.COLLEGE).annotate(
        covered=Count(
            "loans",
            filter=Q(
                loans__programme=programme,
                loans__status=LoanStatus.ONGOING,
                loans__beneficiary_kind=BeneficiaryKind.PUPIL,
            ),
        )
    )
    rows: list[dict[str, Any]] = [
        {
            "establishment": c,
            "needed": c.pupils_with_disability,
            "covered": c.covered,
            "rate": _rate(c.covered, c.pupils_with_disability),
        }
        for c in colleges.order_by(french("name"))
    ]
    needed, covered = sum(r["needed"] for r in rows), sum(r["covered"] for r in rows)
    return {"rows": rows, "needed": needed, "covered": covered, "rate": _rate(covered, needed)}


def campaign_list(*, user: Viewer) -> QuerySet[CrisisCampaign]:
    """Crisis campaigns the user may read, with their counts."""
    return (
        CrisisCampaign.objects.visible_to(user)
        .select_related("member")
        .annotate(
            listed=Count("beneficiaries", distinct=True),
            allocated=Count("beneficiaries", filter=Q(beneficiaries__loan__isnull=False), distinct=True),
            delivered=Count("beneficiaries", filter=Q(beneficiaries__delivered_on__isnull=False), distinct=True),
        )
        .order_by("-starts_on", french("title"))
    )


def campaign_get(*, user: Viewer, pk: Any) -> CrisisCampaign:
    """One campaign the user may read (with its counts), or Http404."""
    campaign = campaign_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if campaign is None:
        raise Http404
    return campaign


def campaign_progress(campaign: Any) -> dict[str, Any]:
    """How far a campaign is: listed, allocated and delivered against the quantity (percent)."""
    return {
        "quantity": campaign.quantity,
        "listed": campaign.listed,
        "allocated": campaign.allocated,
        "delivered": campaign.delivered,
        "allocated_rate": _rate(campaign.allocated, campaign.quantity),
        "delivered_rate": _rate(campaign.delivered, campaign.quantity),
    }


def campaign_lines(*, campaign: CrisisCampaign) -> QuerySet[CampaignBeneficiary]:
    """A campaign's beneficiaries with their site and device (already scoped through campaign_get)."""
    return (
        CampaignBeneficiary.objects.filter(campaign=campaign)
        .select_related("site", "site__commune", "loan", "loan__asset", "beneficiary_member", "establishment")
        .order_by(french("site__name"), "reference", "pk")
    )


def delivery_sheets(*, campaign: CrisisCampaign) -> list[dict[str, Any]]:
    """One delivery sheet per site: the site and the lines handed over there."""
    return [
        {"site": site, "lines": list(lines)}
        for site, lines in groupby(campaign_lines(campaign=campaign), key=lambda line: line.site)
    ]

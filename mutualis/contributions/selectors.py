"""Reads of the contributions app, always scoped by the user."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall, ContributionCallLine, ContributionRate
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.members.choices import Competence
from mutualis.members.models import Member
from mutualis.members.selectors import member_get, user_member_list

if TYPE_CHECKING:
    from mutualis.contributions.services import IssuePlan


def call_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[ContributionCall]:
    """Calls visible to the user (staff: all; a member's user: their members' calls; others: none), filtered."""
    qs = ContributionCall.objects.visible_to(user).select_related("member", "member__departement")
    filters = filters or {}
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("member"):
        qs = qs.filter(member_id=getattr(filters["member"], "pk", filters["member"]))
    if filters.get("members") is not None:
        qs = qs.filter(member__in=filters["members"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(member__kind=filters["kind"])
    if filters.get("departement"):
        departement = filters["departement"]
        qs = qs.filter(member__departement__code=getattr(departement, "code", departement))
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(member__name__icontains=q) | Q(member__siren__icontains=q) | Q(number__icontains=q))
    return qs.order_by("-year", french("member__name"), "number")


def call_get(*, user: Viewer, pk: Any) -> ContributionCall:
    """One call the user may see, with its member and lines; another member's call raises Http404."""
    try:
        return call_list(user=user).select_related("issued_by", "cancelled_by").prefetch_related("lines").get(pk=pk)
    except (ContributionCall.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def call_line_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[ContributionCallLine]:
    """Lines of the calls visible to the user under the same filters, for exports."""
    calls = call_list(user=user, filters=filters)
    return (
        ContributionCallLine.objects.filter(call__in=calls.values("pk"))
        .select_related("call", "call__member", "call__member__departement")
        .order_by(french("call__member__name"), "call__number", "competence")
    )


def call_totals(*, calls: QuerySet[ContributionCall]) -> dict[str, Any]:
    """Totals of the issued calls among `calls`: per competence (in the choices' order) and overall."""
    live = calls.filter(status=CallStatus.ISSUED)
    sums = dict(
        ContributionCallLine.objects.filter(call__in=live.values("pk"))
        .values_list("competence")
        .annotate(total=Sum("amount"))
        .values_list("competence", "total")
    )
    rows = [(Competence(code).label, sums[code]) for code in Competence.values if code in sums]
    return {
        "by_competence": rows,
        "overall": sum((total for _, total in rows), Decimal("0.00")),
        "count": live.count(),
    }


def member_get_for_calls(*, user: Viewer, pk: Any) -> Member:
    """The member whose calls the user asks for (members' scoping: staff any, a member's user theirs; else 404)."""
    return member_get(user=user, pk=pk)


def calls_member_list(*, user: Viewer) -> QuerySet[Member]:
    """The members the user belongs to: each of their roles (reader, agent, manager) reads the member's calls."""
    return user_member_list(user=user)


def rate_list(*, user: Viewer, year: int | None = None) -> QuerySet[ContributionRate]:
    """Contribution rates (operator staff only; nobody else), for one year if given."""
    if not is_operator_staff(user):
        return ContributionRate.objects.none()
    qs = ContributionRate.objects.select_related("set_by")
    return qs.filter(year=year) if year else qs


def call_issue_preview(*, user: Viewer, year: int) -> "IssuePlan":
    """What issuing the year would do (operator staff only; others get Http404)."""
    from mutualis.contributions.services import call_issue_plan

    if not is_operator_staff(user):
        raise Http404
    return call_issue_plan(year=year)


def year_choices(*, user: Viewer) -> list[int]:
    """Years worth offering in a selector: those with rates or calls, plus the current and previous years."""
    today = timezone.localdate()
    years = {today.year, today.year - 1}
    if is_operator_staff(user):
        years |= set(ContributionRate.objects.values_list("year", flat=True))
        years |= set(ContributionCall.objects.values_list("year", flat=True))
    return sorted(years, reverse=True)


def default_year(*, user: Viewer) -> int:
    """The year a list opens on: the latest year with an issued call, else the current year."""
    latest = call_list(user=user).filter(status=CallStatus.ISSUED).order_by("-year").values_list("year", flat=True)
    return latest.first() or timezone.localdate().year

"""Reads of the educational projects: calls (every signed-in user reads them), applications in the user's scope
(the collège's département, its referents, staff), the collèges a user may apply for."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.validation import parse_id
from mutualis.education.choices import ApplicationStatus, EstablishmentKind
from mutualis.education.models import Application, Establishment, ProjectCall
from mutualis.education.selectors.establishments import referent_establishments, scoped


def call_list(*, filters: dict[str, Any] | None = None) -> QuerySet[ProjectCall]:
    """The calls, newest school year first, with their application and selection counts; filter school_year."""
    qs = ProjectCall.objects.annotate(
        application_count=Count("applications", distinct=True),
        selected_count=Count("applications", filter=Q(applications__status=ApplicationStatus.SELECTED), distinct=True),
    )
    year = ((filters or {}).get("school_year") or "").strip()
    if year:
        qs = qs.filter(school_year=year)
    return qs.order_by("-school_year", french("title"))


def call_get(*, pk: Any) -> ProjectCall:
    """One call (with its counts), or Http404."""
    call = call_list().filter(pk=pk).first() if parse_id(pk) else None
    if call is None:
        raise Http404
    return call


def school_years() -> list[str]:
    """The school years that have calls, newest first."""
    return sorted(set(ProjectCall.objects.values_list("school_year", flat=True)), reverse=True)


def application_list(*, user: Viewer, filters: dict[str, Any] | None = None) -> QuerySet[Application]:
    """Applications the user may read; filters: call (id), status."""
    qs = scoped(Application, user, "establishment__referents").select_related(
        "call", "establishment", "establishment__commune__departement"
    )
    filters = filters or {}
    if call := parse_id(filters.get("call")):
        qs = qs.filter(call_id=call)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by(french("establishment__name"), "class_name", "pk")


def application_get(*, user: Viewer, pk: Any) -> Application:
    """One application the user may read, or Http404."""
    application = application_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if application is None:
        raise Http404
    return application


def applicable_establishments(*, user: Viewer, call: ProjectCall, manage: bool) -> QuerySet[Establishment]:
    """The collèges the user may apply for: those they are a referent of (all, for education officers), among
    the call's eligible ones."""
    base = Establishment.objects.all() if manage else referent_establishments(user=user)
    qs = base.filter(kind=EstablishmentKind.COLLEGE)
    listed = call.eligible_establishments.values("pk")
    if call.eligible_establishments.exists():
        qs = qs.filter(pk__in=listed)
    return qs.order_by(french("name"))

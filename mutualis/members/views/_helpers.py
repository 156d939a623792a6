"""Small helpers shared by the members views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from mutualis.core.permissions import is_operator_staff
from mutualis.members.models import Member


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Back-office pages: anonymous users go to the login page; members' users get 404 (nothing to see here)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def require(abilities: dict[str, bool], key: str) -> None:
    """Refuse (403) an action the user may not take on an object they can see."""
    if not abilities.get(key):
        raise PermissionDenied


def member_home_url(user: Any, member: Member) -> str:
    """Where to return after an action on a member's things: the back-office for staff, else the member space."""
    if is_operator_staff(user):
        return reverse("members:backoffice_member_detail", args=[member.pk])
    return reverse("members:space_member", args=[member.pk])

"""Abilities (La Suite numérique's get_abilities): one dict per object drives both buttons and API permissions."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import permissions

# HTTP method → ability key looked up in the object's abilities.
METHOD_ABILITY = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "PUT": "update",
    "PATCH": "update",
    "DELETE": "delete",
}


class AbilityPermission(permissions.BasePermission):
    """DRF permission reading `view.get_object_abilities(obj)` (the app's get_abilities) for object access.

    Views may set `action_abilities = {"approve": "approve"}` so that custom actions ask for their own key.
    """

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        abilities = view.get_object_abilities(obj)
        key = getattr(view, "action_abilities", {}).get(getattr(view, "action", None))
        key = key or METHOD_ABILITY.get(request.method, "update")
        return bool(abilities.get(key))


def is_operator_staff(user: Any) -> bool:
    """True for an authenticated operator staff account (any staff role)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator_staff", False))


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Back-office pages: anonymous users go to the login page; members' users get 404 (nothing to see here)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def require_ability(abilities: dict[str, bool], key: str) -> None:
    """Refuse (403) an action the user may not take on an object they can see."""
    if not abilities.get(key):
        raise PermissionDenied

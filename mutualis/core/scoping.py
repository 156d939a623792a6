"""Tenant scoping (NetBox's RestrictedQuerySet.restrict): every member-owned model answers `visible_to(user)`.

`core` knows no member: the app that owns memberships registers, in its AppConfig.ready(), the function giving the
ids of the members a user may read. A tenant model names the path from itself to its member (`member_path`, "member"
by default, "order__member" for an order line) and uses `TenantQuerySet.as_manager()`; selectors then start from
`Model.objects.visible_to(user)`, never from a hand-written `member_id__in=…`.
"""

from collections.abc import Callable
from typing import Any, Self

from django.db import models

MemberScope = Callable[[Any], models.QuerySet]
_member_scope: list[MemberScope] = []


def register_member_scope(scope: MemberScope) -> None:
    """Set the function returning, for a user, a queryset of the member ids they may read (one per project)."""
    _member_scope[:] = [scope]


def visible_member_ids(user: Any) -> models.QuerySet:
    """The ids of the members whose data the user may read, as a subquery (`…__in=`)."""
    if not _member_scope:
        raise RuntimeError("No member scope registered: the members app registers it in its AppConfig.ready().")
    return _member_scope[0](user)


class TenantQuerySet(models.QuerySet):
    """A queryset of member-owned rows; `visible_to(user)` keeps the rows of the members the user may read."""

    def visible_to(self, user: Any) -> Self:
        """Rows of the members the user may read: all for operator staff, their members' for a member's user,
        none for anonymous or inactive users."""
        path = getattr(self.model, "member_path", "member")
        return self.filter(**{f"{path}__in": visible_member_ids(user)})


def tenant_models() -> list[type[models.Model]]:
    """Every installed model whose default manager is scoped by member (for the house-rule tests)."""
    from django.apps import apps

    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), TenantQuerySet)]

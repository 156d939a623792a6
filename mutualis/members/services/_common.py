"""Helpers shared by the members services (not a public API)."""

from typing import Any

from django.db import models

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.models import User
from mutualis.accounts.types import Viewer
from mutualis.members.choices import MemberRole


def authenticated_or_none(user: Viewer | None) -> User | None:
    """The user if signed in, else None (scripts and the demo act as the system)."""
    return user if isinstance(user, User) and user.is_authenticated else None


def administrators() -> models.QuerySet[User]:
    """Active operator administrators (they are told of new adhésion requests)."""
    return User.objects.filter(staff_role=StaffRole.ADMINISTRATOR, is_active=True)


def managers_of(member: Any) -> models.QuerySet[User]:
    """Active users holding the manager role in the member."""
    return User.objects.filter(memberships__member=member, memberships__role=MemberRole.MANAGER, is_active=True)

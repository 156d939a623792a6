"""Small helpers shared by the members views."""

from typing import Any

from django.urls import reverse

from mutualis.core.permissions import is_operator_staff, require_ability, staff_required  # noqa: F401 (re-exported)
from mutualis.members.models import Member

# Shared with every back-office: see core.permissions.
require = require_ability


def member_home_url(user: Any, member: Member) -> str:
    """Where to return after an action on a member's things: the back-office for staff, else the member space."""
    if is_operator_staff(user):
        return reverse("members:backoffice_member_detail", args=[member.pk])
    return reverse("members:space_member", args=[member.pk])

"""Helpers shared by the members services (not a public API)."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.models import User
from mutualis.members.choices import MemberRole


class Errors:
    """Collects French messages by field, so that a form shows every problem at once; raises them together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[Any]] = {}

    def add(self, field: str | None, message: Any) -> None:
        self.by_field.setdefault(field or NON_FIELD_ERRORS, []).append(message)

    def full_clean(self, obj: models.Model, **kwargs: Any) -> None:
        """Run the model's own validation and keep its messages (field validators, uniqueness, constraints)."""
        try:
            obj.full_clean(**kwargs)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    if message not in self.by_field.get(field, []):
                        self.add(field, message)

    def has(self, field: str) -> bool:
        return field in self.by_field

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def administrators() -> models.QuerySet[User]:
    """Active operator administrators (they are told of new adhésion requests)."""
    return User.objects.filter(staff_role=StaffRole.ADMINISTRATOR, is_active=True)


def managers_of(member: Any) -> models.QuerySet[User]:
    """Active users holding the manager role in the member."""
    return User.objects.filter(memberships__member=member, memberships__role=MemberRole.MANAGER, is_active=True)

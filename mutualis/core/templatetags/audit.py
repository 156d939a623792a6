"""Template filters of the audit journal: French labels of actions and object types, and the shape of a diff."""

from collections.abc import Iterable

from django import template

from mutualis.core import audit_labels
from mutualis.core.audit_diff import DiffRow

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """« Adhésion approuvée » for `member.approved` (the code itself when no app declared it)."""
    return audit_labels.action_label(code)


@register.filter
def audit_object_type(code: str) -> str:
    """« Adhérent » for `members.member` (the model's verbose_name, or the code)."""
    return audit_labels.object_type_label(code)


@register.filter
def diff_has_before(rows: Iterable[DiffRow]) -> bool:
    """Whether any row of the diff recorded a value before (an update), so that the table shows that column."""
    return any(row.before is not None for row in rows)


@register.filter
def diff_has_after(rows: Iterable[DiffRow]) -> bool:
    """Whether any row of the diff recorded a value after (not only a removal)."""
    return any(row.after is not None for row in rows)

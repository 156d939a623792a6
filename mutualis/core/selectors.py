"""Reads owned by core: the audit log, for operator staff only."""

from typing import Any

from django.db.models import Q, QuerySet

from mutualis.core.models import AuditEntry, Notification


def audit_entry_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Audit entries visible to the user (operator staff see all; others none), newest first."""
    if not getattr(user, "is_operator_staff", False):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor").order_by("-seq")
    filters = filters or {}
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor_label__icontains=q) | Q(reason__icontains=q))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("member_ids"):
        qs = qs.filter(member_id__in=filters["member_ids"])
    elif filters.get("member_id"):
        qs = qs.filter(member_id=filters["member_id"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    return qs


def audit_codes_in_use(*, user: Any) -> tuple[list[str], list[str]]:
    """The actions and object types the journal holds (operator staff only), so that every one can be filtered."""
    if not getattr(user, "is_operator_staff", False):
        return [], []
    entries = AuditEntry.objects.order_by()
    actions = list(entries.values_list("action", flat=True).distinct())
    object_types = list(entries.exclude(object_type="").values_list("object_type", flat=True).distinct())
    return actions, object_types


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-id")


def unread_notification_count(*, user: Any) -> int:
    """How many of the user's notifications are unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

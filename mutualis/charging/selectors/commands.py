"""Reads of commands and the OCPP message log, scoped by the viewer."""

from typing import Any

from django.db.models import QuerySet

from mutualis.accounts.types import Viewer
from mutualis.charging.models import ChargePoint, Command, MessageLog
from mutualis.charging.selectors.registry import _get


def command_list(*, user: Viewer, charge_point: ChargePoint | None = None) -> QuerySet[Command]:
    """The commands the user may see (of one charge point when given), newest first."""
    queryset = Command.objects.visible_to(user).select_related("charge_point", "requested_by")
    if charge_point is not None:
        queryset = queryset.filter(charge_point=charge_point)
    return queryset.order_by("-created_at", "-id")


def command_get(*, user: Viewer, pk: Any) -> Command:
    """One command the user may see, or Http404 (its status and result change as the gateway records them)."""
    return _get(command_list(user=user), pk)


def message_log_list(*, user: Viewer, charge_point: ChargePoint, limit: int = 50) -> list[MessageLog]:
    """The last OCPP frames exchanged with a charge point the user may see, newest first."""
    return list(MessageLog.objects.visible_to(user).filter(charge_point=charge_point).order_by("-at", "-id")[:limit])

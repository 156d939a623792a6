"""Management commands that write run in their own audit context (there is no request to give them one)."""

from typing import Any

from django.core.management.base import BaseCommand

from mutualis.core.context import audit_context


class AuditedCommand(BaseCommand):
    """A command whose audit entries say where they come from: origin "command:<name>", the user agent
    "manage.py <name>" (what the log shows), one request id for the whole run (commands it calls share it)."""

    def execute(self, *args: Any, **options: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with audit_context(origin=f"command:{name}", user_agent=f"manage.py {name}"):
            return super().execute(*args, **options)

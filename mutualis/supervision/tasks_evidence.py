"""Scheduled destruction of recordings and evidence past their site's retention (django-tasks, run by the worker;
`manage.py clock` enqueues it every hour, `manage.py evidence_retention` runs it once)."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.supervision.services.retention import purge_expired


def run_retention() -> dict[str, int]:
    """One pass of the retention purge, in the task's own audit context."""
    with audit_context(origin="clock:supervision.evidence_retention", user_agent="task evidence_retention"):
        return purge_expired()


@task()
def evidence_retention() -> dict[str, int]:
    """The retention purge, as a task the worker runs."""
    return run_retention()

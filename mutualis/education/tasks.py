"""Background work of the education app (django-tasks, run by the worker): reminders of overdue loans."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.education.services.loans import loan_remind_overdue


@task()
def remind_overdue_loans() -> int:
    """Remind every overdue loan due for a reminder (once a week each); safe to run twice the same day (the clock
    enqueues it daily)."""
    with audit_context(origin="clock:education.overdue_loans", user_agent="task remind_overdue_loans"):
        return loan_remind_overdue()

"""Background work of the catalogue (django-tasks, run by the worker): generating datasets on schedule and when
their data changed.

`refresh_catalogue` looks at every dataset: one with no generation yet, whose last generation is older than its
update frequency allows, or whose data changed since (its `last_modified()` is later), is generated again. The
clock (`manage.py clock`, core.schedule) enqueues it every OPENDATA_REFRESH_MINUTES (registered in apps.py).
"""

import datetime

from django.utils import timezone
from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.opendata import registry, selectors
from mutualis.opendata.registry import Dataset
from mutualis.opendata.services import generation_run


def is_due(dataset: Dataset, *, now: datetime.datetime) -> str:
    """Why the dataset should be generated now ("new", "schedule", "change"), or "" when its files are current."""
    last = selectors.last_generation(dataset.slug)
    if last is None:
        return "new"
    if now - last.started_at >= dataset.refresh_interval:
        return "schedule"
    if selectors.changed_since(dataset, last.started_at):
        return "change"
    return ""


def _pending(task_path: str, args: list) -> bool:
    """True when the database backend already holds a waiting run of this task with these arguments."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # Waiting, due now or later (the queryset's ready() leaves out runs deferred to the future). Compared in Python: JSON containment lookups differ between SQLite and PostgreSQL; few runs ever wait.
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_path).values_list(
        "args_kwargs", flat=True
    )
    return any((kwargs or {}).get("args") == args for kwargs in waiting)


def can_defer() -> bool:
    """True when the tasks backend runs tasks later (the worker), False when it runs them inline (the tests)."""
    return bool(refresh_catalogue.get_backend().supports_defer)


@task()
def generate_dataset(slug: str, trigger: str = "task") -> str:
    """Generate one dataset's files now; returns the generation's status ("missing" for an unknown slug)."""
    dataset = registry.dataset_get(slug)
    if dataset is None:
        return "missing"
    with audit_context(origin="task:opendata_generate", user_agent="task generate_dataset"):
        return generation_run(dataset=dataset, trigger=trigger).status


@task()
def refresh_catalogue() -> list[str]:
    """Generate every dataset that is due (see is_due); returns the slugs generated."""
    done = []
    with audit_context(origin="clock:opendata.refresh", user_agent="task refresh_catalogue"):
        for dataset in registry.datasets():
            reason = is_due(dataset, now=timezone.now())
            if reason:
                generation_run(dataset=dataset, trigger=reason)
                done.append(dataset.slug)
    return done


def request_generation(slug: str) -> bool:
    """Ask the worker to generate this dataset soon (its data changed), unless a run is already waiting; True when
    one was enqueued. Apps may call it after commit; downloads call it when they find a file older than its data."""
    if can_defer() and _pending(generate_dataset.module_path, [slug, "change"]):
        return False
    generate_dataset.enqueue(slug, "change")
    return True

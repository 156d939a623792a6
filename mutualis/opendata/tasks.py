"""Background work of the catalogue (django-tasks, run by the worker): generating datasets on schedule and when
their data changed.

`refresh_catalogue` looks at every dataset: one with no generation yet, whose last generation is older than its
update frequency allows, or whose data changed since (its `last_modified()` is later), is generated again. Then,
on a backend that can defer (the database backend of the worker), it enqueues itself to run again after
OPENDATA_REFRESH_MINUTES, so that one run started by `manage.py opendata_generate --schedule` keeps it going.
"""

import datetime

from django.conf import settings
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
    """Generate every dataset that is due (see is_due), then come back after OPENDATA_REFRESH_MINUTES; returns the
    slugs generated."""
    done = []
    try:
        with audit_context(origin="task:opendata_refresh", user_agent="task refresh_catalogue"):
            for dataset in registry.datasets():
                reason = is_due(dataset, now=timezone.now())
                if reason:
                    generation_run(dataset=dataset, trigger=reason)
                    done.append(dataset.slug)
    finally:
        # Even when a pass fails (the database away), the next one is planned: the loop never stops by itself.
        schedule_refresh()
    return done


def schedule_refresh(*, minutes: int | None = None) -> bool:
    """Enqueue the next refresh in `minutes` (OPENDATA_REFRESH_MINUTES by default) unless one is waiting (database
    backend only: the inline backend of the tests cannot defer); True when one was enqueued."""
    if not can_defer() or _pending(refresh_catalogue.module_path, []):
        return False
    delay = settings.OPENDATA_REFRESH_MINUTES if minutes is None else minutes
    refresh_catalogue.using(run_after=timezone.now() + datetime.timedelta(minutes=delay)).enqueue()
    return True


def request_generation(slug: str) -> bool:
    """Ask the worker to generate this dataset soon (its data changed), unless a run is already waiting; True when
    one was enqueued. Apps may call it after commit; downloads call it when they find a file older than its data."""
    if can_defer() and _pending(generate_dataset.module_path, [slug, "change"]):
        return False
    generate_dataset.enqueue(slug, "change")
    return True

"""Periodic tasks of the whole platform: apps register them in their `AppConfig.ready()`, `manage.py clock` (one
Procfile process) enqueues each onto the worker at its interval.

django-tasks has no periodic scheduling of its own. The clock claims each due slot in the database (PeriodicSlot,
one conditional UPDATE moving `next_run_at` from the value it read to `now + every`): with two clocks running (two
machines), one wins the slot and enqueues, the other finds nothing to do. A task runs when the clock first sees it,
then every interval; after a stop, an overdue task runs once and its next run counts from then (no catch-up burst).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualis.core.models import PeriodicSlot


@dataclass(frozen=True)
class Periodic:
    """A django-tasks task the clock enqueues every `every` (`label`: what it does, in French, for `--list`)."""

    name: str
    task: Any
    every: datetime.timedelta
    label: str = ""


_registry: dict[str, Periodic] = {}


def register_periodic(name: str, task: Any, *, every: datetime.timedelta, label: str = "") -> None:
    """Have the clock enqueue `task` (a django-tasks task, run with no argument) every `every`; `name` ("app.job")
    names its slot in the database. Registering a name again replaces it (ready() may run twice in tests)."""
    if every <= datetime.timedelta(0):
        raise ValueError(f"Periodic task {name}: the interval must be positive.")
    if not hasattr(task, "enqueue"):
        raise TypeError(f"Periodic task {name}: {task!r} is not a django-tasks task.")
    _registry[name] = Periodic(name=name, task=task, every=every, label=str(label))


def periodic_tasks() -> list[Periodic]:
    """Every registered periodic task, by name."""
    return [_registry[name] for name in sorted(_registry)]


def claim(periodic: Periodic, *, now: datetime.datetime) -> bool:
    """Take the task's slot due at `now`, if it is due and no other clock took it; True when this clock has it."""
    slot = PeriodicSlot.objects.filter(name=periodic.name).first()
    if slot is None:
        try:
            with transaction.atomic():
                PeriodicSlot.objects.create(name=periodic.name, next_run_at=now + periodic.every, last_run_at=now)
        except IntegrityError:  # another clock created it first: its run is this one
            return False
        return True
    if slot.next_run_at > now:
        return False
    # Compare-and-set on the value read: another clock that claimed it meanwhile moved it, and this UPDATE misses.
    return bool(
        PeriodicSlot.objects.filter(pk=slot.pk, next_run_at=slot.next_run_at).update(
            next_run_at=now + periodic.every, last_run_at=now
        )
    )


def tick(*, now: datetime.datetime | None = None, periodics: list[Periodic] | None = None) -> list[str]:
    """Enqueue every task due at `now` whose slot this clock claims; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in periodic_tasks() if periodics is None else periodics:
        # The claim and the enqueued run commit together: a failed enqueue leaves the slot due.
        with transaction.atomic():
            if claim(periodic, now=now):
                periodic.task.enqueue()
                enqueued.append(periodic.name)
    return enqueued


def next_runs() -> dict[str, datetime.datetime]:
    """When each task that has run is next due (a task never seen runs at the clock's next pass)."""
    return dict(PeriodicSlot.objects.values_list("name", "next_run_at"))


def every_label(every: datetime.timedelta) -> str:
    """The interval in French: « toutes les 30 secondes », « toutes les heures », « tous les 7 jours »."""
    seconds = int(every.total_seconds())
    for plural, size, feminine in (("jours", 86400, False), ("heures", 3600, True), ("minutes", 60, True)):
        if seconds % size == 0:
            count = seconds // size
            every_word = "toutes les" if feminine else "tous les"
            return f"{every_word} {plural}" if count == 1 else f"{every_word} {count} {plural}"
    return "toutes les secondes" if seconds == 1 else f"toutes les {seconds} secondes"

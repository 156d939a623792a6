"""Supervision's periodic work: the tasks (run by the worker) and the schedule the clock process enqueues them on.

django-tasks has no periodic scheduling of its own, so `manage.py supervision_clock` (a Procfile process) enqueues
each task of SCHEDULE at its interval and the worker runs it. One clock per deployment is enough; a second would
only run the checks twice, which they tolerate (one open technical alarm per defect, one escalation per level).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.supervision.services.alarms import check_heartbeats


@task()
def check_camera_health() -> int:
    """Camera health: every supervised device silent beyond its site's heartbeat timeout gets a technical alarm
    (it closes by itself when the device is heard from again); returns how many were raised."""
    with audit_context(origin="task:supervision_camera_health", user_agent="task check_camera_health"):
        return check_heartbeats(now=timezone.now())


@dataclass(frozen=True)
class Periodic:
    """A task the clock enqueues every `every`."""

    task: Any
    every: datetime.timedelta


SCHEDULE: dict[str, Periodic] = {
    "camera_health": Periodic(check_camera_health, datetime.timedelta(minutes=1)),
}


class Clock:
    """Which periodic tasks are due: each runs at start, then every interval (kept in the clock's memory)."""

    def __init__(self, schedule: dict[str, Periodic] | None = None) -> None:
        self.schedule = SCHEDULE if schedule is None else schedule
        self.next_run: dict[str, datetime.datetime] = {}

    def tick(self, now: datetime.datetime | None = None) -> list[str]:
        """Enqueue the tasks due at `now`; returns their names."""
        now = now or timezone.now()
        due = []
        for name, periodic in self.schedule.items():
            if self.next_run.get(name, now) <= now:
                periodic.task.enqueue()
                self.next_run[name] = now + periodic.every
                due.append(name)
        return due

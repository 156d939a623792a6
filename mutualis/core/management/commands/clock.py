"""`manage.py clock`: the platform's one clock (the `clock` process of the Procfile). Every CLOCK_POLL_SECONDS it
enqueues, for the worker, each periodic task that apps registered (core.schedule) and that is due; several clocks
may run at once, each run is enqueued once. `--once`: a single pass (tests, cron); `--list`: the schedule."""

import signal
import threading
from typing import Any

from django.core.management.base import CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from config.env import envint
from mutualis.core import schedule
from mutualis.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Met en file, à leur rythme, les tâches périodiques de toutes les applications (exécutées par le worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="une seule passe, puis s'arrête")
        parser.add_argument("--list", action="store_true", help="afficher les tâches périodiques et leur rythme")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        stop = threading.Event()
        if not options["once"]:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write(f"Horloge : {len(schedule.periodic_tasks())} tâche(s) périodique(s).")
        poll = envint("CLOCK_POLL_SECONDS", "5")
        while True:
            # Drop a connection the database closed while the clock slept (never inside a transaction: a test's).
            if not connection.in_atomic_block:
                close_old_connections()
            for name in schedule.tick():
                self.stdout.write(f"En file : {name}")
            if options["once"] or stop.wait(timeout=poll):
                return

    def _list(self) -> None:
        next_runs = schedule.next_runs()
        self.stdout.write("Tâches périodiques (mises en file par « manage.py clock », exécutées par le worker) :")
        for periodic in schedule.periodic_tasks():
            at = next_runs.get(periodic.name)
            when = timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S") if at else "au prochain passage"
            self.stdout.write(
                f"- {periodic.name} : {periodic.label or periodic.task.name}, {schedule.every_label(periodic.every)}"
                f" (prochaine : {when})"
            )

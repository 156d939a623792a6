"""`manage.py supervision_clock`: enqueues supervision's periodic tasks (camera health…) for the worker."""

import signal
import threading
from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision.schedule import SCHEDULE, Clock


class Command(AuditedCommand):
    help = "Met en file, à leur rythme, les tâches périodiques de la supervision (santé des caméras…)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="une seule fois, puis s'arrête")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        clock = Clock()
        self.stdout.write("Tâches périodiques : " + ", ".join(f"{n} ({p.every})" for n, p in SCHEDULE.items()))
        while True:
            for name in clock.tick():
                self.stdout.write(f"En file : {name}")
            if options["once"] or stop.wait(timeout=5):
                return

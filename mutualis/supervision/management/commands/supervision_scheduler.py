"""`manage.py supervision_scheduler`: run supervision's scheduled checks in a loop (the `supervision-scheduler`
process of the Procfile): devices' legal state and heartbeats, escalation every SUPERVISION_TICK_SECONDS (30 s by
default), anomaly detection once an hour. `--once` runs a single pass."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from config.env import envint
from mutualis.supervision.tasks import run_tick


class Command(BaseCommand):
    help = "Boucle des contrôles planifiés de la supervision (escalade, santé, cadre légal, anomalies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="une seule passe")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = envint("SUPERVISION_TICK_SECONDS", "30")
        last_anomaly_hour = None
        while True:
            close_old_connections()
            hour = int(time.time() // 3600)
            result = run_tick(anomalies=hour != last_anomaly_hour)
            last_anomaly_hour = hour
            if options["once"]:
                self.stdout.write(", ".join(f"{k} : {v}" for k, v in result.items()))
                return
            if any(result.values()):
                self.stdout.write(", ".join(f"{k} : {v}" for k, v in result.items()), ending="\n")
            time.sleep(interval)

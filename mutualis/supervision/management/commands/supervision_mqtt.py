"""`manage.py supervision_mqtt`: the MQTT ingest process (Procfile `mqtt-ingest`) for every Frigate source."""

import logging
import signal
import threading
from typing import Any

from django.conf import settings

from mutualis.core.management.base import AuditedCommand
from mutualis.core.processes import settle_heap
from mutualis.supervision.integrations.frigate.mqtt import FrigateMqttIngestor


class Command(AuditedCommand):
    help = (
        "Abonne chaque source Frigate active à <préfixe>/reviews, /events, /available et /stats sur le broker MQTT "
        "et ingère ce qui arrive (reconnexion automatique, messages illisibles journalisés et ignorés)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.MQTT_PORT)
        parser.add_argument("--username", default=settings.MQTT_USERNAME)
        parser.add_argument("--password", default=settings.MQTT_PASSWORD)
        parser.add_argument("--protocol", choices=["5", "3.1.1"], default=settings.MQTT_PROTOCOL)
        parser.add_argument("--client-id", default=settings.MQTT_CLIENT_ID, help="identifiant stable (session)")
        parser.add_argument("--batch-size", type=int, default=3000, help="messages ingérés par transaction au plus")
        parser.add_argument(
            "--batch-wait",
            type=float,
            default=0.02,
            help="attente au plus d'un message avant son lot, en secondes (latence jusqu'aux consoles)",
        )
        parser.add_argument(
            "--share-group",
            default=settings.MQTT_SHARE_GROUP,
            help="abonnements partagés $share/<groupe>/… : plusieurs processus d'ingestion se répartissent les messages",
        )
        parser.add_argument("--reload-every", type=float, default=60.0, help="relecture des sources (secondes)")
        parser.add_argument("--stats-every", type=float, default=60.0, help="compteurs au journal (secondes)")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        ingestor = FrigateMqttIngestor(
            host=options["host"],
            port=options["port"],
            username=options["username"],
            password=options["password"],
            protocol=options["protocol"],
            client_id=options["client_id"],
            batch_size=options["batch_size"],
            batch_wait=options["batch_wait"],
            share_group=options["share_group"],
        )
        self.stdout.write(f"Ingestion MQTT : {options['host']}:{options['port']}")
        settle_heap()
        ingestor.run(stop, reload_every=options["reload_every"], stats_every=options["stats_every"])
        self.stdout.write(f"Arrêt. Compteurs : {dict(ingestor.stats)}")

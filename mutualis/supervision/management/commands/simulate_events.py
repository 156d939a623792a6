"""`manage.py simulate_events`: demo traffic (Frigate over MQTT, webhook over HTTP) so that the console is alive."""

import logging
import time
import urllib.parse
from typing import Any

from django.conf import settings

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision.demo import DEMO_WEBHOOK_TOKEN
from mutualis.supervision.integrations.webhook.client import WebhookClient
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.sources import source_authenticate, source_rotate_token
from mutualis.supervision.simulator import FrigateHTTPServer, Simulator

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Command(AuditedCommand):
    help = (
        "Publie des messages au format Frigate sur le broker pour les caméras de « demo-frigate » et envoie des "
        "événements webhook en HTTP pour « demo-webhook », à un rythme modeste."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rate", type=float, default=0.5, help="scènes ou événements par seconde (0,5)")
        parser.add_argument("--duration", type=float, default=0, help="secondes (0 : sans fin)")
        parser.add_argument("--frigate-share", type=float, default=0.5, help="part des scènes Frigate (0 à 1)")
        parser.add_argument("--frigate-source", default="demo-frigate")
        parser.add_argument("--webhook-source", default="demo-webhook")
        parser.add_argument("--base-url", default=settings.SITE_ROOT, help="adresse de la plateforme")
        parser.add_argument(
            "--token",
            default="",
            help="jeton de la source webhook ; sans lui, un nouveau jeton est émis (l'ancien cesse de fonctionner)",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=float("inf"),
            help="attente des sources de démonstration, en secondes (sans fin par défaut : sous honcho, un "
            "processus qui s'arrête arrête tous les autres)",
        )
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--frigate-http",
            default="auto",
            help="sert /api/<caméra>/latest.jpg (le direct) à l'adresse de l'API HTTP de la source Frigate quand "
            "elle est locale (« auto »), à HÔTE:PORT, ou pas du tout (« off »)",
        )

    def _sources(self, names: tuple[str, str], wait: float) -> tuple[EventSource | None, EventSource | None]:
        """The demo sources, waiting (the demo may still be loading) until at least one exists."""
        deadline, told = time.monotonic() + wait, False
        while True:
            found = {s.name: s for s in EventSource.objects.filter(name__in=names, is_active=True)}
            if found or time.monotonic() >= deadline:
                return found.get(names[0]), found.get(names[1])
            if not told:
                self.stdout.write(f"En attente des sources « {names[0]} » / « {names[1]} » (manage.py load_demo)…")
                told = True
            time.sleep(5)

    def _demo_token(self, webhook: Any) -> str:
        """The published demo token while it still opens the source (the README names it); otherwise a new one,
        since the simulator must be able to post (the source's old token then stops working)."""
        if source_authenticate(token=DEMO_WEBHOOK_TOKEN) == webhook:
            return DEMO_WEBHOOK_TOKEN
        self.stderr.write(f"Le jeton publié ne correspond plus à « {webhook.name} » : nouveau jeton généré.")
        return source_rotate_token(source=webhook, acting_user=None)

    def _frigate_http(self, frigate: EventSource | None, option: str) -> FrigateHTTPServer | None:
        """The simulated Frigate HTTP API, where the demo source says its server is (a loopback address)."""
        if frigate is None or option == "off":
            return None
        if option == "auto":
            address = urllib.parse.urlsplit(frigate.frigate_base_url)
            if address.hostname not in LOOPBACK or address.port is None:
                return None
            host, port = address.hostname, address.port
        else:
            host, _, port_text = option.rpartition(":")
            host, port = host or "127.0.0.1", int(port_text)
        cameras = Simulator._cameras(frigate)
        try:
            server = FrigateHTTPServer((host, port), cameras).start()
        except OSError as exc:
            self.stderr.write(f"API HTTP Frigate simulée non démarrée sur {host}:{port} : {exc}")
            return None
        self.stdout.write(f"API HTTP Frigate simulée : {server.base_url}/api/<caméra>/latest.jpg")
        return server

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        frigate, webhook = self._sources((options["frigate_source"], options["webhook_source"]), options["wait"])
        if frigate is None and webhook is None:
            self.stderr.write(
                f"Ni « {options['frigate_source']} » ni « {options['webhook_source']} » : chargez la démonstration "
                "(manage.py load_demo)."
            )
            return
        client = None
        if webhook is not None:
            token = options["token"] or self._demo_token(webhook)
            client = WebhookClient(base_url=options["base_url"], token=token, timeout=10)
        http = self._frigate_http(frigate, options["frigate_http"])
        simulator = Simulator(
            frigate=frigate,
            webhook=webhook,
            webhook_client=client,
            mqtt_host=settings.MQTT_HOST,
            mqtt_port=settings.MQTT_PORT,
            mqtt_username=settings.MQTT_USERNAME,
            mqtt_password=settings.MQTT_PASSWORD,
            seed=options["seed"],
        )
        self.stdout.write(
            f"Simulation : {len(simulator.frigate_cameras)} caméras Frigate, {len(simulator.webhook_devices)} "
            f"équipements webhook, {options['rate']} par seconde."
        )
        try:
            simulator.run(rate=options["rate"], duration=options["duration"], frigate_share=options["frigate_share"])
        except KeyboardInterrupt:
            pass
        finally:
            simulator.close()
            if http is not None:
                http.stop()
        self.stdout.write(f"Compteurs : {dict(simulator.stats)}")

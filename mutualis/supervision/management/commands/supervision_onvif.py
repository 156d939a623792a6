"""`manage.py supervision_onvif`: the ONVIF ingest process (Procfile `onvif-ingest`) for every ONVIF source."""

import logging
from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.core.processes import settle_heap
from mutualis.supervision.integrations.onvif.ingest import OnvifIngestor, Options


class Command(AuditedCommand):
    help = (
        "Abonne chaque source ONVIF active au service d'événements de son équipement (PullPoint : "
        "CreatePullPointSubscription, PullMessages, Renew, Unsubscribe) et ingère ses notifications ; un équipement "
        "injoignable est une alarme technique, refermée à son retour."
    )

    def add_arguments(self, parser: Any) -> None:
        defaults = Options()
        parser.add_argument("--pull-timeout", type=float, default=defaults.pull_timeout, help="secondes")
        parser.add_argument("--message-limit", type=int, default=defaults.message_limit)
        parser.add_argument("--termination", type=float, default=defaults.termination, help="durée d'abonnement (s)")
        parser.add_argument("--http-timeout", type=float, default=defaults.http_timeout, help="secondes")
        parser.add_argument("--backoff-max", type=float, default=defaults.backoff_max, help="secondes")
        parser.add_argument("--auth-backoff", type=float, default=defaults.auth_backoff, help="secondes")
        parser.add_argument(
            "--offline-grace", type=float, default=defaults.offline_grace, help="panne déclarée après (secondes)"
        )
        parser.add_argument("--heartbeat-every", type=float, default=defaults.heartbeat_every, help="secondes")
        parser.add_argument("--reload-every", type=float, default=30.0, help="relecture des sources (secondes)")
        parser.add_argument("--stats-every", type=float, default=60.0, help="compteurs au journal (secondes)")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        ingestor = OnvifIngestor(
            Options(
                pull_timeout=options["pull_timeout"],
                message_limit=options["message_limit"],
                termination=options["termination"],
                renew_margin=min(30.0, options["termination"] / 4),
                http_timeout=options["http_timeout"],
                backoff_max=options["backoff_max"],
                auth_backoff=options["auth_backoff"],
                heartbeat_every=options["heartbeat_every"],
                offline_grace=options["offline_grace"],
            )
        )
        self.stdout.write("Ingestion ONVIF (PullPoint)")
        settle_heap()
        ingestor.run_until_signalled(reload_every=options["reload_every"], stats_every=options["stats_every"])
        self.stdout.write(f"Arrêt. Compteurs : {dict(ingestor.stats)}")

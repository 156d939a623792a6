"""`manage.py simulate_onvif_device`: the demo's ONVIF camera (Procfile `onvif-device`), a PullPoint event service
on a loopback port that detects motion now and then, sometimes a line crossed or tamper."""

import logging
import random
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mutualis.supervision.demo_onvif import DEMO_ONVIF_PASSWORD, DEMO_ONVIF_USERNAME
from mutualis.supervision.integrations.onvif.simulator import OnvifDevice, notification

# (topic, data, weight): mostly motion, as a real entrance camera.
SCENES = [
    ("RuleEngine/CellMotionDetector/Motion", {"IsMotion": "true"}, 6),
    ("RuleEngine/LineDetector/Crossed", {"ObjectId": "1"}, 2),
    ("RuleEngine/FieldDetector/ObjectsInside", {"IsInside": "true"}, 1),
    ("RuleEngine/TamperDetector/Tamper", {"IsTamper": "true"}, 1),
]


class Command(BaseCommand):
    help = "Sert une caméra ONVIF simulée (service d'événements PullPoint) sur 127.0.0.1, pour la démonstration."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=settings.ONVIF_DEMO_PORT)
        parser.add_argument("--username", default=DEMO_ONVIF_USERNAME)
        parser.add_argument("--password", default=DEMO_ONVIF_PASSWORD)
        parser.add_argument("--every", type=float, default=45.0, help="secondes entre deux détections (moyenne)")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        device = OnvifDevice(username=options["username"], password=options["password"], port=options["port"])
        device.start()
        self.stdout.write(f"Caméra ONVIF simulée : {device.url}")
        rng = random.Random(options["seed"])  # noqa: S311 - a demo scene, not a secret
        while not stop.wait(rng.expovariate(1 / max(options["every"], 0.1))):
            topic, data, _weight = rng.choices(SCENES, weights=[scene[2] for scene in SCENES])[0]
            device.push(notification(topic, data, at=device.now()))
            self.stdout.write(f"Notification : {topic}")
        device.stop()
        self.stdout.write(f"Arrêt. Appels reçus : {dict(device.calls)}")

"""The demo's live traffic: Frigate-shaped messages published to the broker for the `demo-frigate` cameras, and
webhook events posted over HTTP for the `demo-webhook` devices, at a modest rate — so that the console is alive.
It also answers Frigate's `/api/<camera>/latest.jpg` over HTTP (a generated picture with the camera's name and the
time) so that the live view has something to show.

Everything goes through the real paths (Mosquitto → `supervision_mqtt` → ingestion; HTTP → the API view →
ingestion): the simulator writes nothing to the database itself.
"""

import contextlib
import datetime
import heapq
import io
import json
import logging
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import paho.mqtt.client as mqtt
from django.utils import timezone

from mutualis.supervision.choices import EventKind
from mutualis.supervision.integrations.frigate.messages import review_lifecycle, tracked_object
from mutualis.supervision.integrations.webhook.client import WebhookClient
from mutualis.supervision.models import Device, EventSource

logger = logging.getLogger("mutualis.supervision.simulator")

# What a webhook emitter (access control, intrusion panel, cameras) sends, and how often (weights).
WEBHOOK_KINDS = [
    (EventKind.MOTION, 40),
    (EventKind.HEARTBEAT, 25),
    (EventKind.ACCESS_DENIED, 12),
    (EventKind.DOOR_HELD_OPEN, 8),
    (EventKind.INTRUSION, 6),
    (EventKind.LINE_CROSSING, 5),
    (EventKind.DOOR_FORCED, 3),
    (EventKind.TAMPER, 1),
]
ZONES = ["parvis", "hall", "cour", "parking", "préau", "accès livraisons"]


@dataclass(order=True)
class _Due:
    at: float
    topic: str = field(compare=False)
    payload: str = field(compare=False)


class Simulator:
    """Scenes for a Frigate source (over MQTT) and events for a webhook source (over HTTP)."""

    def __init__(
        self,
        *,
        frigate: EventSource | None,
        webhook: EventSource | None,
        webhook_client: WebhookClient | None,
        mqtt_host: str,
        mqtt_port: int,
        mqtt_username: str = "",
        mqtt_password: str = "",
        seed: int | None = None,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo traffic, not a secret
        self.frigate, self.webhook, self.webhook_client = frigate, webhook, webhook_client
        self.stats: Counter[str] = Counter()
        self._due: list[_Due] = []
        self.frigate_cameras = self._cameras(frigate)
        self.webhook_devices = self._cameras(webhook)
        self.client: mqtt.Client | None = None
        self._last: mqtt.MQTTMessageInfo | None = None
        if frigate is not None and self.frigate_cameras:
            self.client = mqtt.Client(
                callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
                client_id=f"mutualis-simulator-{uuid.uuid4().hex[:6]}",
            )
            if mqtt_username:
                self.client.username_pw_set(mqtt_username, mqtt_password or None)
            self.client.reconnect_delay_set(min_delay=1, max_delay=30)
            # Frigate's last will: the broker says « offline » for it if the connection drops.
            self.client.will_set(f"{frigate.mqtt_topic_prefix}/available", "offline", qos=1, retain=True)
            self.client.connect_async(mqtt_host, mqtt_port)
            self.client.loop_start()

    @staticmethod
    def _cameras(source: EventSource | None) -> list[str]:
        if source is None:
            return []
        return list(
            Device.objects.filter(source=source, is_supervised=True)
            .exclude(external_id="")
            .order_by("external_id")
            .values_list("external_id", flat=True)
        )

    def close(self) -> None:
        """Flush and disconnect."""
        if self.client is not None:
            if self._last is not None and self.client.is_connected():
                # Never connected (no broker): nothing was queued that a wait could flush, and paho raises.
                with contextlib.suppress(RuntimeError, ValueError):
                    self._last.wait_for_publish(timeout=30)
            self.client.disconnect()
            self.client.loop_stop()

    # --- Frigate over MQTT -----------------------------------------------------------------------------------

    def _schedule(self, at: float, topic: str, payload: Any) -> None:
        heapq.heappush(self._due, _Due(at, topic, payload if isinstance(payload, str) else json.dumps(payload)))

    def frigate_available(self) -> None:
        """Frigate announces itself online (retained, as Frigate does)."""
        if self.client is not None and self.frigate is not None:
            self.client.publish(f"{self.frigate.mqtt_topic_prefix}/available", "online", qos=1, retain=True)

    def frigate_scene(self, now: float) -> None:
        """A scene on a random camera: a tracked object and its review (new now, update in 3 s, end in 12 s)."""
        if self.frigate is None or not self.frigate_cameras:
            return
        prefix, camera = self.frigate.mqtt_topic_prefix, self.rng.choice(self.frigate_cameras)
        severity = "alert" if self.rng.random() < 0.3 else "detection"
        zones = [self.rng.choice(ZONES)]
        new, update, end = review_lifecycle(camera=camera, start_time=now, severity=severity, zones=zones)
        event_id = new["after"]["data"]["detections"][0]
        obj = tracked_object(event_id=event_id, camera=camera, start_time=now, end_time=now + 12)
        self._schedule(now, f"{prefix}/events", {"type": "new", "before": obj, "after": obj})
        self._schedule(now, f"{prefix}/reviews", new)
        self._schedule(now + 3, f"{prefix}/reviews", update)
        self._schedule(now + 12, f"{prefix}/reviews", end)
        self._schedule(now + 12, f"{prefix}/events", {"type": "end", "before": obj, "after": obj})

    def frigate_stats(self) -> None:
        """Frigate's periodic stats: every camera receiving frames (its heartbeat)."""
        if self.frigate is not None and self.frigate_cameras:
            cameras = {c: {"camera_fps": 5.0, "process_fps": 5.0, "detection_fps": 0.4} for c in self.frigate_cameras}
            self._schedule(time.time(), f"{self.frigate.mqtt_topic_prefix}/stats", {"cameras": cameras})

    def publish_due(self, now: float) -> int:
        """Publish the messages whose time has come; returns how many."""
        published = 0
        while self._due and self._due[0].at <= now and self.client is not None:
            due = heapq.heappop(self._due)
            self._last = self.client.publish(due.topic, due.payload, qos=1)
            published += 1
        self.stats["mqtt_published"] += published
        return published

    # --- webhook over HTTP -----------------------------------------------------------------------------------

    def webhook_events(self, count: int) -> list[dict[str, Any]]:
        """A batch of generic events from the webhook source's devices."""
        kinds, weights = zip(*WEBHOOK_KINDS, strict=True)
        now = timezone.now()
        return [
            {
                "id": f"sim-{uuid.uuid4().hex}",
                "device": self.rng.choice(self.webhook_devices),
                "kind": self.rng.choices(kinds, weights)[0],
                "occurred_at": now.isoformat(),
                "zone": self.rng.choice(ZONES),
                "data": {"simulated": True},
            }
            for _ in range(count)
        ]

    def post_webhook(self, count: int = 1) -> int:
        """Post a batch; returns how many were created (0 while the web process is not up yet)."""
        if self.webhook_client is None or not self.webhook_devices:
            return 0
        try:
            status, answer = self.webhook_client.post(self.webhook_events(count))
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            self.stats["http_unreachable"] += 1
            logger.warning("Webhook endpoint unreachable (%s); the next batch will try again", exc)
            return 0
        if status >= 400:
            self.stats["http_refused"] += 1
            logger.warning("Webhook batch refused (%s): %s", status, str(answer)[:300])
            return 0
        created = sum(1 for r in (answer or {}).get("results", []) if r.get("status") == "created")
        self.stats["webhook_created"] += created
        return created

    # --- loop ------------------------------------------------------------------------------------------------

    def run(self, *, rate: float, duration: float = 0.0, frigate_share: float = 0.5, stats_every: float = 60.0) -> None:
        """About `rate` scenes/events a second, shared between Frigate and the webhook, for `duration` seconds
        (0: until interrupted)."""
        start = last_stats = time.time()
        self.frigate_available()
        self.frigate_stats()
        while duration <= 0 or time.time() - start < duration:
            now = time.time()
            if self.rng.random() < frigate_share:
                self.frigate_scene(now)
            else:
                self.post_webhook(1)
            if now - last_stats >= stats_every:
                last_stats = now
                self.frigate_stats()
                logger.info("Simulator: %s", dict(self.stats))
            self.publish_due(now)
            time.sleep(self.rng.expovariate(rate) if rate > 0 else 1.0)
        self.publish_due(float("inf"))


# --- Frigate's HTTP API: the latest picture of a camera ----------------------------------------------------------

LATEST = re.compile(r"^/api/([^/]+)/latest\.jpg$")
# A tracked object's snapshot or clip (alarms' vignettes, evidence candidates), for any id of Frigate's form.
EVENT_MEDIA = re.compile(r"^/api/events/([A-Za-z0-9][A-Za-z0-9._-]{0,99})/(snapshot\.jpg|clip\.mp4)$")


def latest_jpeg(camera: str, at: datetime.datetime, *, width: int = 640, height: int = 360) -> bytes:
    """A JPEG standing for a camera's current picture: its name, the time, and a block that moves each second."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), (24, 32, 40))
    draw = ImageDraw.Draw(image)
    step = at.second % 20
    draw.rectangle([40 + step * 25, height - 120, 120 + step * 25, height - 40], fill=(60, 140, 90))
    try:
        font = ImageFont.load_default(size=28)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.text((20, 20), camera, fill=(255, 255, 255), font=font)
    draw.text((20, 64), at.strftime("%d/%m/%Y %H:%M:%S"), fill=(255, 220, 120), font=font)
    draw.text((20, 108), "Simulateur Frigate", fill=(180, 190, 200), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


class _FrigateHTTPHandler(BaseHTTPRequestHandler):
    server: "FrigateHTTPServer"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urllib.parse.urlsplit(self.path).path
        latest, media = LATEST.match(path), EVENT_MEDIA.match(path)
        camera = urllib.parse.unquote(latest.group(1)) if latest else ""
        body, content_type = None, "image/jpeg"
        if media is not None and media.group(2) == "clip.mp4":
            body, content_type = self.server.clip(), "video/mp4"
        elif media is not None:
            body = latest_jpeg(f"Événement {media.group(1)}", timezone.localtime())
        elif camera in self.server.cameras:
            body = latest_jpeg(camera, timezone.localtime())
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        logger.debug("Frigate HTTP: " + format, *args)


class FrigateHTTPServer(ThreadingHTTPServer):
    """The part of Frigate's HTTP API the platform reads (`/api/<camera>/latest.jpg` for the live view,
    `/api/events/<id>/snapshot.jpg` for alarms' vignettes, `/api/events/<id>/clip.mp4` for evidence candidates), in a
    thread."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], cameras: list[str]) -> None:
        super().__init__(address, _FrigateHTTPHandler)
        self.cameras = set(cameras)
        self._thread = threading.Thread(target=self.serve_forever, name="frigate-http", daemon=True)
        self._clip: bytes | None = None
        self._clip_lock = threading.Lock()

    def clip(self) -> bytes | None:
        """The clip served for every tracked object (made once by ffmpeg; None without ffmpeg)."""
        from mutualis.supervision.demo_masking import clip

        with self._clip_lock:
            if self._clip is None:
                self._clip = clip()
            return self._clip

    @property
    def base_url(self) -> str:
        """Where it listens, as a source's `frigate_base_url`."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FrigateHTTPServer":
        """Serve in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()

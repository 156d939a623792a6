"""Supervision event storm: sustained ingestion (correlation on) through the service, over HTTP batches and over
MQTT, beside the raw committed-batch insert rate of the same database, measured in the same run.

Not a test: prints figures. A scratch database gets 50 protected sites, 1,300 webhook cameras and 1,300 Frigate
cameras. Then:

- **raw**: the same number of event rows inserted with executemany into a copy of the event table (same columns
  and indexes), one committed transaction per batch — no check, no correlation: the floor of storing events;
- **service**: `ingest_events` called in this process with batches (every rule: idempotency, correlation into
  alarms, timeline, device state, hourly activity);
- **http**: gunicorn (2 workers) serving the API, 2 client threads POSTing JSON batches with the source's token;
- **mqtt**: Mosquitto on a free loopback port and `manage.py supervision_mqtt`; a publisher (the platform's lean
  MQTT codec, `BulkPublisher`) sends Frigate review lifecycles (new/update/end, QoS 1) as fast as the broker takes
  them, then the same again while the ingest process is paused, timed as it drains the backlog;
- **latency**: Redis on a free loopback port (the ingest process wakes the consoles through it, as in production),
  the realtime process as `make run` starts it (uvicorn `config.asgi`), a supervision operator habilitated for
  every site signed in with the second factor, and their console's websocket (`websockets` client, session
  cookie); then MQTT again at a fixed rate (2,000 events/s by default), each message a new review (a new alarm):
  p50/p99 from publication (the review's `start_time`) to the row's `received_at` (stamped in the committing
  transaction), and to the first websocket frame showing the event's alarm with a last event at least as recent;
  events never shown are counted. `--no-console` measures to the database only.

Every run checks that nothing was lost (rows stored == events sent).

    .venv/bin/python bench/supervision_storm.py [--events 50000] [--batch 1000] [--rate 2000 [1000 …]] [--latency-seconds 10]
        [--mqtt-processes 2]   (several ingest processes sharing the topics: $share/…)
        [--database postgresql]   (a scratch PostgreSQL cluster instead of SQLite, as in production)
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["motion", "motion", "motion", "intrusion", "line_crossing", "access_denied", "door_held_open", "heartbeat"]


def setup_django(scratch: str, database_url: str = "") -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    env = {
        **({"DATABASE_URL": database_url} if database_url else {}),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": f"{scratch}/bench.sqlite3",
        "MUTUALIS_VAR_DIR": scratch,
        "SECURE_COOKIES": "0",
        "SECRET_KEY": "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    os.environ.update(env)
    os.makedirs(f"{scratch}/staticfiles", exist_ok=True)
    import django

    django.setup()
    return env


class ScratchPostgres:
    """A PostgreSQL cluster of its own in the scratch directory, on a free loopback port, with the server's default
    durability (every commit flushed), as `.ci/run` starts one (Debian's package: scripts/apt-install.sh postgresql)."""

    def __init__(self, scratch: str) -> None:
        import glob

        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.data, self.port = Path(scratch) / "pg", free_port()
        self.data.mkdir()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(scratch, "postgres")
            shutil.chown(self.data, "postgres")

    def start(self) -> str:
        """Start it; returns the DATABASE_URL of its database."""
        run = lambda *args: subprocess.run([*self.as_pg, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: E731, S603
        run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", f"{self.data}/server.log", "-o", options, "-w", "start")
        run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bench")
        return f"postgres://postgres@127.0.0.1:{self.port}/bench"

    def stop(self) -> None:
        subprocess.run([*self.as_pg, f"{self.bin}/pg_ctl", "-D", str(self.data), "stop", "-m", "fast"],  # noqa: S603
                       check=False, stdout=subprocess.DEVNULL)  # fmt: skip


def prepare(cameras: int) -> dict[str, Any]:
    """Sites, sources and cameras (factories: the bench is not production)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mutualis.supervision.choices import SourceKind
    from mutualis.supervision.models import Device
    from mutualis.supervision.services.sources import source_create
    from mutualis.supervision.tests.factories import ProtectedSiteFactory

    webhook, token = source_create(name="storm-webhook", kind=SourceKind.WEBHOOK, acting_user=None)
    # With its HTTP API address, as deployed: every review then names its snapshot there (an address to check).
    frigate, _token = source_create(
        name="storm-frigate",
        kind=SourceKind.FRIGATE,
        acting_user=None,
        mqtt_topic_prefix="storm",
        frigate_base_url="http://frigate.storm.example:5000",
    )
    sites = [ProtectedSiteFactory() for _ in range(50)]
    devices = []
    for source, prefix in ((webhook, "CAM"), (frigate, "cam")):
        for n in range(cameras):
            devices.append(
                Device(
                    protected_site=sites[n % len(sites)],
                    kind="fixed_camera",
                    name=f"{prefix}-{n:04d}",
                    source=source,
                    external_id=f"{prefix}-{n:04d}",
                    is_active=True,
                    is_supervised=True,
                )
            )
    Device.objects.bulk_create(devices)
    return {"token": token, "webhook": webhook, "frigate": frigate}


def events(count: int, cameras: int, *, stamp: bool = True) -> list[dict[str, Any]]:
    """Generic events on random cameras; `occurred_at` is the moment they are made (for the latency)."""
    rng = random.Random(count)  # noqa: S311 - bench data
    now = datetime.datetime.now(datetime.UTC).isoformat()
    return [
        {
            "id": uuid.uuid4().hex,
            "device": f"CAM-{rng.randrange(cameras):04d}",
            "kind": rng.choice(KINDS),
            "occurred_at": now if stamp else None,
            "zone": "parvis",
        }
        for _ in range(count)
    ]


def count_events(source: Any) -> int:
    from mutualis.supervision.models import Event

    return Event.objects.filter(source=source).count()


def raw(count: int, batch: int, cameras: int) -> dict[str, Any]:
    """Committed batches of plain INSERTs into a copy of the event table (same columns and indexes; no foreign
    keys on PostgreSQL, where LIKE copies none)."""
    from django.db import connection, transaction

    from mutualis.core.bulk import bulk_cursor, db_datetime
    from mutualis.supervision.models import Device, EventSource

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_event")
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_raw_event (LIKE supervision_event INCLUDING ALL)")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'supervision_event' AND sql IS NOT NULL")
            for (statement,) in cursor.fetchall():
                # Indexes keep their columns under names of their own.
                statement = re.sub(r'INDEX "([^"]+)"', r'INDEX "bench_\1"', statement)
                cursor.execute(statement.replace('"supervision_event"', '"bench_raw_event"'))
    source = EventSource.objects.get(name="storm-webhook")
    device_ids = dict(Device.objects.filter(source=source).values_list("external_id", "pk"))
    rows = events(count, cameras)
    columns = (
        "source_id, source_event_id, device_id, kind, occurred_at, received_at, severity, zone, snapshot_url, data"
    )
    sql = f"INSERT INTO bench_raw_event ({columns}) VALUES ({', '.join(['%s'] * 10)})"  # noqa: S608
    started = time.perf_counter()
    for i in range(0, count, batch):
        stamp = db_datetime()(datetime.datetime.now(datetime.UTC))
        # On PostgreSQL, psycopg's executemany with values bound on the server (pipelined): Django's own cursor
        # writes the values into each statement, at a third of the rate.
        with transaction.atomic(), bulk_cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    (source.pk, e["id"], device_ids[e["device"]], e["kind"], e["occurred_at"], stamp, "", e["zone"], "",
                     "{}")
                    for e in rows[i : i + batch]
                ],
            )  # fmt: skip
    return {"events": count, "per_s": count / (time.perf_counter() - started)}


def service(count: int, batch: int, cameras: int, source: Any) -> dict[str, Any]:
    """ingest_events in this process."""
    from mutualis.core.processes import settle_heap
    from mutualis.supervision.services.ingestion import ingest_events

    before = count_events(source)
    rows = events(count, cameras)
    settle_heap()  # as the ingest processes do once started
    started = time.perf_counter()
    for i in range(0, count, batch):
        ingest_events(source=source, events=rows[i : i + batch])
    seconds = time.perf_counter() - started
    return {"events": count, "per_s": count / seconds, "lost": count - (count_events(source) - before)}


def cpu_loop_ms() -> float:
    """A fixed pure-Python loop, best of five (ms): this machine's speed at that moment. Shared virtual machines
    drift by half from one hour to the next; figures of two runs compare only beside their own loop time."""
    best = float("inf")
    for _ in range(5):
        started, total = time.perf_counter(), 0
        for i in range(1_000_000):
            total += i * i
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


def free_port() -> int:
    from mutualis.supervision.integrations.mosquitto import free_port as free

    return free()


def wait_for(source: Any, expected: int, stall: float = 120.0) -> float:
    """Wait until `expected` rows of the source are stored (or nothing moves for `stall` s); returns when."""
    last, moved = -1, time.monotonic()
    while True:
        stored = count_events(source)
        if stored >= expected:
            return time.perf_counter()
        if stored != last:
            last, moved = stored, time.monotonic()
        elif time.monotonic() - moved > stall:
            return time.perf_counter()
        time.sleep(0.2)


def http(count: int, batch: int, cameras: int, source: Any, token: str, env: dict[str, str]) -> dict[str, Any]:
    """gunicorn with 2 workers; 2 client threads posting batches."""
    from mutualis.supervision.integrations.mosquitto import wait_listening
    from mutualis.supervision.integrations.webhook.client import WebhookClient

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [f"{ROOT}/.venv/bin/gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, timeout=60)
        client = WebhookClient(base_url=f"http://127.0.0.1:{port}", token=token, timeout=120)
        # Each worker loads the URLconf, the views and its connection at its first request: a second or so that
        # belongs to starting the server, not to the sustained rate. A few concurrent small batches reach both.
        warm = [threading.Thread(target=client.post, args=(events(10, cameras),)) for _ in range(6)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        before = count_events(source)
        rows = events(count, cameras)
        batches = [rows[i : i + batch] for i in range(0, count, batch)]
        failures: list[Any] = []

        def send(part: list[list[dict[str, Any]]]) -> None:
            for b in part:
                status, answer = client.post(b)
                if status >= 300 and status != 400:
                    failures.append((status, str(answer)[:200]))

        started = time.perf_counter()
        threads = [threading.Thread(target=send, args=(batches[i::2],)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        stored = count_events(source) - before
        return {"events": count, "per_s": count / seconds, "lost": count - stored, "failures": failures[:3]}
    finally:
        server.terminate()
        server.wait()


class Broker:
    """Mosquitto and the ingest process, on free loopback ports."""

    def __init__(
        self, scratch: str, env: dict[str, str], batch: int = 1000, processes: int = 1, wait: float | None = None
    ) -> None:
        from mutualis.supervision.integrations.mosquitto import Mosquitto

        self.mosquitto = Mosquitto(Path(scratch) / "mosquitto").start()
        # One ingest process, or several sharing the topics ($share/<group>/…), each with its own session.
        group = {"MQTT_SHARE_GROUP": "bench"} if processes > 1 else {}
        self.ingests = [
            subprocess.Popen(  # noqa: S603
                [
                    f"{ROOT}/.venv/bin/python",
                    "manage.py",
                    "supervision_mqtt",
                    "--stats-every=3600",
                    f"--batch-size={batch}",
                    *([f"--batch-wait={wait}"] if wait is not None else []),
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    **env,
                    **group,
                    "MQTT_PORT": str(self.mosquitto.port),
                    "MQTT_CLIENT_ID": f"bench-ingest-{n}",
                },
                stdout=subprocess.DEVNULL,
                stderr=open(Path(scratch) / f"ingest-{n}.log", "w"),  # noqa: SIM115
            )  # fmt: skip
            for n in range(processes)
        ]
        from mutualis.supervision.integrations.mqtt_subscriber import BulkPublisher

        # Frigate's side: a lean QoS 1 publisher (paho's, one call and one send per message with 20 in flight,
        # took most of a core beside the ingest process it measured).
        self.publisher = BulkPublisher(host="127.0.0.1", port=self.mosquitto.port, client_id="bench-frigate")
        self.ready()
        if processes > 1:
            time.sleep(5)  # the others started with the first: subscribed by now

    def ready(self, timeout: float = 120.0) -> None:
        """Wait until the ingest process is subscribed: it records the source's « online » once it is."""
        from mutualis.supervision.models import EventSource

        EventSource.objects.filter(name="storm-frigate").update(last_seen_at=None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.publisher.publish([("storm/available", "online")])
            time.sleep(0.5)
            if EventSource.objects.filter(name="storm-frigate", last_seen_at__isnull=False).exists():
                return
        raise RuntimeError("the ingest process never subscribed")

    def publish(self, messages: list[tuple[str, str]]) -> float:
        """Publish QoS 1 and wait until the broker acknowledged everything; returns the seconds it took."""
        started = time.perf_counter()
        self.publisher.publish(messages)
        self.publisher.wait()
        return time.perf_counter() - started

    def close(self) -> None:
        self.publisher.close()
        for ingest in self.ingests:
            ingest.terminate()
        for ingest in self.ingests:
            ingest.wait()
        self.mosquitto.stop()


def frigate_messages(scenes: int, cameras: int, *, now: float | None = None) -> list[tuple[str, str]]:
    """Review lifecycles (3 messages a scene) on random Frigate cameras, start_time = now."""
    from mutualis.supervision.integrations.frigate.messages import review_lifecycle

    rng = random.Random(scenes)  # noqa: S311
    out = []
    for _ in range(scenes):
        camera = f"cam-{rng.randrange(cameras):04d}"
        for message in review_lifecycle(camera=camera, start_time=now or time.time(), severity="alert"):
            out.append(("storm/reviews", json.dumps(message)))
    return out


def mqtt_storm(broker: Broker, count: int, cameras: int, source: Any) -> dict[str, Any]:
    before = count_events(source)
    messages = frigate_messages(count // 3, cameras)
    started = time.perf_counter()
    broker.publish(messages)
    done = wait_for(source, before + len(messages))
    stored = count_events(source) - before
    return {"events": len(messages), "per_s": stored / (done - started), "lost": len(messages) - stored}


def mqtt_backlog(broker: Broker, count: int, cameras: int, source: Any) -> dict[str, Any]:
    """The ingest process paused (SIGSTOP) while the publisher sends, then resumed: the rate it drains the
    broker's backlog at, with the publisher no longer sharing the machine's two cores (as Frigate, on its own
    server, would not)."""
    import signal

    before = count_events(source)
    messages = frigate_messages(count // 3, cameras, now=time.time() + 1)
    for ingest in broker.ingests:
        ingest.send_signal(signal.SIGSTOP)
    try:
        broker.publish(messages)
    finally:
        for ingest in broker.ingests:
            ingest.send_signal(signal.SIGCONT)
    started = time.perf_counter()
    done = wait_for(source, before + len(messages))
    stored = count_events(source) - before
    return {"events": len(messages), "per_s": stored / (done - started), "lost": len(messages) - stored}


class Console:
    """Redis (so that the ingest process wakes the consoles), the realtime process as `make run` starts it
    (Procfile `realtime`: uvicorn config.asgi), and a supervision operator's console websocket recording every
    frame with the moment it arrived."""

    def __init__(self, scratch: str, env: dict[str, str]) -> None:
        from mutualis.supervision.integrations.mosquitto import wait_listening

        if shutil.which("redis-server") is None:
            raise SystemExit("redis-server is missing: bash scripts/apt-install.sh redis-server (or --no-console)")
        self.redis_port = free_port()
        self.redis = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", scratch],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_listening(self.redis_port)
        self.url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {**env, "REDIS_URL": self.url}
        self.frames: list[tuple[float, str]] = []
        self.realtime: subprocess.Popen[bytes] | None = None
        self.thread: threading.Thread | None = None
        self.scratch = scratch

    def open(self) -> None:
        """Start the realtime process, sign an operator in, open the console's websocket."""
        from mutualis.supervision.integrations.mosquitto import wait_listening

        port = free_port()
        self.realtime = subprocess.Popen(  # noqa: S603
            [f"{ROOT}/.venv/bin/uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log"],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=open(Path(self.scratch) / "realtime.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        wait_listening(port, timeout=60)
        ready = threading.Event()
        self.thread = threading.Thread(target=self._listen, args=(port, operator_session(), ready), daemon=True)
        self.thread.start()
        if not ready.wait(60):
            raise RuntimeError("the console's websocket never received its queue")

    def _listen(self, port: int, session: str, ready: threading.Event) -> None:
        from django.conf import settings
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        with connect(
            f"ws://127.0.0.1:{port}/ws/supervision/console/",
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
            max_size=None,
        ) as socket:
            self.socket = socket
            try:
                for frame in socket:
                    self.frames.append((time.time(), str(frame)))
                    ready.set()
            except ConnectionClosed:
                pass

    def shown(self, start: int = 0) -> dict[int, list[tuple[float, datetime.datetime]]]:
        """Per alarm, each (arrival, last_event_at) the console received since frame `start`."""
        out: dict[int, list[tuple[float, datetime.datetime]]] = {}
        for at, text in self.frames[start:]:
            frame = json.loads(text)
            for row in frame.get("alarms", []):
                out.setdefault(row["id"], []).append((at, datetime.datetime.fromisoformat(row["last_event_at"])))
        return out

    def close(self) -> None:
        if self.thread is not None:
            self.socket.close()
            self.thread.join(10)
        for process in (self.realtime, self.redis):
            if process is not None:
                process.terminate()
                process.wait()


def operator_session() -> str:
    """A supervision operator habilitated for every site, signed in with the second factor: the session key."""
    from django.test import Client

    from mutualis.core.testing import login_as
    from mutualis.supervision.models import ProtectedSite
    from mutualis.supervision.tests.factories import HabilitationFactory, supervision_operator

    operator = supervision_operator(email=f"banc-{uuid.uuid4().hex[:8]}@operateur.example.fr")
    for site in ProtectedSite.objects.all():
        HabilitationFactory(protected_site=site, user=operator)
    client = login_as(Client(), operator)
    return client.session.session_key or ""


def percentiles(values: list[float]) -> dict[str, float | None]:
    values = sorted(values)
    if not values:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(statistics.median(values), 1),
        "p99_ms": round(values[max(0, int(len(values) * 0.99) - 1)], 1),
        "max_ms": round(values[-1], 1),
    }


def latency(
    broker: Broker, console: Console | None, rate: float, seconds: float, cameras: int, source: Any
) -> dict[str, Any]:
    """Paced publication of new reviews (each opens an alarm); per event, from its start_time (the moment it is
    published) to the row's received_at, and to the first console frame showing its alarm with a last event at
    least as recent."""
    from mutualis.supervision.integrations.frigate.messages import frigate_id, review_item, review_message
    from mutualis.supervision.models import Event

    rng = random.Random(1)  # noqa: S311
    total = int(rate * seconds)
    before = count_events(source)
    first_frame = len(console.frames) if console else 0
    first_pk = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    for n in range(total):
        ahead = started + n / rate - time.perf_counter()
        if ahead > 0:
            time.sleep(ahead)
        at = time.time()
        item = review_item(review_id=frigate_id(at), camera=f"cam-{rng.randrange(cameras):04d}", start_time=at)
        broker.publisher.publish([("storm/reviews", json.dumps(review_message("new", item)))])
    broker.publisher.wait()
    published = time.perf_counter() - started
    stored_at = wait_for(source, before + total)
    rows = list(
        Event.objects.filter(source=source, pk__gt=first_pk).values_list("occurred_at", "received_at", "alarm_id")
    )
    figures: dict[str, Any] = {
        "events": total,
        "rate": rate,
        "published_per_s": round(total / published),
        "ingested_per_s": round(total / (stored_at - started)),
        "lost": total - len(rows),
        "db": percentiles([(received - occurred).total_seconds() * 1000 for occurred, received, _ in rows]),
    }
    if console is not None:
        # Wait for the console to go quiet (no frame for 3 s), then match every event to its alarm's frames.
        while time.time() - (console.frames[-1][0] if console.frames else 0) < 3:
            time.sleep(0.5)
        shown = console.shown(first_frame)
        from mutualis.supervision.models import Alarm

        # Each event opened its alarm: the alarm's updated_at is stamped in the committing transaction, just
        # before it commits.
        written = dict(Alarm.objects.filter(pk__in={alarm for _o, _r, alarm in rows}).values_list("pk", "updated_at"))
        delays, share, never = [], [], 0
        for occurred, _received, alarm in rows:
            arrival = next((t for t, last_at in shown.get(alarm, []) if last_at >= occurred), None)
            if arrival is None:
                never += 1
            else:
                delays.append((arrival - occurred.timestamp()) * 1000)
                if alarm in written:
                    share.append((arrival - written[alarm].timestamp()) * 1000)
        figures["websocket"] = {
            **percentiles(delays),
            "never_shown": never,
            "frames": len(console.frames) - first_frame,
        }
        # The realtime path's own share: from the alarm written (its commit) to the frame that shows it.
        figures["console_share"] = percentiles(share)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--cameras", type=int, default=1300)
    parser.add_argument("--rate", type=float, nargs="+", default=[2000], help="events/s of the latency runs")
    parser.add_argument("--latency-seconds", type=float, default=10)
    parser.add_argument("--mqtt-batch", type=int, default=3000, help="supervision_mqtt --batch-size")
    parser.add_argument("--mqtt-batch-wait", type=float, help="supervision_mqtt --batch-wait (its default otherwise)")
    parser.add_argument(
        "--mqtt-processes", type=int, default=1, help="supervision_mqtt processes (shared subscriptions)"
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql"], default="sqlite", help="a scratch PostgreSQL cluster, or SQLite"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs, database)")
    parser.add_argument("--no-console", action="store_true", help="latency to the database only (no Redis)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["raw", "service", "http", "mqtt", "latency"])
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="supervision-storm-")
    sys.path.insert(0, str(ROOT))
    postgres = ScratchPostgres(scratch) if args.database == "postgresql" else None
    try:
        env = setup_django(scratch, postgres.start() if postgres else "")
        from django.db import connection

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        world = prepare(args.cameras)
        figures: dict[str, Any] = {"cpus": os.cpu_count(), "database": connection.vendor, "cpu_loop_ms": cpu_loop_ms()}
        print("cpu_loop_ms", figures["cpu_loop_ms"], flush=True)
        if "raw" not in args.skip:
            figures["raw"] = raw(args.events, args.batch, args.cameras)
            print("raw", figures["raw"], flush=True)
        if "service" not in args.skip:
            figures["service"] = service(args.events, args.batch, args.cameras, world["webhook"])
            print("service", figures["service"], flush=True)
        if "http" not in args.skip:
            figures["http"] = http(args.events, args.batch, args.cameras, world["webhook"], world["token"], env)
            print("http", figures["http"], flush=True)
        console = Console(scratch, env) if "latency" not in args.skip and not args.no_console else None
        if "mqtt" not in args.skip or "latency" not in args.skip:
            # The ingest process wakes the consoles through Redis, as in production.
            broker = Broker(
                scratch,
                console.env if console else env,
                batch=args.mqtt_batch,
                processes=args.mqtt_processes,
                wait=args.mqtt_batch_wait,
            )
            try:
                if "mqtt" not in args.skip:
                    figures["mqtt"] = mqtt_storm(broker, args.events, args.cameras, world["frigate"])
                    print("mqtt", figures["mqtt"], flush=True)
                    figures["mqtt_backlog"] = mqtt_backlog(broker, args.events, args.cameras, world["frigate"])
                    print("mqtt_backlog", figures["mqtt_backlog"], flush=True)
                if "latency" not in args.skip:
                    if console is not None:
                        console.open()
                    for rate in args.rate:
                        figures[f"latency_{rate:g}"] = latency(
                            broker, console, rate, args.latency_seconds, args.cameras, world["frigate"]
                        )
                        print(f"latency_{rate:g}", figures[f"latency_{rate:g}"], flush=True)
            finally:
                broker.close()
                if console is not None:
                    console.close()
        figures["cpu_loop_ms_after"] = cpu_loop_ms()
        if "raw" in figures:
            for step in ("service", "http", "mqtt", "mqtt_backlog"):
                if step in figures:
                    figures[step]["x_raw"] = round(figures[step]["per_s"] / figures["raw"]["per_s"], 3)
        print(json.dumps(figures, indent=2, default=str))
    finally:
        if postgres is not None:
            from django.db import connections

            connections.close_all()
            postgres.stop()
        if args.keep:
            print("scratch kept:", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

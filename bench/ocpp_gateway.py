"""The OCPP gateway under load: N simulated OCPP 1.6J charge points on loopback sending heartbeats, status
notifications and meter values, beside the same load against a bare `ocpp`-package central system (schema
validation on, answers only, nothing stored), both measured in the same run.

Not a test: prints figures. For each server, in a process of its own (so that its memory is its own):

- **bare**: one `ocpp.v16.ChargePoint` per connection whose handlers answer at once — the floor of the protocol
  stack (websockets, JSON, schema validation both ways);
- **gateway**: `mutualis.charging.gateway.server.Gateway`, what `manage.py ocpp_gateway` runs, on a scratch SQLite
  database (WAL) holding N registered points — every message persisted: its frames in the message log, statuses on
  the connectors, meter values stored and the session's reading moved on, the StartTransaction committed before its
  answer.

Measured for each: RSS per connection (server RSS with N points connected, minus before, divided by N); latency
p50/p99 at a fixed total rate (--rate msg/s spread over the points, each waiting for its answer); throughput
(msg/s) with every point sending as fast as it is answered, counted until the last write is committed (the gateway
answers statuses and meter values before their commit). At the end, what the gateway stored is compared with what
the points sent (two frames per call, two readings per MeterValues): any difference is printed. Targets (issue 9): 10,000 points in one process with
RSS ≤ 1.2 GB, ≥ 0.8 × the bare throughput with every message persisted, p99 ≤ 50 ms at 1,000 msg/s.

    .venv/bin/python bench/ocpp_gateway.py                 # 500 points, 1,000 msg/s, 10 s per phase
    .venv/bin/python bench/ocpp_gateway.py --points 10000  # the issue's size (opens 10,000 sockets)
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IDENTITY = "BENCH-{:06d}"


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def setup_django(scratch: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = f"{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("REDIS_URL", "")
    import django

    django.setup()


# Servers ---------------------------------------------------------------------------------------------------------


async def serve_bare(port: int) -> None:
    """A central system on the `ocpp` package that answers and stores nothing."""
    from ocpp.routing import on
    from ocpp.v16 import ChargePoint, call_result
    from ocpp.v16.enums import Action
    from websockets.asyncio.server import serve

    now = "2026-01-01T00:00:00Z"

    class Bare(ChargePoint):
        @on(Action.boot_notification)
        async def boot(self, **kwargs: Any) -> Any:
            return call_result.BootNotification(current_time=now, interval=300, status="Accepted")

        @on(Action.heartbeat)
        async def heartbeat(self, **kwargs: Any) -> Any:
            return call_result.Heartbeat(current_time=now)

        @on(Action.status_notification)
        async def status(self, **kwargs: Any) -> Any:
            return call_result.StatusNotification()

        @on(Action.start_transaction)
        async def start_transaction(self, **kwargs: Any) -> Any:
            return call_result.StartTransaction(transaction_id=1, id_tag_info={"status": "Accepted"})

        @on(Action.meter_values)
        async def meter(self, **kwargs: Any) -> Any:
            return call_result.MeterValues()

        @on(Action.authorize)
        async def authorize(self, **kwargs: Any) -> Any:
            return call_result.Authorize(id_tag_info={"status": "Accepted"})

    import logging

    logging.getLogger("ocpp").setLevel(logging.WARNING)

    async def handler(connection: Any) -> None:
        point = Bare(connection.request.path.rsplit("/", 1)[-1], connection)
        with contextlib.suppress(Exception):
            await point.start()

    async with serve(handler, "127.0.0.1", port, subprotocols=["ocpp1.6"], ping_interval=None, compression=None):
        print("READY", flush=True)
        await _until_stopped()


async def serve_gateway(port: int, switch_interval: float) -> None:
    from mutualis.charging.gateway.server import Gateway

    options = {} if switch_interval < 0 else {"switch_interval": switch_interval or None}
    gateway = await Gateway(
        host="127.0.0.1",
        port=port,
        gateway_id="bench",
        maintenance_interval=None,
        redis_url="",
        freeze_gc=True,  # as manage.py ocpp_gateway
        **options,
    ).start()
    print("READY", flush=True)
    await _until_stopped()
    await gateway.stop()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


def make_registry(points: int) -> None:
    """N charge points (one station per 2 points) at a site of a commune member holding the EV competence."""
    from decimal import Decimal

    from mutualis.charging.models import ChargePoint, Connector, IdTag, Station
    from mutualis.charging.tests.factories import with_ev_charging
    from mutualis.members.tests.factories import SiteFactory, commune_member

    member = with_ev_charging(commune_member("78646"))
    site = SiteFactory(member=member, kind="car_park")
    stations = Station.objects.bulk_create(
        [
            Station(
                site=site,
                commune=site.commune,
                id_station_itinerance=f"FRSYNPB{n:06d}",
                name=f"Station {n}",
                address="1 rue du Banc d'Essai",
                latitude=48.8,
                longitude=2.1,
            )
            for n in range((points + 1) // 2)
        ],
        batch_size=1000,
    )
    cps = ChargePoint.objects.bulk_create(
        [
            ChargePoint(
                station=stations[n // 2],
                id_pdc_itinerance=f"FRSYNEB{n:07d}",
                ocpp_identity=IDENTITY.format(n),
                power_kw=Decimal("22"),
                socket_type_2=True,
            )
            for n in range(points)
        ],
        batch_size=1000,
    )
    Connector.objects.bulk_create(
        [Connector(charge_point=cp, evse_id=c, connector_id=c) for cp in cps for c in (0, 1)], batch_size=2000
    )
    IdTag.objects.create(id_tag="BENCH-TAG", member=member)


# Load ------------------------------------------------------------------------------------------------------------


class Client:
    """One simulated point speaking raw OCPP-J 1.6 frames (cheap, so that the load generator is not the limit);
    counts what it sent, to check that the gateway stored every frame and reading."""

    calls = 0
    meter_calls = 0

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count()
        self.transaction = 0
        self.meter = random.randint(1000, 100000)
        self.kinds = itertools.cycle(["MeterValues", "Heartbeat", "MeterValues", "StatusNotification"])

    async def call(self, action: str, payload: dict) -> Any:
        unique = str(next(self.ids))
        Client.calls += 1
        Client.meter_calls += action == "MeterValues"
        await self.ws.send(json.dumps([2, unique, action, payload]))
        while True:
            answer = json.loads(await self.ws.recv())
            if answer[1] == unique:
                if answer[0] != 3:
                    raise RuntimeError(f"{action}: {answer}")
                return answer[2]

    def next_message(self) -> tuple[str, dict]:
        kind = next(self.kinds)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if kind == "Heartbeat":
            return kind, {}
        if kind == "StatusNotification":
            return kind, {"connectorId": 1, "errorCode": "NoError", "status": "Charging", "timestamp": stamp}
        self.meter += 30
        return kind, {
            "connectorId": 1,
            "transactionId": self.transaction,
            "meterValue": [
                {
                    "timestamp": stamp,
                    "sampledValue": [
                        {"value": str(self.meter), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                        {"value": "11000.0", "measurand": "Power.Active.Import", "unit": "W"},
                    ],
                }
            ],
        }


async def connect_all(port: int, points: int) -> list[Client]:
    from websockets.asyncio.client import connect

    clients: list[Client] = []
    semaphore = asyncio.Semaphore(200)

    async def one(n: int) -> None:
        async with semaphore:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ocpp/{IDENTITY.format(n)}",
                subprotocols=["ocpp1.6"],
                ping_interval=None,
                compression=None,
                open_timeout=120,
            )
            client = Client(ws)
            await client.call("BootNotification", {"chargePointVendor": "Bench", "chargePointModel": "B-1"})
            answer = await client.call(
                "StartTransaction",
                {
                    "connectorId": 1,
                    "idTag": "BENCH-TAG",
                    "meterStart": client.meter,
                    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
            )
            client.transaction = answer["transactionId"]
            clients.append(client)

    await asyncio.gather(*(one(n) for n in range(points)))
    return clients


async def fixed_rate(clients: list[Client], rate: float, seconds: float) -> list[float]:
    """Each point sends at rate/N msg/s (random phase), waiting for each answer: latencies in ms."""
    period = len(clients) / rate
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def run(client: Client) -> None:
        await asyncio.sleep(random.uniform(0, period))
        next_at = time.perf_counter()
        while next_at < deadline:
            action, payload = client.next_message()
            start = time.perf_counter()
            await client.call(action, payload)
            latencies.append((time.perf_counter() - start) * 1000)
            next_at += period
            await asyncio.sleep(max(0, next_at - time.perf_counter()))

    await asyncio.gather(*(run(c) for c in clients))
    return latencies


async def saturate(clients: list[Client], seconds: float) -> float:
    """Every point sends as soon as answered: messages answered per second, the time counted until everything sent
    is committed — the gateway answers statuses and meter values before their commit, so the phase ends with an
    Authorize, whose answer waits for the commit of every write queued before it (the bare server answers it too)."""
    done = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def run(client: Client) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            action, payload = client.next_message()
            await client.call(action, payload)
            done += 1

    await asyncio.gather(*(run(c) for c in clients))
    await clients[0].call("Authorize", {"idTag": "BENCH-TAG"})
    return done / (time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def measure(kind: str, server: subprocess.Popen, port: int, args: argparse.Namespace) -> dict[str, Any]:
    await asyncio.sleep(1)
    before = _rss_kb(server.pid)
    Client.calls = Client.meter_calls = 0
    t0 = time.perf_counter()
    clients = await connect_all(port, args.points)
    connect_s = time.perf_counter() - t0
    await asyncio.sleep(2)
    after = _rss_kb(server.pid)
    latencies = await fixed_rate(clients, args.rate, args.seconds)
    throughput = await saturate(clients, args.seconds)
    peak = _rss_kb(server.pid)
    for client in clients:
        await client.ws.close()
    return {
        "server": kind,
        "points": args.points,
        "connect_s": round(connect_s, 1),
        "rss_mb": round(after / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1),
        "kb_per_connection": round((after - before) / args.points, 1),
        "rate": args.rate,
        "sent_at_rate": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "throughput_msg_s": round(throughput),
        "calls_sent": Client.calls,
        "meter_values_sent": Client.meter_calls,
    }


def start_server(kind: str, scratch: str, port: int, switch_interval: float) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, __file__, "--role", kind, "--port", str(port), "--scratch", scratch]
        + ["--switch-interval", str(switch_interval)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ
        | {"SQLITE_PATH": f"{scratch}/bench.sqlite3", "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    line = server.stdout.readline() if server.stdout else ""
    if "READY" not in line:
        server.kill()
        raise RuntimeError(f"{kind} server did not start")
    return server


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def persisted(scratch: str) -> dict[str, int]:
    setup_django(scratch)
    from mutualis.charging.models import ChargingSession, MessageLog, MeterValue

    return {
        "frames": MessageLog.objects.count(),
        "meter_values": MeterValue.objects.count(),
        "sessions": ChargingSession.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=500, help="simulated charge points (the issue: 10000)")
    parser.add_argument("--rate", type=float, default=1000, help="total msg/s of the latency phase")
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase")
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=-1,
        help="the gateway's thread switch interval in seconds (0: Python's default; default: the gateway's own)",
    )
    parser.add_argument("--role", default="main", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _raise_fd_limit()
    if args.role == "bare":
        asyncio.run(serve_bare(args.port))
        return
    if args.role == "gateway":
        setup_django(args.scratch)
        asyncio.run(serve_gateway(args.port, args.switch_interval))
        return
    if args.role == "registry":
        setup_django(args.scratch)
        make_registry(args.points)
        return

    with tempfile.TemporaryDirectory(prefix="bench-ocpp-") as scratch:
        env = os.environ | {"SQLITE_PATH": f"{scratch}/bench.sqlite3", "REDIS_URL": ""}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        # In a child process: this one holds no database connection while the servers run.
        subprocess.run(
            [sys.executable, __file__, "--role", "registry", "--points", str(args.points), "--scratch", scratch],
            check=True,
        )
        results = []
        for kind in ("bare", "gateway"):
            port = free_port()
            server = start_server(kind, scratch, port, args.switch_interval)
            try:
                results.append(asyncio.run(measure(kind, server, port, args)))
            finally:
                stop_server(server)
        stored = persisted(scratch)
    for row in results:
        print(json.dumps(row))
    bare, gateway = results
    # Every call is two frames (the call, its answer), every MeterValues two readings: nothing may be missing.
    expected = {"frames": 2 * gateway["calls_sent"], "meter_values": 2 * gateway["meter_values_sent"]}
    print(json.dumps({"stored_by_gateway": stored, "expected": expected}))
    if stored["frames"] != expected["frames"] or stored["meter_values"] != expected["meter_values"]:
        print("MISSING WRITES: the gateway did not store everything it answered")
    print(
        f"\n{args.points} points — gateway / bare throughput: {gateway['throughput_msg_s'] / bare['throughput_msg_s']:.2f} "
        f"({gateway['throughput_msg_s']} vs {bare['throughput_msg_s']} msg/s); p99 at {args.rate:.0f} msg/s: "
        f"{gateway['p99_ms']} ms (bare {bare['p99_ms']} ms); RSS {gateway['rss_mb']} MB "
        f"({gateway['kb_per_connection']} kB per connection; bare {bare['kb_per_connection']} kB)"
    )


if __name__ == "__main__":
    main()

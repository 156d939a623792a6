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

The load comes from several processes (--workers; 2, or 4 from 2,000 points), each driving its share of the
connections, so that the generator's own CPU does not set the latencies it measures; the servers run one after the
other, bare then gateway, --rounds times (A/B/A/B…), each round on its own line with the machine's load average
before and after (the machine is shared: only figures of one round compare).

Measured for each: RSS per connection (server RSS with N points connected, minus before, divided by N); latency
p50/p99 at a paced total rate (--rate msg/s spread over the points, each sending on its own clock and waiting for its
answer; the rate achieved is printed); throughput (msg/s) with every point sending as fast as it is answered, counted
until the last write is committed (the gateway answers statuses and meter values before their commit); the server's
CPU time per message in both phases (user + system, from /proc: the figure the machine's load disturbs least). After
each gateway round, what it stored is compared with what the points sent (two frames per call, two readings per
MeterValues). Targets (issue 9): 10,000 points in one process with RSS ≤ 1.2 GB, ≥ 0.8 × the bare throughput with
every message persisted, p99 ≤ 50 ms at 1,000 msg/s.

    .venv/bin/python bench/ocpp_gateway.py                            # 500 points, 1,000 msg/s, 10 s a phase, 2 rounds
    .venv/bin/python bench/ocpp_gateway.py --points 10000 --rounds 1  # the issue's size (opens 10,000 sockets)
    .venv/bin/python bench/ocpp_gateway.py --only gateway --rounds 1  # one server (to profile it: py-spy -p <pid>)
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


async def connect_all(port: int, numbers: range) -> list[Client]:
    from websockets.asyncio.client import connect

    clients: list[Client] = []
    semaphore = asyncio.Semaphore(100)

    async def one(n: int) -> None:
        async with semaphore:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ocpp/{IDENTITY.format(n)}",
                subprotocols=["ocpp1.6"],
                ping_interval=None,
                compression=None,
                open_timeout=300,
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

    await asyncio.gather(*(one(n) for n in numbers))
    return clients


async def _until(at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))


async def fixed_rate(clients: list[Client], rate: float, start_at: float, seconds: float) -> list[float]:
    """Each point sends at rate/N msg/s from `start_at` (random phase), paced by the clock and waiting for each
    answer: latencies in ms, from the frame sent to its answer received."""
    period = len(clients) / rate
    latencies: list[float] = []
    deadline = start_at + seconds

    async def run(client: Client) -> None:
        next_at = start_at + random.uniform(0, period)
        while next_at < deadline:
            await _until(next_at)
            action, payload = client.next_message()
            start = time.perf_counter()
            await client.call(action, payload)
            latencies.append((time.perf_counter() - start) * 1000)
            next_at += period

    await asyncio.gather(*(run(c) for c in clients))
    return latencies


async def saturate(clients: list[Client], start_at: float, seconds: float) -> tuple[int, float]:
    """Every point sends as soon as answered from `start_at` for `seconds`, then one Authorize, whose answer waits
    for the commit of every write the gateway queued before it (it answers statuses and meter values before their
    commit; the bare server answers it too): (messages answered, monotonic time of that last answer)."""
    done = 0
    deadline = start_at + seconds
    await _until(start_at)

    async def run(client: Client) -> None:
        nonlocal done
        while time.monotonic() < deadline:
            action, payload = client.next_message()
            await client.call(action, payload)
            done += 1

    await asyncio.gather(*(run(c) for c in clients))
    await clients[0].call("Authorize", {"idTag": "BENCH-TAG"})
    return done, time.monotonic()


def load_worker(pipe: Any, port: int, numbers: range) -> None:
    """A load-generator process driving its share of the points, phase by phase as the main process says (so that
    the generator's own CPU, spread over several processes, does not set the latencies it measures)."""
    _raise_fd_limit()
    loop = asyncio.new_event_loop()
    clients: list[Client] = []
    while True:
        command, *params = pipe.recv()
        if command == "connect":
            t0 = time.monotonic()
            clients = loop.run_until_complete(connect_all(port, numbers))
            pipe.send(time.monotonic() - t0)
        elif command == "rate":
            Client.calls = Client.meter_calls = 0
            latencies = loop.run_until_complete(fixed_rate(clients, *params))
            pipe.send((latencies, Client.calls, Client.meter_calls))
        elif command == "saturate":
            Client.calls = Client.meter_calls = 0
            done, last = loop.run_until_complete(saturate(clients, *params))
            pipe.send((done, last, Client.calls, Client.meter_calls))
        elif command == "close":
            for client in clients:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(client.ws.close())
            pipe.send(None)
            return


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(kind: str, server: subprocess.Popen, port: int, args: argparse.Namespace) -> dict[str, Any]:
    import multiprocessing

    time.sleep(1)
    load_before = _load()
    before = _rss_kb(server.pid)
    context = multiprocessing.get_context("spawn")
    workers = []
    for w in range(args.workers):
        ours, theirs = context.Pipe()
        process = context.Process(target=load_worker, args=(theirs, port, range(w, args.points, args.workers)))
        process.start()
        workers.append((process, ours))

    def each(*message: Any) -> list[Any]:
        for _process, pipe in workers:
            pipe.send(message)
        return [pipe.recv() for _process, pipe in workers]

    t0 = time.monotonic()
    each("connect")
    connect_s = time.monotonic() - t0
    time.sleep(2)
    after = _rss_kb(server.pid)
    start_at = time.monotonic() + 0.5
    cpu0 = _cpu_s(server.pid)
    rated = each("rate", args.rate / args.workers, start_at, args.seconds)
    rate_cpu = _cpu_s(server.pid) - cpu0
    latencies = [latency for part, _calls, _meters in rated for latency in part]
    start_at = time.monotonic() + 0.5
    cpu0 = _cpu_s(server.pid)
    saturated = each("saturate", start_at, args.seconds)
    saturate_cpu = _cpu_s(server.pid) - cpu0
    done = sum(part[0] for part in saturated)
    last = max(part[1] for part in saturated)
    peak = _rss_kb(server.pid)
    each("close")
    for process, _pipe in workers:
        process.join(30)
    calls = sum(part[1] for part in rated) + sum(part[2] for part in saturated)
    meters = sum(part[2] for part in rated) + sum(part[3] for part in saturated)
    return {
        "server": kind,
        "points": args.points,
        "load_avg": f"{load_before} → {_load()}",
        "connect_s": round(connect_s, 1),
        "rss_mb": round(after / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1),
        "kb_per_connection": round((after - before) / args.points, 1),
        "rate": args.rate,
        "achieved_rate": round(len(latencies) / args.seconds),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "cpu_ms_per_msg_at_rate": round(1000 * rate_cpu / max(1, len(latencies)), 3),
        "throughput_msg_s": round(done / (last - start_at)),
        "cpu_ms_per_msg_saturated": round(1000 * saturate_cpu / max(1, done), 3),
        "calls_sent": calls + args.points * 2,  # + each point's BootNotification and StartTransaction
        "meter_values_sent": meters,
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
    """What the scratch database holds, counted in a child process (this one holds no connection)."""
    out = subprocess.run(
        [sys.executable, __file__, "--role", "count", "--scratch", scratch], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def count_stored() -> dict[str, int]:
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
    parser.add_argument("--rounds", type=int, default=2, help="bare then gateway, this many times (A/B/A/B…)")
    parser.add_argument("--only", choices=["bare", "gateway"], help="one server only (profiling)")
    parser.add_argument(
        "--workers", type=int, default=0, help="load-generator processes (default: 2, 4 from 2,000 points)"
    )
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
    if args.role == "count":
        setup_django(args.scratch)
        print(json.dumps(count_stored()))
        return
    args.workers = args.workers or (4 if args.points >= 2000 else 2)

    print(f"{args.points} points, {args.workers} load processes, {os.cpu_count()} CPUs, load average {_load()}")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ocpp-") as scratch:
        env = os.environ | {"SQLITE_PATH": f"{scratch}/bench.sqlite3", "REDIS_URL": ""}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        # In a child process: this one holds no database connection while the servers run.
        subprocess.run(
            [sys.executable, __file__, "--role", "registry", "--points", str(args.points), "--scratch", scratch],
            check=True,
        )
        kinds = [args.only] if args.only else ["bare", "gateway"]
        for round_ in range(1, args.rounds + 1):
            for kind in kinds:
                stored_before = persisted(scratch) if kind == "gateway" else None
                port = free_port()
                server = start_server(kind, scratch, port, args.switch_interval)
                try:
                    row = measure(kind, server, port, args)
                finally:
                    stop_server(server)
                row["round"] = round_
                if stored_before is not None:
                    stored = persisted(scratch)
                    # Every call is two frames (the call, its answer), every MeterValues two readings.
                    row["frames_stored"] = stored["frames"] - stored_before["frames"]
                    row["readings_stored"] = stored["meter_values"] - stored_before["meter_values"]
                    row["all_stored"] = (
                        row["frames_stored"] == 2 * row["calls_sent"]
                        and row["readings_stored"] == 2 * row["meter_values_sent"]
                    )
                print(json.dumps(row), flush=True)
                rows.append(row)
    print()
    by_round: dict[int, dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_round.setdefault(row["round"], {})[row["server"]] = row
    for round_, pair in by_round.items():
        bare, gateway = pair.get("bare"), pair.get("gateway")
        if not (bare and gateway):
            continue
        print(
            f"round {round_} ({args.points} points; load {bare['load_avg']} / {gateway['load_avg']}): "
            f"throughput gateway/bare {gateway['throughput_msg_s'] / bare['throughput_msg_s']:.2f} "
            f"({gateway['throughput_msg_s']} vs {bare['throughput_msg_s']} msg/s; CPU per message "
            f"{gateway['cpu_ms_per_msg_saturated']} vs {bare['cpu_ms_per_msg_saturated']} ms); "
            f"at {args.rate:.0f} msg/s p50/p99 {gateway['p50_ms']}/{gateway['p99_ms']} ms "
            f"(bare {bare['p50_ms']}/{bare['p99_ms']} ms); RSS {gateway['rss_mb']} MB "
            f"({gateway['kb_per_connection']} kB per connection; bare {bare['kb_per_connection']} kB); "
            f"all stored: {'yes' if gateway['all_stored'] else 'NO — MISSING WRITES'}"
        )


if __name__ == "__main__":
    main()

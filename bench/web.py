"""Throughput of the `web` process on the territory API and pages, beside a baseline measured in the same run.

Not a test: prints figures. Starts gunicorn (2 workers, like `make run`) on a scratch SQLite database loaded with the
real territory, sends a bounded number of requests from N client threads on loopback, and reports requests per
second for each route next to the /healthz baseline (a route that only runs `SELECT 1`).

    .venv/bin/python bench/web.py [--requests 2000] [--clients 8]
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTES = [
    ("/healthz", "baseline: SELECT 1"),
    ("/api/v1/communes/?departement=78", "API: 50 communes of 259, paginated"),
    ("/api/v1/communes/78646/", "API: one commune with its contour"),
    ("/territoire/?departement=92", "page: commune list (36)"),
    ("/territoire/communes/92012/", "page: commune with map and panels"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hammer(port: int, path: str, total: int, clients: int) -> float:
    """Send `total` GET requests over `clients` keep-alive connections; return requests per second."""

    def worker(count: int) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(count):
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        conn.close()
        return count

    share = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = sum(pool.map(worker, share))
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="mutualis-bench-")
    # API throttling (DRF counts anonymous clients against both rates) would stop the bench: lift it; the cache
    # writes it costs remain in the figures.
    env = {
        **os.environ,
        "SQLITE_PATH": f"{scratch}/bench.sqlite3",
        "MUTUALIS_VAR_DIR": scratch,
        "SECRET_KEY": "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SECURE_COOKIES": "0",
        "API_ANON_RATE": "100000000/min",
        "API_USER_RATE": "100000000/min",
    }
    env.pop("DATABASE_URL", None)
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "-v0"], ["createcachetable"], ["load_territory"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for path, _label in ROUTES:  # warm up every worker
            hammer(port, path, 20, 4)
        print(f"web process: gunicorn 2 workers, SQLite, {args.clients} clients, {args.requests} requests per route")
        baseline = None
        for path, label in ROUTES:
            rate = hammer(port, path, args.requests, args.clients)
            baseline = baseline or rate
            print(f"{rate:9.0f} req/s  {rate / baseline:5.2f}× baseline  {path:<40} {label}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())

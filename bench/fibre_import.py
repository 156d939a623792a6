"""Imports of operator address files (GraceTHD t_adresse) of 100,000 and 1,000,000 lines: rows/s and peak memory,
beside a raw bulk insert of the same rows into the same database, measured in the same run.

Not a test: prints figures. For each size, a scratch database gets the territory and a demo network's PM zones
(fibre.demo), and a CSV file of that many addresses is written. Then, each in its own process (so that each peak
RSS is its own):

- **raw**: the file read with csv.reader and its rows inserted with executemany, in one transaction, into a copy
  of the address table (same columns and indexes) — no check at all: the floor of loading that file;
- **import**: `services.imports.import_file`, what `manage.py import_fibre` runs — every line checked, staged,
  then applied all at once, the history row updated after every batch;
- **again**: the same file imported a second time (every line unchanged, nothing written).

Targets: import ≥ 0.5 × raw rows/s; peak memory the same for both sizes (the import streams the file).

Runs on a scratch SQLite database (a temporary file, WAL) and, when DATABASE_URL is set, also on PostgreSQL (in a
throw-away database created next to the one DATABASE_URL names).

    .venv/bin/python bench/fibre_import.py [--sizes 100000 1000000]
    DATABASE_URL=postgres://… .venv/bin/python bench/fibre_import.py
"""

import argparse
import csv
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "ad_code",
    "ad_ban_id",
    "ad_hexacle",
    "ad_insee",
    "ad_numero",
    "ad_nomvoie",
    "ad_nblhab",
    "ad_nblpro",
    "ad_ietat",
    "ad_idatsgn",
    "ad_idatcab",
    "ad_idatcom",
    "zs_code",
]
RAW_TABLE = "bench_raw_address"


def setup_django(backend: str, scratch: str, step: str) -> None:
    sys.path.insert(0, str(ROOT))
    if backend == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = f"{scratch}/bench.sqlite3"
    else:
        os.environ["DATABASE_POOL"] = "false"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MUTUALIS_VAR_DIR": scratch,
            "SECURE_COOKIES": "0",
            "SECRET_KEY": "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.makedirs(f"{scratch}/staticfiles", exist_ok=True)
    import django

    django.setup()
    if backend == "postgres" and step != "prepare":
        from django.db import connection

        # Never touch the database DATABASE_URL names: every step works in its test twin, which `prepare` creates
        # and `cleanup` drops.
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
        connection.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(backend: str, scratch: str, size: int) -> dict[str, Any]:
    """Scratch database with the territory and the demo's PM zones; a GraceTHD file of `size` addresses."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if backend == "postgres":
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    from mutualis.fibre import demo
    from mutualis.fibre.models import PMZone
    from mutualis.territory.models import Commune
    from mutualis.territory.services import territory_load

    territory_load()
    today = timezone.localdate()
    communes = list(
        Commune.objects.filter(departement__code="78", population__lt=demo.RURAL_POPULATION).values_list(
            "insee_code", "name", "population"
        )
    )
    # About 1.5 premises an address in the demo: draw enough premises for `size` addresses, keep the first `size`.
    network = demo.build_network(communes, premises=int(size * 1.6), today=today)
    PMZone.objects.bulk_create(demo.pm_zones(network, dict(Commune.objects.values_list("insee_code", "pk"))))
    path = Path(scratch) / f"t_adresse_{size}.csv"
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        for a in itertools.islice(demo.addresses(network, today=today), size):
            number, _space, street = a["label"].partition(" ")
            dates = [a[k].isoformat() if a[k] else "" for k in ("signed_on", "cabled_on", "commissioned_on")]
            writer.writerow(
                [a["code"], a["ban_id"], a["hexacle"], a["insee"], number, street, a["dwellings"],
                 a["business_premises"], a["state"], *dates, a["pm_reference"]]
            )  # fmt: skip
            written += 1
    return {"path": str(path), "lines": written, "bytes": path.stat().st_size}


def _create_raw_table() -> None:
    """A copy of the address table, with the same columns and indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {RAW_TABLE} (LIKE fibre_address INCLUDING ALL)")
            return
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'fibre_address' AND sql IS NOT NULL")
        for (statement,) in cursor.fetchall():
            cursor.execute(statement.replace("fibre_address", RAW_TABLE))


def raw(path: str) -> dict[str, Any]:
    """Read the file and insert its rows as they are (ids looked up, no check), in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from mutualis.fibre.models import PMZone
    from mutualis.territory.models import Commune

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    _create_raw_table()
    started, cpu = time.perf_counter(), time.process_time()
    communes = dict(Commune.objects.values_list("insee_code", "pk"))
    zones = dict(PMZone.objects.values_list("reference", "pk"))
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = (
        "code, ban_id, hexacle, commune_id, label, dwellings, business_premises, state, signed_on, cabled_on, "
        "commissioned_on, pm_zone_id, new_building, isolated, created_at, updated_at"
    )
    sql = f"INSERT INTO {RAW_TABLE} ({columns}) VALUES ({', '.join(['%s'] * 16)})"  # noqa: S608
    lines = 0
    with open(path, encoding="utf-8", newline="") as handle, transaction.atomic(), connection.cursor() as cursor:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        batch = []
        for r in reader:
            batch.append(
                (r[0], r[1], r[2], communes[r[3]], f"{r[4]} {r[5]}", r[6], r[7], r[8], r[9] or None, r[10] or None,
                 r[11] or None, zones[r[12]], False, False, stamp, stamp)
            )  # fmt: skip
            if len(batch) == 2000:
                cursor.executemany(sql, batch)
                lines += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        lines += len(batch)
    return _figures(lines, started, cpu) | {"lines": lines}


def _figures(lines: int, started: float, cpu: float) -> dict[str, Any]:
    """Rows per second of wall-clock and of CPU time (the process's own: SQLite runs in it), and the peak RSS."""
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": seconds,
        "rows_per_s": lines / seconds,
        "rows_per_cpu_s": lines / cpu_seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def reset() -> dict[str, Any]:
    """Empty the address base before an import run (in its own process: deleting a million rows costs memory that
    must not count in the import's peak)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM fibre_address")
    return {}


def run_import(path: str) -> dict[str, Any]:
    """The real import, as `manage.py import_fibre FILE --format gracethd` runs it."""
    from mutualis.fibre.services.imports import import_file

    started, cpu = time.perf_counter(), time.process_time()
    fibre_import = import_file(path=Path(path), layout="gracethd")
    return _figures(fibre_import.lines_read, started, cpu) | {
        "status": fibre_import.status,
        "error": fibre_import.error,
        "lines": fibre_import.lines_read,
        "new": fibre_import.new_count,
        "unchanged": fibre_import.unchanged_count,
    }


def cleanup() -> dict[str, Any]:
    from django.db import connection

    connection.close()
    connection.creation._destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return {}


def child(step: str, backend: str, scratch: str, size: int, path: str) -> dict[str, Any]:
    setup_django(backend, scratch, step)
    if step == "prepare":
        return prepare(backend, scratch, size)
    if step == "raw":
        return raw(path)
    if step == "cleanup":
        return cleanup()
    if step == "reset":
        return reset()
    return run_import(path)


def measure(backend: str, size: int, repeat: int) -> dict[str, Any]:
    scratch = tempfile.mkdtemp(prefix=f"mutualis-bench-fibre-{backend}-")

    def step(name: str, path: str = "") -> dict[str, Any]:
        command = [sys.executable, __file__, "--child", name, "--backend", backend, "--scratch", scratch]
        command += ["--size", str(size), "--path", path]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(output.strip().splitlines()[-1])

    prepared = step("prepare")
    result = {"backend": backend, "size": size, "file_mb": prepared["bytes"] / 1e6}
    # The machine may be shared: raw and import runs alternate and the best of each is kept, so that both meet the
    # same load.
    runs: dict[str, list[dict[str, Any]]] = {"raw": [], "import": []}
    for _ in range(repeat):
        runs["raw"].append(step("raw", prepared["path"]))
        step("reset")
        runs["import"].append(step("import", prepared["path"]))
    for name, measured in runs.items():
        result[name] = max(measured, key=lambda r: r["rows_per_s"]) | {
            "peak_rss_mb": max(r["peak_rss_mb"] for r in measured)
        }
    result["again"] = step("again", prepared["path"])
    if backend == "postgres":
        step("cleanup")
    shutil.rmtree(scratch)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="lines per file")
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgres"], help="default: sqlite, and postgres with DATABASE_URL"
    )
    parser.add_argument("--repeat", type=int, default=2, help="raw and import runs per size, alternated (best kept)")
    parser.add_argument(
        "--child", choices=["prepare", "raw", "reset", "import", "again", "cleanup"], help=argparse.SUPPRESS
    )
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.backend, args.scratch, args.size, args.path)))
        return
    backends = args.backends or (
        ["sqlite"] + (["postgres"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else [])
    )
    results = []
    for backend in backends:
        for size in args.sizes:
            results.append(measure(backend, size, args.repeat))
    print("Fibre imports (GraceTHD t_adresse, checked, staged, applied in one transaction) beside a raw executemany")
    print(
        f"{'backend':<9} {'lines':>9} {'file MB':>8} {'raw rows/s':>11} {'import rows/s':>14} {'ratio':>6} "
        f"{'ratio CPU':>10} {'again rows/s':>13} {'raw RSS MB':>11} {'import RSS MB':>14}"
    )
    for r in results:
        ratio = r["import"]["rows_per_s"] / r["raw"]["rows_per_s"]
        cpu_ratio = r["import"]["rows_per_cpu_s"] / r["raw"]["rows_per_cpu_s"]
        print(
            f"{r['backend']:<9} {r['size']:>9} {r['file_mb']:>8.1f} {r['raw']['rows_per_s']:>11.0f} "
            f"{r['import']['rows_per_s']:>14.0f} {ratio:>6.2f} {cpu_ratio:>10.2f} {r['again']['rows_per_s']:>13.0f} "
            f"{r['raw']['peak_rss_mb']:>11.0f} {r['import']['peak_rss_mb']:>14.0f}"
        )
    print("ratio: import rows/s ÷ raw rows/s (wall clock, best of --repeat); ratio CPU: the same in CPU time.")
    for r in results:
        assert r["import"]["status"] == "done", r["import"]["error"]
        assert r["import"]["new"] == r["size"] == r["raw"]["lines"]
        assert r["again"]["unchanged"] == r["size"], "the second import must change nothing"


if __name__ == "__main__":
    main()

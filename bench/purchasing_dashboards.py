"""The purchasing dashboards at 10 % and 100 % of N order lines (default 1,000,000), beside the 10 % baseline.

Not a test: prints figures. Builds a scratch SQLite database (migrate, load_territory, members of every commune,
eight agreements with their lots and items — bench/generate_purchasing.py, bulk_create, no services), fills 10 % of
the order lines, measures, fills the rest, measures again. For each size it times the member dashboard selector
(the largest buyer), the operator dashboard selector, and both pages through Django's test client, and counts
their queries: the counts must not change with the number of rows (aggregate queries only).

    .venv/bin/python bench/purchasing_dashboards.py [--lines 1000000] [--repeat 3] [--keep]
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(scratch: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SQLITE_PATH": f"{scratch}/bench.sqlite3",
            "MUTUALIS_VAR_DIR": scratch,
            "SECRET_KEY": "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "SECURE_COOKIES": "0",
        }
    )
    import django

    django.setup()


def count_queries(call: Callable[[], Any]) -> int:
    """Queries one call runs, counted at the cursor (a page request resets connection.queries when it starts)."""
    from django.db import connection

    count = 0

    def counter(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    return count


def measure(call: Callable[[], Any], repeat: int) -> tuple[float, int]:
    """Median wall time (seconds) of `repeat` runs after one warm-up that counts the queries."""
    queries = count_queries(call)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines at 100 %% (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measure (median)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="mutualis-bench-dash-")
    os.makedirs(f"{scratch}/staticfiles")  # served from the finders; whitenoise only wants the folder to exist
    setup_django(scratch)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.generate_purchasing import Generator
    from mutualis.core.testing import login_as
    from mutualis.purchasing.models import Order, OrderLine
    from mutualis.purchasing.selectors.dashboards import member_dashboard, operator_dashboard

    setup_test_environment()  # the test client's host, and template rendering as in tests
    started = time.perf_counter()
    print(f"scratch database: {scratch}/bench.sqlite3 ({connection.vendor})", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_territory", verbosity=0)
    generator = Generator(seed=1)
    people = generator.reference_data()
    buyer, staff, member = people["buyer"], people["staff"], people["member"]
    buyer_client, staff_client = login_as(Client(), buyer), login_as(Client(), staff)
    member_url = f"/achats/tableau-de-bord/{member.pk}/"
    operator_url = "/achats/back-office/tableau-de-bord/"

    def page(client: Client, url: str) -> Callable[[], Any]:
        def get() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")

        return get

    cases = [
        ("member dashboard selector", lambda: member_dashboard(user=buyer, member=member, filters={})),
        ("member selector, year 2025", lambda: member_dashboard(user=buyer, member=member, filters={"year": 2025})),
        ("operator dashboard selector", lambda: operator_dashboard(user=staff, filters={})),
        ("operator selector, dép. 78", lambda: operator_dashboard(user=staff, filters={"departement": "78"})),
        ("member dashboard page", page(buyer_client, member_url)),
        ("operator dashboard page", page(staff_client, operator_url)),
    ]
    results: dict[int, dict[str, tuple[float, int]]] = {}
    for share in (10, 100):
        target = args.lines * share // 100
        print(f"generating up to {target:,} order lines ({share} %)…", flush=True)
        generator.add_lines(target)
        generator.update_lot_consumption()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        member_lines = OrderLine.objects.filter(order__member=member).count()
        print(
            f"  {Order.objects.count():,} orders, {OrderLine.objects.count():,} lines "
            f"({member_lines:,} of them for {member.name})",
            flush=True,
        )
        results[target] = {name: measure(call, args.repeat) for name, call in cases}
    baseline, full = sorted(results)
    print()
    print(
        f"Purchasing dashboards — baseline {baseline:,} lines (10 %) vs {full:,} lines (100 %), SQLite, median of "
        f"{args.repeat}"
    )
    header = f"{'measure':<30} {'10 % (s)':>9} {'queries':>8} {'100 % (s)':>10} {'queries':>8} {'time ×':>7}"
    print(header)
    print("-" * len(header))
    for name, _call in cases:
        (t10, q10), (t100, q100) = results[baseline][name], results[full][name]
        print(f"{name:<30} {t10:>9.3f} {q10:>8} {t100:>10.3f} {q100:>8} {t100 / t10:>7.1f}")
    constant = all(results[baseline][name][1] == results[full][name][1] for name, _ in cases)
    print(f"query counts constant in the number of rows: {'yes' if constant else 'NO'}")
    print(f"total run time: {time.perf_counter() - started:,.0f} s")
    if not args.keep:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

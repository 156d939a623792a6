"""Order validations per second with N concurrent clients on one lot, beside one client measured in the same run.

Both runs validate the same number of orders against a lot whose maximum fits three quarters of them (the rest are
refused by the R2162-4 check); rates count every validation attempt.

Not a test: prints figures. Each client is a thread with its own database connection calling the real service
`order_transition(to_status="validated")`, which locks the lot's row (CCP R2162-4). The concurrent run shares one
lot whose maximum only fits part of the orders, so validations race for the remaining amount; at the end the
script checks (and prints) that the lot's consumption is within its maximum and equals the sum of the orders
actually validated — the lock held under load.

Runs on a scratch SQLite database (a temporary file, WAL, IMMEDIATE transactions) and, when DATABASE_URL is set,
also on PostgreSQL (in a throw-away test database created next to the one DATABASE_URL names).

    .venv/bin/python bench/purchasing_orders.py [--orders 400] [--clients 8]
    DATABASE_URL=postgres://… .venv/bin/python bench/purchasing_orders.py
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(backend: str, scratch: str) -> None:
    sys.path.insert(0, str(ROOT))
    if backend == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = f"{scratch}/bench.sqlite3"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MUTUALIS_VAR_DIR": scratch,
            "SECURE_COOKIES": "0",
            "SECRET_KEY": "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        }
    )
    os.makedirs(f"{scratch}/staticfiles", exist_ok=True)
    import django

    django.setup()


def prepare_database(backend: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    if backend == "postgres":
        # Never touch the database DATABASE_URL names: work in its test twin, dropped at the end.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)


def build_orders(count_a: int, count_b: int) -> dict[str, Any]:
    """A member, its agent, a purchasing officer, two lots and `count` submitted orders of 1 000 € HT on each."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from mutualis.members.choices import Competence, MemberRole
    from mutualis.members.models import CompetenceTransfer, Membership
    from mutualis.members.tests.factories import SiteFactory, commune_member
    from mutualis.purchasing.choices import AgreementStatus, OrderStatus, Procedure
    from mutualis.purchasing.models import (
        CatalogueItem,
        FrameworkAgreement,
        ItemPrice,
        Lot,
        LotHolder,
        Order,
        OrderLine,
        Supplier,
    )

    today = timezone.localdate()
    member = commune_member("78646")  # Versailles, active (test factories: real territory, valid SIREN)
    CompetenceTransfer.objects.create(
        member=member, competence=Competence.CENTRAL_PURCHASING, start_date=today.replace(year=today.year - 1)
    )
    site = SiteFactory(member=member, name="Hôtel de ville", kind="town_hall")
    users = get_user_model().objects
    agent = users.create_user("agent@bench.example.fr", "x")
    officer = users.create_user("achats@bench.example.fr", "x", staff_role="purchasing_officer")
    Membership.objects.create(user=agent, member=member, role=MemberRole.AGENT)
    supplier = Supplier.objects.create(name="Fournisseur", siret="88000001000001")
    agreement = FrameworkAgreement.objects.create(
        reference="AC-BENCH",
        subject="Tablettes",
        cpv_code="30213200-7",
        procedure=Procedure.OPEN_TENDER,
        notification_date=today.replace(year=today.year - 1),
        start_date=today.replace(year=today.year - 1),
        duration_months=48,
        status=AgreementStatus.ACTIVE,
    )
    unit = Decimal("1000.00")
    lots = {
        # Both lots fit three quarters of their orders: the one-client baseline (lot A) does the same work as
        # the concurrent clients (lot B), validations and refusals alike.
        "a": Lot.objects.create(agreement=agreement, number=1, title="A", max_amount_ht=unit * (count_a * 3 // 4)),
        "b": Lot.objects.create(agreement=agreement, number=2, title="B", max_amount_ht=unit * (count_b * 3 // 4)),
    }
    ids: dict[str, list[int]] = {}
    for key, lot in lots.items():
        LotHolder.objects.create(lot=lot, supplier=supplier, rank=1)
        item = CatalogueItem.objects.create(lot=lot, reference=f"T-{key}", label="Tablette", category="tablet")
        ItemPrice.objects.create(item=item, unit_price_ht=unit, effective_from=agreement.start_date)
        count = count_a if key == "a" else count_b
        orders = Order.objects.bulk_create(
            Order(
                number=f"BC-BENCH-{key}-{n:06d}",
                member=member,
                lot=lot,
                supplier=supplier,
                site=site,
                status=OrderStatus.SUBMITTED,
                created_by=agent,
                total_ht=unit,
                total_vat=unit / 5,
                total_ttc=unit * Decimal("1.2"),
                list_total_ht=unit,
            )
            for n in range(count)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=o, item=item, quantity=1, unit_price_ht=unit, vat_rate=20) for o in orders
        )
        ids[key] = [o.pk for o in Order.objects.filter(lot=lot).order_by("pk")]
    return {"officer": officer, "lots": lots, "ids": ids}


def validate_all(order_ids: list[int], officer: Any, clients: int) -> tuple[float, int, int]:
    """Validate the orders from `clients` threads (each its own connection); (seconds, validated, refused)."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from mutualis.purchasing.models import Order
    from mutualis.purchasing.services.orders import order_transition

    shares = [order_ids[i::clients] for i in range(clients)]
    counts = {"validated": 0, "refused": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(ids: list[int]) -> None:
        barrier.wait()
        try:
            for pk in ids:
                try:
                    order_transition(order=Order.objects.get(pk=pk), to_status="validated", acting_user=officer)
                    outcome = "validated"
                except ValidationError:
                    outcome = "refused"
                with lock:
                    counts[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, counts["validated"], counts["refused"]


def run(backend: str, orders: int, clients: int) -> dict[str, Any]:
    """One backend's figures (runs in its own process: Django is set up once per process)."""
    scratch = tempfile.mkdtemp(prefix=f"mutualis-bench-orders-{backend}-")
    setup_django(backend, scratch)
    prepare_database(backend)
    from django.db import connection
    from django.db.models import Sum

    from mutualis.purchasing.models import Lot, Order

    data = build_orders(orders, orders)
    baseline_s, baseline_ok, baseline_refused = validate_all(data["ids"]["a"], data["officer"], 1)
    concurrent_s, ok, refused = validate_all(data["ids"]["b"], data["officer"], clients)
    lot = Lot.objects.get(pk=data["lots"]["b"].pk)
    validated_sum = Order.objects.filter(lot=lot, status="validated").aggregate(s=Sum("total_ht"))["s"] or 0
    baseline_lot = Lot.objects.get(pk=data["lots"]["a"].pk)
    baseline_sum = Order.objects.filter(lot=baseline_lot, status="validated").aggregate(s=Sum("total_ht"))["s"] or 0
    result = {
        "backend": backend,
        "vendor": connection.vendor,
        "clients": clients,
        "baseline_per_s": (baseline_ok + baseline_refused) / baseline_s,
        "baseline_orders": baseline_ok,
        "concurrent_per_s": (ok + refused) / concurrent_s,
        "validated": ok,
        "refused": refused,
        "maximum": str(lot.max_amount_ht),
        "consumed": str(lot.consumed_amount_ht),
        "validated_sum": str(validated_sum),
        "correct": lot.consumed_amount_ht <= lot.max_amount_ht
        and lot.consumed_amount_ht == validated_sum
        and baseline_lot.consumed_amount_ht == baseline_sum <= baseline_lot.max_amount_ht,
    }
    if backend == "postgres":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400, help="orders validated per run (default 400)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.orders, args.clients)))
        return
    backends = ["sqlite"] + (["postgres"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else [])
    results = []
    for backend in backends:
        command = [
            sys.executable,
            __file__,
            "--child",
            backend,
            "--orders",
            str(args.orders),
            "--clients",
            str(args.clients),
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(f"Order validations ({args.orders} orders per run, order_transition → validated, lot row lock)")
    print(
        f"{'backend':<10} {'1 client /s':>12} {'clients':>8} {'N clients /s':>13} {'ratio':>6} "
        f"{'validated':>10} {'refused':>8}  consumed ≤ maximum = Σ validated"
    )
    for r in results:
        print(
            f"{r['backend']:<10} {r['baseline_per_s']:>12.1f} {r['clients']:>8} {r['concurrent_per_s']:>13.1f} "
            f"{r['concurrent_per_s'] / r['baseline_per_s']:>6.2f} {r['validated']:>10} {r['refused']:>8}  "
            f"{r['consumed']} ≤ {r['maximum']} = {r['validated_sum']} → {'OK' if r['correct'] else 'BROKEN'}"
        )
    assert all(r["correct"] for r in results), "the lot maximum was not held under concurrency"
    assert all(r["validated"] * 1000 == int(float(r["consumed"])) for r in results)


if __name__ == "__main__":
    main()

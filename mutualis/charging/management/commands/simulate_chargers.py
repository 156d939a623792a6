"""`manage.py simulate_chargers --count N`: N simulated charge points (the `ocpp` package as a client) that connect to
the gateway and live: boot, status, charges with meter values, stops, random faults and reboots (a reboot during a
charge sends its StopTransaction after reconnecting, as real chargers do)."""

import asyncio
import contextlib
import logging
import random
from typing import Any

from django.conf import settings

from mutualis.charging.choices import IdTagStatus
from mutualis.charging.models import ChargePoint, IdTag
from mutualis.charging.simulator import close_client, open_client
from mutualis.core.management.base import AuditedCommand

logger = logging.getLogger("mutualis.charging.simulator")
# The demo's points that no simulator drives: free for anyone to try with their own OCPP client.
FREE_IDENTITIES = ("SYN-LIBRE-01", "SYN-LIBRE-201")


class Command(AuditedCommand):
    help = "Simulate N charge points on the OCPP gateway (boot, status, charges, meter values, faults, reboots)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=4, help="how many charge points (default 4)")
        parser.add_argument("--url", default=f"ws://127.0.0.1:{settings.OCPP_PORT}/ocpp", help="the gateway's URL")
        parser.add_argument("--identity", action="append", default=[], help="a point's identity (repeatable)")
        parser.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: never)")
        parser.add_argument("--meter-interval", type=float, default=10, help="seconds between meter values")
        parser.add_argument("--idle", type=float, default=30, help="mean seconds between charges")
        parser.add_argument("--fault-rate", type=float, default=0.05, help="chance of a fault after a charge")
        parser.add_argument("--reboot-rate", type=float, default=0.05, help="chance of a reboot during a charge")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO if options["verbosity"] > 1 else logging.WARNING)
        rng = random.Random(options["seed"])
        points = ChargePoint.objects.filter(is_active=True).exclude(ocpp_identity__in=FREE_IDENTITIES)
        if options["identity"]:
            points = points.filter(ocpp_identity__in=options["identity"])
        chosen = list(points.order_by("pk").values_list("ocpp_identity", "ocpp_version")[: options["count"]])
        tags = list(IdTag.objects.filter(status=IdTagStatus.ACCEPTED).values_list("id_tag", flat=True)[:20])
        if not chosen:
            self.stderr.write("Aucun point de recharge à simuler (chargez la démonstration : manage.py load_demo).")
            return
        self.stdout.write(f"Simulation de {len(chosen)} point(s) sur {options['url']}")
        asyncio.run(self._run(chosen, tags or ["BADGE-DEMO-01"], options, rng))

    async def _run(self, chosen: list[tuple[str, str]], tags: list[str], options: dict, rng: random.Random) -> None:
        tasks = [
            asyncio.create_task(live(identity, version, tags, options, random.Random(rng.random())))
            for identity, version in chosen
        ]
        if options["duration"]:
            await asyncio.sleep(options["duration"])
            for task in tasks:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def live(identity: str, version: str, tags: list[str], options: dict, rng: random.Random) -> None:
    """One simulated point's life, reconnecting after reboots or when the gateway is away."""
    queued_stop: dict[str, Any] | None = None
    delay = 1.0
    while True:
        try:
            point, ws, reader = await open_client(options["url"], identity, version=version)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.info("%s: gateway unreachable (%s), retrying in %.0f s", identity, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)
            continue
        delay = 1.0
        point.meter_interval = options["meter_interval"]
        heartbeat = None
        try:
            await point.boot()
            if queued_stop is not None:  # what the point queued before its reboot
                await point.call(queued_stop["message"])
                queued_stop = None
            heartbeat = asyncio.create_task(_heartbeats(point))
            while True:
                await asyncio.sleep(rng.expovariate(1 / max(options["idle"], 1)))
                await point.start_charge(rng.choice(tags))
                for _sample in range(rng.randint(3, 12)):
                    await asyncio.sleep(point.meter_interval)
                    if point.transaction is None:
                        break
                    await point.send_meter()
                    if rng.random() < options["reboot_rate"]:
                        queued_stop = {"message": _stop_message(point, version)}
                        raise _Reboot
                await point.stop_charge()
                if rng.random() < options["fault_rate"]:
                    await _fault(point, version, rng)
        except _Reboot:
            logger.info("%s: rebooting", identity)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.info("%s: connection lost (%s)", identity, error)
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            await close_client(ws, reader)
        await asyncio.sleep(rng.uniform(1, 5))


class _Reboot(Exception):
    pass


def _stop_message(point: Any, version: str) -> Any:
    from ocpp.v16 import call as call16
    from ocpp.v201 import call as call201

    from mutualis.charging.simulator import now_iso

    transaction, point.transaction = point.transaction, None
    if version == "2.0.1":
        return call201.TransactionEvent(
            event_type="Ended",
            timestamp=now_iso(),
            trigger_reason="AbnormalCondition",
            seq_no=point._seq(),
            offline=True,
            transaction_info={"transaction_id": transaction, "stopped_reason": "PowerLoss"},
        )
    return call16.StopTransaction(
        meter_stop=point.meter_wh, timestamp=now_iso(), transaction_id=transaction, reason="PowerLoss"
    )


async def _fault(point: Any, version: str, rng: random.Random) -> None:
    if version == "2.0.1":
        await point.status("Faulted")
    else:
        await point.status(
            "Faulted", error_code=rng.choice(["GroundFailure", "OverCurrentFailure", "PowerMeterFailure"])
        )
    await asyncio.sleep(rng.uniform(10, 60))
    await point.status("Available")


async def _heartbeats(point: Any) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            await asyncio.sleep(60)
            await point.heartbeat()

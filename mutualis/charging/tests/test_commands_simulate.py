"""`simulate_chargers`: simulated points connect to the gateway, boot and charge with meter values."""

import asyncio
import random

import pytest
from django.core.management import call_command

from mutualis.charging.choices import SessionStatus
from mutualis.charging.management.commands.simulate_chargers import live
from mutualis.charging.models import ChargePoint, ChargingSession
from mutualis.charging.tests.conftest import eventually, url

OPTIONS = {"meter_interval": 0.05, "idle": 0.1, "fault_rate": 0.0, "reboot_rate": 0.0}


@pytest.mark.asyncio
async def test_a_simulated_point_boots_and_charges_both_versions(gateway, registry):
    """A simulated 1.6J point and a 2.0.1 station boot (online, their model recorded) and complete charges with
    meter values."""
    options = OPTIONS | {"url": url(gateway)}
    tasks = [
        asyncio.create_task(live("SYN-TEST-16", "1.6", ["BADGE-OK"], options, random.Random(1))),
        asyncio.create_task(live("SYN-TEST-201", "2.0.1", ["BADGE-OK"], options, random.Random(2))),
    ]
    try:
        for point in (registry.cp16, registry.cp201):
            await eventually(
                lambda point=point: ChargingSession.objects.filter(
                    charge_point=point, status=SessionStatus.COMPLETED, meter_stop_wh__gt=0
                ).exists(),
                timeout=20,
            )
        models = await eventually(lambda: set(ChargePoint.objects.values_list("model", flat=True)))
        assert models == {"SIM-22", "SIM-201"}
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.asyncio
async def test_a_simulated_reboot_mid_charge_is_reconciled_then_completed(gateway, registry):
    """A simulated point that reboots during a charge: its session is reconciled at the boot and completed by the
    StopTransaction it sends after reconnecting — no session stays open."""
    options = OPTIONS | {"url": url(gateway), "reboot_rate": 1.0}
    task = asyncio.create_task(live("SYN-TEST-16", "1.6", ["BADGE-OK"], options, random.Random(3)))
    try:
        session = await eventually(
            lambda: ChargingSession.objects.filter(charge_point=registry.cp16, stop_reason="PowerLoss").first(),
            timeout=20,
        )
        assert session.reconciled and session.status == SessionStatus.COMPLETED
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_without_points_the_simulator_says_so(db, capsys):
    """With no charge point in the registry, the command explains what to do instead of waiting forever."""
    call_command("simulate_chargers", "--count", "2")
    assert "load_demo" in capsys.readouterr().err

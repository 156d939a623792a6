"""Browser: on a charge point's page a remote start goes through the real OCPP gateway to a simulated charge point
(the `ocpp` package as a client, over a websocket on loopback): the command's row follows the point's answer and
the session it starts shows its meter values live. The same page with the point's side played through the
gateway's services, and the public map drawing the stations and their availability. Every page passes axe-core."""

import asyncio
import re
import threading
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.charging.choices import CommandStatus, ConnectorStatus
from mutualis.charging.models import ChargePoint, Command
from mutualis.charging.services import commands as command_services
from mutualis.charging.services.sessions import meter_values, start_transaction
from mutualis.charging.simulator import close_client, open_client
from mutualis.charging.tests import factories
from mutualis.charging.tests.conftest import make_gateway
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(settings):
    settings.CHARGING_LIVE_REFRESH = 1
    world = build_world()
    station = factories.station_at(world.site_b, name="Place Marcel Sembat", id_station_itinerance="FRSYNP9201201")
    cp = factories.ChargePointFactory(station=station, ocpp_identity="SYN-92012-1", id_pdc_itinerance="FRSYNE92012011")
    ChargePoint.objects.filter(pk=cp.pk).update(is_online=True, last_seen_at=timezone.now())
    cp.connectors.update(status=ConnectorStatus.AVAILABLE)
    factories.IdTagFactory(member=world.member_b, id_tag="BADGE-DEMO-01")
    return {"world": world, "station": station, "cp": cp}


@pytest.fixture
def live_point(network):
    """The OCPP gateway on a free loopback port and a simulated 1.6J point connected and booted, on an event loop
    of their own (the browser's API is synchronous)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    # The test database is SQLite in memory with a shared cache, whose table locks are not waited for: the page's
    # writes and the gateway's collide less with its deferred writes gathered for 0.5 s (the old message log cadence).
    gateway = run(make_gateway(persist_delay=0.5).start())
    point, websocket, reader = run(open_client(f"ws://127.0.0.1:{gateway.port}/ocpp", network["cp"].ocpp_identity))
    run(point.boot())
    try:
        yield SimpleNamespace(run=run, point=point)
    finally:
        run(close_client(websocket, reader))
        run(gateway.stop())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


@pytest.fixture
def officer_page(page, network):
    """The network officer signed in, before any charge point talks: the test database lives in SQLite's shared
    memory, where a write meeting the gateway's batch fails at once (« table is locked ») instead of waiting."""
    officer = factories.network_officer()
    login(page, email=officer.email, password=PASSWORD, totp_device=totp_device_for(officer))
    return page


def test_a_remote_start_through_the_gateway_becomes_a_session_with_live_meter_values(officer_page, network, live_point):
    """The officer starts a charge from the point's page: the gateway delivers RemoteStartTransaction, the row turns
    « Acceptée », the point starts a transaction and its meter values show and grow without reloading the page."""
    page = officer_page
    page.goto(f"/recharge/back-office/points/{network['cp'].pk}/")
    live = page.locator("#point-live")
    expect(live).to_contain_text("Connectée")
    form = page.locator("form[aria-labelledby='cmd-demarrer']")
    form.get_by_label("Badge").fill("BADGE-DEMO-01")
    click_and_wait(page, form.get_by_role("button", name="Démarrer une charge à distance"))
    command = Command.objects.get(action="RemoteStartTransaction")
    row = page.locator(f"#command-{command.pk}")
    expect(row).to_have_attribute("data-status", "accepted", timeout=15000)
    expect(row).to_contain_text("Acceptée")
    energy = live.locator(".session-energy")
    expect(energy).to_have_text(re.compile(r"^\d+,\d{3}\u00a0kWh$"), timeout=15000)
    expect(live.locator("[data-availability]")).to_have_attribute("data-availability", "occupied")
    first = energy.inner_text()
    live_point.run(live_point.point.send_meter())
    expect(energy).not_to_have_text(first, timeout=15000)
    axe_check(page)


def test_a_remote_start_becomes_a_session_with_live_meter_values(page, network):
    """The officer starts a charge: the command row turns « Acceptée » when the point answers, then the session
    and its energy appear and grow without reloading the page."""
    officer = factories.network_officer()
    login(page, email=officer.email, password=PASSWORD, totp_device=totp_device_for(officer))
    cp = network["cp"]
    page.goto(f"/recharge/back-office/points/{cp.pk}/")
    form = page.locator("form[aria-labelledby='cmd-demarrer']")
    form.get_by_label("Badge").fill("BADGE-DEMO-01")
    click_and_wait(page, form.get_by_role("button", name="Démarrer une charge à distance"))
    command = Command.objects.get(action="RemoteStartTransaction")
    row = page.locator(f"#command-{command.pk}")
    expect(row).to_have_attribute("data-status", "pending")
    # The point answers, starts the transaction and sends its readings (as the gateway records them).
    with transaction.atomic():
        Command.objects.filter(pk=command.pk).update(status=CommandStatus.SENT)
        command_services.command_record_result(command=command, result={"status": "Accepted"})
    expect(row).to_have_attribute("data-status", "accepted")
    expect(row).to_contain_text("Acceptée")
    now = timezone.now()
    transaction_id, _info = start_transaction(
        charge_point_id=cp.pk, connector_id=1, id_tag="BADGE-DEMO-01", meter_start=100000, timestamp=now.isoformat()
    )
    cp.connectors.filter(connector_id=1).update(status=ConnectorStatus.CHARGING)
    sample = [
        {
            "timestamp": now.isoformat(),
            "sampledValue": [{"value": "101500", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}],
        }
    ]
    meter_values(charge_point_id=cp.pk, connector_id=1, meter_value=sample, transaction_id=transaction_id)
    live = page.locator("#point-live")
    expect(live.locator("[data-availability]")).to_have_attribute("data-availability", "occupied")
    expect(live.locator(".session-energy")).to_have_text("1,500\u00a0kWh")
    sample[0]["sampledValue"][0]["value"] = "103250"
    meter_values(charge_point_id=cp.pk, connector_id=1, meter_value=sample, transaction_id=transaction_id)
    expect(live.locator(".session-energy")).to_have_text("3,250\u00a0kWh")
    axe_check(page)


def test_the_public_map_draws_the_stations_and_their_availability(page, network):
    """A visitor sees the station's marker on the map and its point « Disponible » in the table."""
    page.goto("/recharge/carte/")
    expect(page.locator("#charging-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#charging-map path.leaflet-interactive")).to_have_count(1)
    table = page.get_by_role("table", name="Stations de recharge et disponibilité de leurs points")
    expect(table.locator("[data-point='FRSYNE92012011']")).to_have_text("Disponible")
    axe_check(page)

"""Browser: a live alarm reaches the operator's console without reload (the realtime process serves the
websocket) and is qualified as a false alarm; a verified intrusion with a police call. axe-core on every page."""

import json
import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.supervision.choices import AlarmStatus
from mutualis.supervision.models import Alarm, PoliceCall
from mutualis.supervision.tests.factories import (
    SOURCE_TOKEN,
    AuthorisationFactory,
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
    supervision_operator,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def realtime(live_server, settings):
    """The realtime process's ASGI application (uvicorn, as in the Procfile) on a free loopback port, and the
    pages told to open their websockets there."""
    import uvicorn

    from config.asgi import application

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    host = urlsplit(live_server.url).hostname
    origin = f"ws://{host}:{port}"
    settings.REALTIME_URL = origin
    policy = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}
    policy["connect-src"] = [*policy["connect-src"], origin]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": policy}
    yield origin
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def operator_world():
    world = build_world()
    site = ProtectedSiteFactory(site=world.site_a)
    AuthorisationFactory(protected_site=site)
    camera = DeviceFactory(
        protected_site=site,
        name="Caméra parvis",
        external_id="DEMO-CAM-0001",
        source=EventSourceFactory(name="demo-webhook", token=SOURCE_TOKEN),
    )
    operator = supervision_operator("supervision@operateur.example.fr")
    HabilitationFactory(protected_site=site, user=operator)
    return world, camera, operator


def _post_event(live_server, event):
    request = urllib.request.Request(
        live_server.url + "/api/v1/supervision/events/",
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {SOURCE_TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test's own server)
        return json.loads(response.read())


def test_live_alarm_reaches_the_console_and_is_qualified_false_alarm(page, live_server, realtime, operator_world):
    """The operator's console is open; a source posts an intrusion; the alarm appears in the queue without reload;
    « n » selects it, « q » opens its qualification; qualified « fausse alarme — animal », it leaves the queue."""
    _world, camera, operator = operator_world
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))
    page.goto("/supervision/console/")
    expect(page.locator("[data-console-status]")).to_have_text("File en direct : connectée.")
    expect(page.get_by_text("Aucune alarme ouverte.")).to_be_visible()
    axe_check(page)

    answer = _post_event(
        live_server,
        {"id": "live-1", "device": "DEMO-CAM-0001", "kind": "intrusion", "occurred_at": timezone.now().isoformat()},
    )
    assert answer["created"] == 1
    row = page.locator("[data-queue] tr").filter(has_text="Intrusion — Caméra parvis")
    expect(row).to_be_visible()
    expect(page.locator("[data-console-live]")).to_contain_text("Nouvelle alarme")
    axe_check(page)

    page.locator("body").press("n")
    expect(row).to_be_focused()
    page.keyboard.press("q")
    page.wait_for_url(f"**/supervision/alarmes/{answer['results'][0]['alarm']}/#qualifier")
    expect(page.get_by_label("Qualification")).to_be_visible()
    axe_check(page)
    page.get_by_label("Qualification").select_option("false_alarm")
    page.get_by_label("Cause (fausse alarme)").select_option("animal")
    page.get_by_label("Compte rendu").fill("Un chat sur le parvis.")
    click_and_wait(page, page.get_by_role("button", name="Qualifier et clôturer"))
    expect(page.get_by_text("Alarme qualifiée et clôturée.")).to_be_visible()
    alarm = Alarm.objects.get()
    assert (alarm.status, alarm.qualification, alarm.false_alarm_cause) == (AlarmStatus.CLOSED, "false_alarm", "animal")
    page.goto("/supervision/console/")
    expect(page.get_by_text("Aucune alarme ouverte.")).to_be_visible()


def test_verified_intrusion_with_a_police_call(page, live_server, realtime, operator_world):
    """An intrusion with a snapshot: the operator takes it, lifts the doubt with the snapshot as evidence, calls the
    police (the reference is recorded), qualifies it as an intrusion; the report lists the call."""
    _world, camera, operator = operator_world
    _post_event(
        live_server,
        {
            "id": "intr-1",
            "device": "DEMO-CAM-0001",
            "kind": "intrusion",
            "occurred_at": timezone.now().isoformat(),
            "snapshot_url": "https://nvr.example.fr/api/events/intr-1/snapshot.jpg",
        },
    )
    alarm = Alarm.objects.get()
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))
    page.goto(f"/supervision/alarmes/{alarm.pk}/")
    expect(page.get_by_text("Les forces de l'ordre ne sont sollicitées qu'après une levée de doute")).to_be_visible()
    click_and_wait(page, page.get_by_role("button", name="Prendre en charge"))
    axe_check(page)
    page.get_by_label("Preuve visuelle").select_option(index=1)
    page.get_by_label("Constat").fill("Deux personnes franchissent la grille.")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la levée de doute"))
    expect(page.get_by_text("Levée de doute enregistrée.")).to_be_visible()
    page.get_by_label("Service appelé").fill("17 Police secours")
    page.get_by_label("Référence donnée par le service").fill("PS-2026-0042")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer l'appel aux forces de l'ordre"))
    expect(page.locator("[data-police-calls]")).to_contain_text("PS-2026-0042")
    axe_check(page)
    page.get_by_label("Qualification").select_option("intrusion")
    page.get_by_label("Compte rendu").fill("Interpellation de deux personnes par la police.")
    click_and_wait(page, page.get_by_role("button", name="Qualifier et clôturer"))
    expect(page.locator("[data-alarm-qualification]")).to_have_text("Intrusion avérée")
    call = PoliceCall.objects.get()
    assert (call.called_by, call.reference) == (operator, "PS-2026-0042")
    assert call.evidence_reference.startswith("snapshot:")
    click_and_wait(page, page.get_by_role("link", name="Rapport d'incident (imprimable)"))
    expect(page.get_by_role("cell", name="PS-2026-0042", exact=True)).to_be_visible()
    axe_check(page)

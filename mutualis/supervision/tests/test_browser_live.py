"""Browser: the habilitated operator opens a camera's live view from the camera list, states a reason, and sees the
picture refresh (served by the demo's simulated Frigate HTTP API on a free loopback port); pause holds it. Every
page passes axe-core, with no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.models import AuditEntry
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.simulator import FrigateHTTPServer
from mutualis.supervision.tests.factories import (
    AuthorisationFactory,
    DeviceFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
    supervision_operator,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def frigate():
    """The simulator's Frigate HTTP API for the camera « hall_01 », on a free loopback port."""
    server = FrigateHTTPServer(("127.0.0.1", 0), ["hall_01"]).start()
    yield server
    server.stop()


def test_the_habilitated_operator_watches_a_camera_live(page, frigate):
    """Camera list → « Direct » → reason → the picture refreshes about once a second; pause; the view is logged."""
    world = build_world()
    operator = supervision_operator()
    protected = ProtectedSiteFactory(site=world.site_a)
    AuthorisationFactory(protected_site=protected)
    HabilitationFactory(protected_site=protected, user=operator)
    source = EventSourceFactory(name="frigate-demo", kind=SourceKind.FRIGATE, frigate_base_url=frigate.base_url)
    DeviceFactory(protected_site=protected, source=source, external_id="hall_01", name="Caméra hall")
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))

    page.goto("/supervision/console/")
    click_and_wait(page, page.get_by_role("link", name="Caméras : direct et enregistrements"))
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Direct — Caméra hall"))
    click_and_wait(page, page.get_by_role("button", name="Voir en direct"))
    expect(page.get_by_text("Indiquez le motif du visionnage en direct.").first).to_be_visible()
    page.get_by_label("Motif du visionnage").fill("Levée de doute, intrusion hall")
    click_and_wait(page, page.get_by_role("button", name="Voir en direct"))

    image = page.get_by_role("img", name="Image en direct de la caméra Caméra hall")
    clock = page.locator("[data-live-clock]")
    expect(clock).to_have_text(re.compile(r"^Direct — actualisé à \d\d:\d\d:\d\d$"))
    expect(image).to_have_attribute("src", re.compile(r"&t=\d+"))
    first = image.get_attribute("src")
    expect(image).not_to_have_attribute("src", first or "")
    assert page.evaluate("document.querySelector('[data-live-image]').naturalWidth") == 640
    axe_check(page)

    page.get_by_role("button", name="Mettre en pause").click()
    expect(clock).to_have_text(re.compile(r"^Direct en pause — dernière image à"))
    expect(page.get_by_role("button", name="Reprendre")).to_have_attribute("aria-pressed", "true")
    click_and_wait(page, page.get_by_role("button", name="Arrêter le direct"))
    expect(page.get_by_text("Visionnage en direct terminé")).to_be_visible()
    start = AuditEntry.objects.get(action="supervision.live_view")
    assert start.reason == "Levée de doute, intrusion hall" and start.actor == operator
    end = AuditEntry.objects.get(action="supervision.live_view_end")
    assert end.after["frames"] >= 2 and end.after["end"] == "arrêt par la personne"

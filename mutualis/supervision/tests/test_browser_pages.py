"""Browser: a member's agent reads their site's alarms, incidents and report (no images); the operator's management
pages (sites, site, sources). axe-core on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.supervision.services import alarms as services
from mutualis.supervision.tests.factories import (
    AlarmFactory,
    AuthorisationFactory,
    DeviceFactory,
    EscalationContactFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
    supervision_operator,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def supervised():
    world = build_world()
    site = ProtectedSiteFactory(site=world.site_a)
    AuthorisationFactory(protected_site=site)
    EscalationContactFactory(protected_site=site)
    operator = supervision_operator("supervision@operateur.example.fr")
    HabilitationFactory(protected_site=site, user=operator)
    alarm = AlarmFactory(
        device=DeviceFactory(protected_site=site, name="Caméra hall"), snapshot_url="https://nvr.example.fr/s.jpg"
    )
    services.alarm_close(
        alarm=alarm, qualification="intrusion", note="Vitre brisée, police sur place.", acting_user=operator
    )
    AlarmFactory(device=DeviceFactory(protected_site=site, name="Caméra cour"), first_event_at=timezone.now())
    return world, site, operator, alarm


def test_member_agent_reads_alarms_incidents_and_report_without_images(page, supervised):
    """The agent sees the two alarms of their site, the incident and its report, and no image."""
    world, _site, _operator, alarm = supervised
    login(page, email=world.agent.email, password=PASSWORD)
    page.goto("/compte/")
    click_and_wait(page, page.get_by_role("link", name="Alarmes de vos sites"))
    expect(page.get_by_role("link", name="Intrusion — Caméra cour")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Incidents avérés"))
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name=f"Rapport de l'incident n° {alarm.pk}"))
    expect(page.get_by_role("definition").filter(has_text="Vitre brisée, police sur place.")).to_be_visible()
    axe_check(page)
    page.goto(f"/supervision/alarmes/{alarm.pk}/")
    expect(page.get_by_text("Images réservées aux personnes habilitées pour ce site.")).to_be_visible()
    expect(page.get_by_role("button", name="Qualifier et clôturer")).to_have_count(0)
    axe_check(page)


def test_operator_management_pages(page, supervised):
    """The operator's sites list, a site (authorisation, habilitation, devices, escalation) and the sources."""
    _world, site, operator, _alarm = supervised
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))
    page.goto("/supervision/sites/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name=site.site.name))
    expect(page.get_by_text("En vigueur").first).to_be_visible()
    axe_check(page)
    page.goto(f"/supervision/sites/{site.pk}/equipements/nouveau/")
    axe_check(page)
    page.goto("/supervision/sources/")
    axe_check(page)

"""Browser: an operator declares an ONVIF camera, sees a bad URL refused on its field, then edits the source
without the password ever shown back. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.sources import source_onvif_password
from mutualis.supervision.tests.factories import supervision_operator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CAMERA_PASSWORD = "Cam3ra-du-gymnase"


def test_operator_declares_and_edits_an_onvif_source(page):
    """The ONVIF fields on the source form: a ftp:// URL refused in French, the source created with its password
    sealed, the edit page with an empty password field that keeps it."""
    operator = supervision_operator("supervision@operateur.example.fr")
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))
    page.goto("/supervision/sources/nouvelle/")
    page.get_by_label("Nom").fill("onvif-gymnase")
    page.get_by_label("Nature").select_option("onvif")
    page.get_by_label("URL ONVIF").fill("ftp://10.20.0.64/onvif/device_service")
    page.get_by_label("Identifiant ONVIF").fill("mutualis")
    page.get_by_label("Mot de passe ONVIF", exact=True).fill(CAMERA_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("L'URL ONVIF doit commencer par http:// ou https://.")).to_be_visible()
    expect(page.get_by_label("Mot de passe ONVIF", exact=True)).to_have_value("")
    axe_check(page)
    page.get_by_label("URL ONVIF").fill("http://10.20.0.64/onvif/device_service")
    page.get_by_label("Mot de passe ONVIF", exact=True).fill(CAMERA_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    source = EventSource.objects.get(name="onvif-gymnase")
    assert source_onvif_password(source) == CAMERA_PASSWORD
    page.goto("/supervision/sources/")
    expect(page.get_by_text("http://10.20.0.64/onvif/device_service (mutualis)")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Modifier onvif-gymnase"))
    expect(page.get_by_text("Un mot de passe est enregistré : laisser vide pour le garder.")).to_be_visible()
    expect(page.get_by_label("Mot de passe ONVIF", exact=True)).to_have_value("")
    assert CAMERA_PASSWORD not in page.content()
    axe_check(page)
    page.get_by_label("Description").fill("Gymnase Jean-Moulin")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Source modifiée.")).to_be_visible()
    source.refresh_from_db()
    assert source.description == "Gymnase Jean-Moulin" and source_onvif_password(source) == CAMERA_PASSWORD
